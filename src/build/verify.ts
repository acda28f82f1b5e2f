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
import { type AppRoute, HONO_APP } from "./export_kind.ts";
import { ModuleInspector } from "./module_inspector.ts";
import { redactPaths } from "./redact_paths.ts";
import { resolveInsidePlugin } from "./inside_plugin.ts";
import { pluginRoutes, routeConflicts } from "./route_table.ts";

/** A router that passed verification. */
export interface VerifiedRouter extends RouterSpec {
  /** The absolute path of the module (the registry imports it from here). */
  readonly file: string;
  /** The routes the app lists, relative to it. */
  readonly routes: readonly AppRoute[];
}

/** A discovered plugin after verification, with its final status. */
export interface VerifiedPlugin extends DiscoveredPlugin {
  /** `mounted` when it has no errors and is not shadowed. */
  readonly status: PluginStatus;
  /** The routers to mount; empty unless mounted. */
  readonly routers: readonly VerifiedRouter[];
  /** The route table of the routers that verified (kept when other problems stop the plugin). */
  readonly routes: readonly RouteEntry[];
}

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
 * const plugins = await verify(discover({ installDir: ".", dataDir: "./data" }));
 * ```
 */
export async function verify(
  plugins: readonly DiscoveredPlugin[],
  options: VerifyOptions = {},
): Promise<VerifiedPlugin[]> {
  using inspector = new ModuleInspector(options.importTimeoutMs);
  const context = { inspector, hostDir: options.hostDir ?? process.cwd() };
  const verified: VerifiedPlugin[] = [];
  for (const plugin of plugins) verified.push(await verifyPlugin(plugin, context));
  return withoutRouteConflicts(verified);
}

/** Plugins whose routes collide with another router's are errors, not mounted. */
function withoutRouteConflicts(plugins: VerifiedPlugin[]): VerifiedPlugin[] {
  const conflicts = routeConflicts(
    plugins
      .filter((plugin) => plugin.status === "mounted")
      .map((plugin) => ({
        name: plugin.name,
        routerSpecs: plugin.manifest?.routers.map((router) => router.spec) ?? [],
        routes: plugin.routes,
      })),
  );
  return plugins.map((plugin) => {
    const found = plugin.status === "mounted" ? conflicts.get(plugin.name) : undefined;
    return found
      ? { ...plugin, errors: [...plugin.errors, ...found], status: "error", routers: [] }
      : plugin;
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
  if (manifest.frontend_entry !== undefined) {
    errors.push(...checkModuleFile(plugin.dir, manifest.frontend_entry, "frontend_entry"));
  }
  const routers: VerifiedRouter[] = [];
  for (const [index, spec] of manifest.routers.entries()) {
    const result = await checkRouter(plugin.dir, spec, `routers[${index}]`, context);
    if ("code" in result) errors.push(result);
    else routers.push(result);
  }
  const routes = pluginRoutes(plugin.name, routers);
  return errors.length > 0
    ? { ...plugin, errors, status: "error", routers: [], routes }
    : { ...plugin, status: "mounted", routers, routes };
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

function checkModuleFile(
  dir: string,
  module: string,
  field: "frontend_entry" | "router",
  path: string = field,
): Problem[] {
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

async function checkRouter(
  dir: string,
  parsed: RouterSpec,
  path: string,
  context: VerifyContext,
): Promise<VerifiedRouter | Problem> {
  const at = { file: MANIFEST_FILE, path };
  const [fileProblem] = checkModuleFile(dir, parsed.module, "router", path);
  if (fileProblem) return fileProblem;

  const file = join(dir, parsed.module);
  const report = await context.inspector.inspect(realpathSync(file));
  if (!report.ok) {
    const reason = redactPaths(report.message, [dir, realpathSync(dir)], context.hostDir);
    return problem("router.import_failed", `importing \`${parsed.module}\` failed: ${reason}`, at);
  }
  const found = report.exports[parsed.exportName];
  if (found === undefined) {
    const names = Object.keys(report.exports).sort().map((name) => `\`${name}\``).join(", ") ||
      "none";
    return problem(
      "router.export_not_found",
      `\`${parsed.module}\` has no export \`${parsed.exportName}\` (it exports: ${names})`,
      at,
    );
  }
  if (found.kind !== HONO_APP) {
    return problem(
      "router.not_hono_app",
      `export \`${parsed.exportName}\` of \`${parsed.module}\` is ${found.kind}, not a Hono app (an object with \`fetch\` and \`routes\`)`,
      at,
    );
  }
  return { ...parsed, file, routes: found.routes ?? [] };
}
