/**
 * Verification: everything a manifest points at is checked on disk (inside the plugin, symlinks
 * followed), every router module is imported to check its export is a Hono app, and client
 * entries are bundled for the browser. Problems become data on their plugin; nothing here throws
 * for a plugin's sake.
 *
 * @module
 */
import {
  bundleStylesheets,
  type StylesheetAsset,
  type StylesheetFailure,
} from "./stylesheet_bundle.ts";
import type { UnsupportedRuntimes } from "../runtime/plugins/runtimes.ts";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import {
  locateProblems,
  type Manifest,
  MANIFEST_FILE,
  type Problem,
  problem,
  type RouterSpec,
} from "../manifest/mod.ts";
import type { DbtWorkspaceInfo, PluginStatus, RouteEntry } from "../runtime/registry.ts";
import { checkDbt } from "./dbt_project.ts";
import type { BuildCache, BundleKind, CachedBundles } from "./build_cache.ts";
import { bundleClients, type ClientAsset, LARGE_CLIENT_BYTES } from "./client_bundle.ts";
import { redactPaths } from "./redact_paths.ts";
import type { DiscoveredPlugin } from "./discover.ts";
import type { AppRoute, BlockInfo } from "./export_kind.ts";
import {
  checkFrontend,
  checkModuleFile,
  checkRouter,
  type ModuleCheckContext,
} from "./module_checks.ts";
import { ModuleInspector } from "./module_inspector.ts";
import { folderAndRealPath } from "./inside_plugin.ts";
import { navWarnings } from "./nav_check.ts";
import { withModulePolicy } from "./plugin_policy.ts";
import { withoutConflicts } from "./plugin_conflicts.ts";
import { withDependencies } from "./plugin_dependencies.ts";
import { HOST_VERSION } from "../runtime/version.ts";
import { secretValues } from "../log/mod.ts";
import { redactProblems } from "./redact_secrets.ts";
import { pluginRoutes } from "./route_table.ts";

/** A router that passed verification. */
export interface VerifiedRouter extends RouterSpec {
  /** The absolute path of the module (the registry imports it from here). */
  readonly file: string;
  /** The routes the app lists, relative to it. */
  readonly routes: readonly AppRoute[];
  /** Whether the module exports a `health` function. */
  readonly health: boolean;
}

/** A frontend entry that passed verification. */
export interface VerifiedFrontend {
  /** The module path relative to the plugin folder. */
  readonly module: string;
  /** The absolute path of the module (the registry imports it from here). */
  readonly file: string;
  /** The page paths its `pages` export maps. */
  readonly pages: readonly string[];
  /** The permission each page that names one needs, by path. */
  readonly pagePermissions: Readonly<Record<string, string>>;
  /** The dashboard blocks its `blocks` export declares. */
  readonly blocks: readonly BlockInfo[];
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
  /** The bundled client entry; only on mounted plugins that declare one. */
  readonly client?: ClientAsset;
  /** The bundled stylesheet; only on mounted plugins that declare one. */
  readonly stylesheet?: StylesheetAsset;
  /** Its dbt workspace's inventory, when its `dbt_project.yml` was read. */
  readonly dbt?: DbtWorkspaceInfo;
  /** The plugins that require it, by name; absent when none does. */
  readonly dependents?: readonly string[];
  /** The runtimes its code cannot load on, with why; absent when it loads everywhere. */
  readonly unsupported?: UnsupportedRuntimes;
}

/** What checking a plugin's modules found: a function of the plugin folder's contents. */
export interface PluginChecks {
  /** Problems that keep the plugin from being mounted. */
  readonly errors: readonly Problem[];
  /** Problems that do not. */
  readonly warnings: readonly Problem[];
  /** The routers that verified. */
  readonly routers: readonly VerifiedRouter[];
  /** Their route table. */
  readonly routes: readonly RouteEntry[];
  /** The verified frontend entry, when it has one. */
  readonly frontend?: VerifiedFrontend;
  /** Its dbt workspace's inventory, when it has one that was read. */
  readonly dbt?: DbtWorkspaceInfo;
}

/** How many plugins are verified at once, each lane with its own import worker. */
const VERIFY_LANES = Math.min(4, globalThis.navigator?.hardwareConcurrency ?? 2);

/** Options of {@link verify}. */
export interface VerifyOptions {
  /** Time limit for one module import, in milliseconds (default 10 s). */
  readonly importTimeoutMs?: number;
  /** The host project folder; shown as `<host>` in messages instead of its path. */
  readonly hostDir?: string;
  /** The environment whose secret values are redacted from messages (`process.env` by default). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Earlier results to reuse for plugins whose folders did not change. */
  readonly cache?: BuildCache;
  /** The host version `requires.host` ranges are matched against (this host's by default). */
  readonly hostVersion?: string;
}

