/**
 * Verification: everything a manifest points at is checked on disk (inside the plugin, symlinks
 * followed) and every router module is imported to check its export is a Hono app. Problems
 * become data on their plugin; nothing here throws for a plugin's sake.
 *
 * @module
 */
import { existsSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { MANIFEST_FILE, type Problem, problem, type RouterSpec } from "../manifest/mod.ts";
import type { PluginStatus, RouteEntry } from "../runtime/registry.ts";
import type { DiscoveredPlugin } from "./discover.ts";
import { type AppRoute, type ExportInfo, HONO_APP, PAGE_MAP } from "./export_kind.ts";
import { ModuleInspector } from "./module_inspector.ts";
import { redactPaths } from "./redact_paths.ts";
import { resolveInsidePlugin } from "./inside_plugin.ts";
import { permissionConflicts } from "./permission_catalog.ts";
import { pluginRoutes, routeConflicts } from "./route_table.ts";

/** A router that passed verification. */
export interface VerifiedRouter extends RouterSpec {
  /** The absolute path of the module (the registry imports it from here). */
  readonly file: string;
  /** The routes the app lists, relative to it. */
  readonly routes: readonly AppRoute[];
}

/** A frontend entry that passed verification. */
export interface VerifiedFrontend {
  /** The module path relative to the plugin folder. */
  readonly module: string;
  /** The absolute path of the module (the registry imports it from here). */
  readonly file: string;
  /** The page paths its `pages` export maps. */
  readonly pages: readonly string[];
}

/** A discovered plugin after verification, with its final status. */
export interface VerifiedPlugin extends DiscoveredPlugin {
  /** `mounted` when it has no errors and is not shadowed. */
  readonly status: PluginStatus;
  /** The routers to mount; empty unless mounted. */
  readonly routers: readonly VerifiedRouter[];
  /** The route table of the routers that verified (kept when other problems stop the plugin). */
  readonly routes: readonly RouteEntry[];
  /** The verified frontend entry; only on mounted plugins that declare one. */
  readonly frontend?: VerifiedFrontend;
}

/** How many plugins are verified at once, each lane with its own import worker. */
const VERIFY_LANES = Math.min(4, globalThis.navigator?.hardwareConcurrency ?? 2);

/** Options of {@link verify}. */
export interface VerifyOptions {
  /** Time limit for one module import, in milliseconds (default 10 s). */
  readonly importTimeoutMs?: number;
  /** The host project folder; shown as `<host>` in messages instead of its path. */
  readonly hostDir?: string;
}

/**
 * Verifies discovered plugins. Shadowed and already-invalid plugins are passed through unchecked
 * (their code is never imported).
 *
 * @param plugins The output of `discover()`.
 * @param options Import timeout and host folder.
 * @returns The plugins with verification problems added and their status decided.
 * @example
 * ```ts
 * import { discover } from "./discover.ts";
 * const plugins = await verify(discover({ installDir: ".", dataDir: "./data" }));
 * ```
 */
export async function verify(
  plugins: readonly DiscoveredPlugin[],
  options: VerifyOptions = {},
): Promise<VerifiedPlugin[]> {
  const lanes = Math.max(1, Math.min(VERIFY_LANES, plugins.length));
  const verified: VerifiedPlugin[] = new Array(plugins.length);
  await Promise.all(Array.from({ length: lanes }, async (_, lane) => {
    using inspector = new ModuleInspector(options.importTimeoutMs);
    const context = { inspector, hostDir: options.hostDir ?? process.cwd() };
    for (let index = lane; index < plugins.length; index += lanes) {
      verified[index] = await verifyPlugin(plugins[index]!, context);
    }
  }));
  return withoutConflicts(verified);
}

/**
 * Conflicts between plugins that would otherwise mount (routes answered by two routers, a
 * permission declared twice) make every plugin involved an error.
 */
function withoutConflicts(plugins: VerifiedPlugin[]): VerifiedPlugin[] {
  const mounted = plugins.filter((plugin) => plugin.status === "mounted");
  const routes = routeConflicts(mounted.map((plugin) => ({
    name: plugin.name,
    routerSpecs: plugin.manifest?.routers.map((router) => router.spec) ?? [],
    routes: plugin.routes,
  })));
  const permissions = permissionConflicts(mounted.map((plugin) => ({
    name: plugin.name,
    permissions: plugin.manifest?.permissions ?? [],
  })));
  return plugins.map((plugin) => {
    if (plugin.status !== "mounted") return plugin;
    const found = [...routes.get(plugin.name) ?? [], ...permissions.get(plugin.name) ?? []];
    if (found.length === 0) return plugin;
    const { frontend: _unmounted, ...rest } = plugin;
    return { ...rest, errors: [...plugin.errors, ...found], status: "error", routers: [] };
  });
}

interface VerifyContext {
  readonly inspector: ModuleInspector;
  readonly hostDir: string;
}

async function verifyPlugin(
  plugin: DiscoveredPlugin,
  context: VerifyContext,
): Promise<VerifiedPlugin> {
  const { manifest } = plugin;
  if (plugin.shadowed) return { ...plugin, status: "shadowed", routers: [], routes: [] };
  if (!manifest) return { ...plugin, status: "error", routers: [], routes: [] };

  const errors = [...plugin.errors];
  if (manifest.dbt_workspace !== undefined) {
    errors.push(...checkDbtWorkspace(plugin.dir, manifest.dbt_workspace));
  }
  let frontend: VerifiedFrontend | undefined;
  if (manifest.frontend_entry !== undefined) {
    const result = await checkFrontend(plugin.dir, manifest.frontend_entry, context);
    if ("code" in result) errors.push(result);
    else frontend = result;
  }
  const warnings = [...plugin.warnings, ...navWarnings(manifest.nav, frontend?.pages ?? [])];
  const routers: VerifiedRouter[] = [];
  for (const [index, spec] of manifest.routers.entries()) {
    const result = await checkRouter(plugin.dir, spec, `routers[${index}]`, context);
    if ("code" in result) errors.push(result);
    else routers.push(result);
  }
  const routes = pluginRoutes(plugin.name, routers);
  return errors.length > 0
    ? { ...plugin, errors, warnings, status: "error", routers: [], routes }
    : {
      ...plugin,
      warnings,
      status: "mounted",
      routers,
      routes,
      ...(frontend ? { frontend } : {}),
    };
}

function checkDbtWorkspace(dir: string, workspace: string): Problem[] {
  const at = { file: MANIFEST_FILE, path: "dbt_workspace" };
  const where = resolveInsidePlugin(dir, workspace);
  if (where.kind === "outside") {
    return [
      problem(
        "dbt_workspace.outside_plugin",
        `\`${workspace}\` resolves outside the plugin folder`,
        at,
      ),
    ];
  }
  if (where.kind === "not_found" || !where.isDirectory) {
    return [
      problem("dbt_workspace.not_found", `\`${workspace}\` is not a folder in the plugin`, at),
    ];
  }
  if (!existsSync(join(where.realPath, "dbt_project.yml"))) {
    return [problem("dbt_workspace.no_project", `\`${workspace}\` has no dbt_project.yml`, at)];
  }
  return [];
}

/** What each kind of module reference is checked for, and the codes of its problems. */
const MODULE_REFERENCES = {
  router: {
    kind: HONO_APP,
    expected: "a Hono app (an object with `fetch` and `routes`)",
    wrongKind: "router.not_hono_app",
  },
  frontend_entry: {
    kind: PAGE_MAP,
    expected: 'a map of pages (`{ "/": Home, "/customers": Customers }`)',
    wrongKind: "frontend_entry.invalid_pages",
  },
} as const;

type ModuleField = keyof typeof MODULE_REFERENCES;

function checkModuleFile(dir: string, module: string, field: ModuleField, path: string): Problem[] {
  const at = { file: MANIFEST_FILE, path };
  const where = resolveInsidePlugin(dir, module);
  if (where.kind === "outside") {
    return [
      problem(`${field}.outside_plugin`, `\`${module}\` resolves outside the plugin folder`, at),
    ];
  }
  if (where.kind === "not_found" || where.isDirectory) {
    return [problem(`${field}.not_found`, `\`${module}\` is not a file in the plugin`, at)];
  }
  return [];
}

/**
 * Checks that `module` is a file inside the plugin, imports it, and checks that `exportName` is
 * of the kind the field needs.
 */
async function checkModuleExport(
  dir: string,
  module: string,
  exportName: string,
  field: ModuleField,
  path: string,
  context: VerifyContext,
): Promise<{ file: string; found: ExportInfo } | Problem> {
  const at = { file: MANIFEST_FILE, path };
  const [fileProblem] = checkModuleFile(dir, module, field, path);
  if (fileProblem) return fileProblem;

  const file = join(dir, module);
  const report = await context.inspector.inspect(realpathSync(file));
  if (!report.ok) {
    const reason = redactPaths(report.message, [dir, realpathSync(dir)], context.hostDir);
    return problem(`${field}.import_failed`, `importing \`${module}\` failed: ${reason}`, at);
  }
  const found = report.exports[exportName];
  if (found === undefined) {
    const names = Object.keys(report.exports).sort().map((name) => `\`${name}\``).join(", ") ||
      "none";
    return problem(
      `${field}.export_not_found`,
      `\`${module}\` has no export \`${exportName}\` (it exports: ${names})`,
      at,
    );
  }
  const reference = MODULE_REFERENCES[field];
  if (found.kind !== reference.kind) {
    return problem(
      reference.wrongKind,
      `export \`${exportName}\` of \`${module}\` is ${found.kind}, not ${reference.expected}`,
      at,
    );
  }
  return { file, found };
}

async function checkRouter(
  dir: string,
  parsed: RouterSpec,
  path: string,
  context: VerifyContext,
): Promise<VerifiedRouter | Problem> {
  const result = await checkModuleExport(
    dir,
    parsed.module,
    parsed.exportName,
    "router",
    path,
    context,
  );
  if ("code" in result) return result;
  return { ...parsed, file: result.file, routes: result.found.routes ?? [] };
}

async function checkFrontend(
  dir: string,
  entry: string,
  context: VerifyContext,
): Promise<VerifiedFrontend | Problem> {
  const result = await checkModuleExport(
    dir,
    entry,
    "pages",
    "frontend_entry",
    "frontend_entry",
    context,
  );
  if ("code" in result) return result;
  return { module: entry, file: result.file, pages: result.found.pages ?? [] };
}

/** Nav entries are links to the plugin's pages; one without a page is a warning. */
function navWarnings(nav: readonly { path: string }[], pages: readonly string[]): Problem[] {
  return nav.flatMap((entry, index) =>
    pages.includes(entry.path) ? [] : [
      problem(
        "nav.no_page",
        `\`${entry.path}\` has no page${
          pages.length ? ` (pages: ${pages.join(", ")})` : " (no frontend_entry)"
        }`,
        { file: MANIFEST_FILE, path: `nav[${index}].path` },
      ),
    ]
  );
}