/**
 * Verifies discovered plugins. Shadowed and already-invalid plugins are passed through unchecked
 * (their code is never imported); so are plugins whose code breaks the module policy, checked
 * first.
 *
 * @param plugins The output of `discover()`.
 * @param options Import timeout and host folder.
 * @returns The plugins with verification problems added and their status decided, each after the
 * plugins it requires (ties by name).
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
  // No plugin code is imported before the module policy has read it (package plugins' was read
  // before their modules were bundled).
  plugins = withModulePolicy(plugins, options.cache, (plugin) => plugin.modules === undefined);
  const lanes = Math.max(1, Math.min(VERIFY_LANES, plugins.length));
  const verified: VerifiedPlugin[] = new Array(plugins.length);
  // The import workers may read the folders of the plugins they import, nothing else of ours.
  const readable = [
    ...new Set(
      plugins.flatMap((plugin) => [
        ...folderAndRealPath(plugin.dir),
        ...(plugin.modules ? folderAndRealPath(plugin.modules) : []),
      ]),
    ),
  ];
  await Promise.all(Array.from({ length: lanes }, async (_, lane) => {
    using inspector = new ModuleInspector(options.importTimeoutMs, readable);
    const context = { inspector, hostDir: options.hostDir ?? process.cwd() };
    for (let index = lane; index < plugins.length; index += lanes) {
      verified[index] = await verifyPlugin(plugins[index]!, context, options.cache);
    }
  }));
  const bundled = withStylesheets(withClientBundles(verified, options.cache), options.cache);
  const secrets = secretValues(options.env ?? process.env);
  // Problems found after parsing (imports, conflicts) get their place in plugin.yaml too.
  const locate = (plugin: VerifiedPlugin, problems: readonly Problem[]) =>
    redactProblems(locateProblems(problems, plugin.manifestBytes, MANIFEST_FILE), secrets);
  const ordered = withDependencies(withoutConflicts(bundled), options.hostVersion ?? HOST_VERSION);
  return ordered.map((plugin) => ({
    ...plugin,
    errors: locate(plugin, plugin.errors),
    warnings: locate(plugin, plugin.warnings),
  }));
}

async function verifyPlugin(
  plugin: DiscoveredPlugin,
  context: ModuleCheckContext,
  cache: BuildCache | undefined,
): Promise<VerifiedPlugin> {
  const { manifest } = plugin;
  if (plugin.shadowed) return { ...plugin, status: "shadowed", routers: [], routes: [] };
  if (!manifest) return { ...plugin, status: "error", routers: [], routes: [] };

  const check = () => checkPlugin(plugin.dir, plugin.modules ?? plugin.dir, manifest, context);
  // A package plugin's bundles depend on its dependencies too, which its folder's digest misses.
  const cached = plugin.package || plugin.dependencyPackage ? undefined : cache;
  const { routers, routes, frontend, dbt, ...found } = await (cached?.checks(plugin, check) ??
    check());
  const errors = [...plugin.errors, ...found.errors];
  const warnings = [...plugin.warnings, ...found.warnings];
  const inventory = dbt ? { dbt } : {};
  return errors.length > 0
    ? { ...plugin, errors, warnings, status: "error", routers: [], routes, ...inventory }
    : {
      ...plugin,
      warnings,
      status: "mounted",
      routers,
      routes,
      ...(frontend ? { frontend } : {}),
      ...inventory,
    };
}

/** Checks everything a valid manifest points at: its dbt workspace, frontend and routers. */
async function checkPlugin(
  dir: string,
  modulesDir: string,
  manifest: Manifest,
  context: ModuleCheckContext,
): Promise<PluginChecks> {
  const dbtCheck = checkDbt(dir, manifest);
  const errors: Problem[] = [...dbtCheck.errors];
  let frontend: VerifiedFrontend | undefined;
  if (manifest.frontend_entry !== undefined) {
    const result = await checkFrontend(
      modulesDir,
      manifest.frontend_entry,
      manifest.permissions,
      context,
    );
    if ("code" in result) errors.push(result);
    else frontend = result;
  }
  if (manifest.client_entry !== undefined) {
    errors.push(...checkModuleFile(dir, manifest.client_entry, "client_entry", "client_entry"));
  }
  if (manifest.stylesheet !== undefined) {
    errors.push(...checkModuleFile(dir, manifest.stylesheet, "stylesheet", "stylesheet"));
  }
  const warnings = [...dbtCheck.warnings, ...navWarnings(manifest.nav, frontend?.pages ?? [])];
  const routers: VerifiedRouter[] = [];
  for (const [index, spec] of manifest.routers.entries()) {
    const result = await checkRouter(modulesDir, spec, `routers[${index}]`, context);
    if ("code" in result) errors.push(result);
    else routers.push(result);
  }
  const routes = pluginRoutes(manifest.name, routers);
  return {
    errors,
    warnings,
    routers,
    routes,
    ...(frontend ? { frontend } : {}),
    ...(dbtCheck.dbt ? { dbt: dbtCheck.dbt } : {}),
  };
}

/**
 * Bundles the client entries of the mounted plugins that declare one (from the cache when their
 * folder is unchanged, the rest in one run): a failure stops its plugin, a large bundle warns.
 */
function withClientBundles(
  plugins: readonly VerifiedPlugin[],
  cache: BuildCache | undefined,
): VerifiedPlugin[] {
  const wanted = plugins.filter((plugin) =>
    plugin.status === "mounted" && plugin.manifest?.client_entry !== undefined
  );
  const results = bundlesOf("client", wanted, cache, (missing) =>
    bundleClients(
      missing.map((plugin) => ({
        dir: plugin.dir,
        file: join(plugin.dir, plugin.manifest!.client_entry!),
      })),
      HOST_ROOT,
    ));
  return plugins.map((plugin) => {
    const result = results.get(plugin);
    if (!result) return plugin;
    const at = { file: MANIFEST_FILE, path: "client_entry" };
    const entry = plugin.manifest!.client_entry!;
    if ("failure" in result) {
      const { frontend: _, ...rest } = plugin;
      const reason = redactPaths(result.failure, [plugin.dir, HOST_ROOT], HOST_ROOT);
      return {
        ...rest,
        status: "error",
        routers: [],
        errors: [
          ...plugin.errors,
          problem("client_entry.bundle_failed", `bundling \`${entry}\` failed: ${reason}`, at),
        ],
      };
    }
    const bytes = new TextEncoder().encode(result.js).length;
    const warnings = bytes > LARGE_CLIENT_BYTES
      ? [
        ...plugin.warnings,
        problem(
          "client_entry.large",
          `\`${entry}\` bundles to ${Math.round(bytes / 1024)} KiB minified (over ${
            LARGE_CLIENT_BYTES / 1024
          } KiB)`,
          at,
        ),
      ]
      : plugin.warnings;
    return { ...plugin, warnings, client: result };
  });
}

/**
 * Bundles the stylesheets of the mounted plugins that declare one (from the cache when their folder
 * is unchanged, the rest in one run): one that is refused stops its plugin.
 */
function withStylesheets(
  plugins: readonly VerifiedPlugin[],
  cache: BuildCache | undefined,
): VerifiedPlugin[] {
  const wanted = plugins.filter((plugin) =>
    plugin.status === "mounted" && plugin.manifest?.stylesheet !== undefined
  );
  const results = bundlesOf<"stylesheet", StylesheetFailure>(
    "stylesheet",
    wanted,
    cache,
    (missing) =>
      bundleStylesheets(
        missing.map((plugin) => ({
          plugin: plugin.name,
          file: join(plugin.dir, plugin.manifest!.stylesheet!),
        })),
        HOST_ROOT,
      ),
  );
  return plugins.map((plugin) => {
    const result = results.get(plugin);
    if (!result) return plugin;
    if (!("failure" in result)) return { ...plugin, stylesheet: result };
    const file = plugin.manifest!.stylesheet!;
    const { frontend: _, client: _client, ...rest } = plugin;
    const reason = redactPaths(result.failure, [plugin.dir, HOST_ROOT], HOST_ROOT);
    const at = result.line === undefined
      ? { file: MANIFEST_FILE, path: "stylesheet" }
      : { file, line: result.line, column: result.column };
    return {
      ...rest,
      status: "error",
      routers: [],
      errors: [
        ...plugin.errors,
        problem("stylesheet.bundle_failed", `bundling \`${file}\` failed: ${reason}`, at),
      ],
    };
  });
}

/**
 * Each plugin's bundle of one kind: from the cache when its folder is unchanged, the rest made in
 * one call (and kept for the next build when they were made).
 */
function bundlesOf<Kind extends BundleKind, Failure extends { readonly failure: string }>(
  kind: Kind,
  plugins: readonly VerifiedPlugin[],
  cache: BuildCache | undefined,
  make: (missing: readonly VerifiedPlugin[]) => (CachedBundles[Kind] | Failure)[],
): Map<VerifiedPlugin, CachedBundles[Kind] | Failure> {
  const results = new Map<VerifiedPlugin, CachedBundles[Kind] | Failure>();
  const missing = plugins.filter((plugin) => {
    const cached = cache?.bundle(kind, plugin);
    if (cached) results.set(plugin, cached);
    return !cached;
  });
  make(missing).forEach((result, index) => {
    const plugin = missing[index]!;
    if (!("failure" in result)) cache?.rememberBundle(kind, plugin, result as CachedBundles[Kind]);
    results.set(plugin, result);
  });
  return results;
}

/** The host project, whose dependencies client entries' bare imports resolve to. */
const HOST_ROOT = fileURLToPath(new URL("../../", import.meta.url));
