/**
 * The build: discover → validate → verify → generate, and writing the registry module.
 *
 * @module
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { stagePackageModules } from "./package_modules.ts";
import { withOwnDependencies } from "./own_dependencies.ts";
import { BuildCache, cacheFileFor } from "./build_cache.ts";
import { discover, type PluginRoots } from "./discover.ts";
import { fingerprintInputs } from "./fingerprint.ts";
import { generateRegistry } from "./generate.ts";
import { type VerifiedPlugin, verify, type VerifyOptions } from "./verify.ts";
import { writeFileAtomically } from "./write_atomically.ts";
import { withWorkerBundles } from "./worker_bundle.ts";
import { readTargets, withRuntimeTargets } from "./runtime_targets.ts";
import {
  type UnloadableModules,
  unloadableModules,
  writeUnloadableModules,
} from "./unloadable_modules.ts";
import type { RuntimeName } from "../runtime/plugins/runtimes.ts";
import { type IsolationPolicy, readIsolationPolicy } from "../runtime/plugins/isolation.ts";
import { warehouseProfiles } from "../runtime/dbt/invocation.ts";
import process from "node:process";

export type { DiscoveredPlugin, PluginRoots } from "./discover.ts";
export type { PluginPackage } from "./package_plugins.ts";
export type {
  PluginChecks,
  VerifiedFrontend,
  VerifiedPlugin,
  VerifiedRouter,
  VerifyOptions,
} from "./verify.ts";
export type { AppRoute, BlockInfo } from "./export_kind.ts";
export type { ClientAsset } from "./client_bundle.ts";
export type { BundleKind, CachedBundles, CacheStats } from "./build_cache.ts";
export type { StylesheetAsset } from "./stylesheet_bundle.ts";
export type { WorkerBundles } from "./worker_bundle.ts";
export type { PolicyFindings } from "./module_policy.ts";
export { readTargets, type RuntimeUse } from "./runtime_targets.ts";
export {
  readUnloadableModules,
  type UnloadableModules,
  unloadableModulesFile,
} from "./unloadable_modules.ts";
export { serverEntrySource, type ServerRuntime } from "./server_entry.ts";
export { writeFileAtomically } from "./write_atomically.ts";
export { typeCheck, withTypeErrors } from "./type_check.ts";
export { BuildCache, cacheFileFor, discover, fingerprintInputs, generateRegistry, verify };

/** The default location of the generated registry, relative to the working directory. */
export const DEFAULT_REGISTRY_FILE = ".gen/registry.ts";

/** Options of {@link buildRegistry}. */
export interface BuildOptions extends PluginRoots, VerifyOptions {
  /** Where the registry module goes (import paths in it are relative to this file). */
  readonly outFile: string;
  /** Results of earlier builds to reuse for unchanged plugins (none: every plugin is checked). */
  readonly cache?: BuildCache;
  /**
   * Which plugins get a worker bundle to run isolated (default: `HONEYFRAME_ISOLATION` of
   * `env`, else `customer`).
   */
  readonly isolation?: IsolationPolicy;
  /** The runtimes the deployment targets (default: `HONEYFRAME_TARGETS` of `env`, else all). */
  readonly targets?: readonly RuntimeName[];
}

/** What a build produced. */
export interface BuildResult {
  /** Every discovered plugin with its status and problems. */
  readonly plugins: readonly VerifiedPlugin[];
  /** The fingerprint of the inputs. */
  readonly fingerprint: string;
  /** The registry module's source (not yet written). */
  readonly source: string;
  /**
   * The package plugins' bundled modules, by path under {@link packageModulesFolder} (written with
   * the registry).
   */
  readonly packageModules: ReadonlyMap<string, string>;
  /**
   * The `profiles.yml` dbt runs with when a warehouse is set, when some mounted plugin has a dbt
   * workspace (written into {@link dbtProfilesFolder}).
   */
  readonly dbtProfiles?: string;
  /** The modules each runtime's bundle leaves out (written beside the registry). */
  readonly unloadable: UnloadableModules;
}

/**
 * The folder beside the registry where the generated dbt profiles are written:
 * `.gen/registry.dbt/` for `.gen/registry.ts` (the server's default, `GENERATED_PROFILES_DIR`).
 *
 * @param outFile The registry path.
 * @returns The folder.
 */
export function dbtProfilesFolder(outFile: string): string {
  return resolve(outFile).replace(/\.[^./]*$/, "") + ".dbt";
}

/**
 * Writes the generated dbt profiles beside the registry (atomically), or removes them when no
 * mounted plugin has a dbt workspace.
 *
 * @param outFile The registry path.
 * @param profiles The `profiles.yml` text, or `undefined`.
 * @returns The folder dbt's `--profiles-dir` names.
 */
export function writeDbtProfiles(outFile: string, profiles: string | undefined): string {
  const folder = dbtProfilesFolder(outFile);
  if (profiles === undefined) rmSync(folder, { recursive: true, force: true });
  else {
    mkdirSync(folder, { recursive: true });
    writeFileAtomically(join(folder, "profiles.yml"), profiles);
  }
  return folder;
}

/**
 * The folder beside the registry where package plugins' bundled modules are written:
 * `.gen/registry.packages/` for `.gen/registry.ts`.
 *
 * @param outFile The registry path.
 * @returns The folder.
 */
export function packageModulesFolder(outFile: string): string {
  return resolve(outFile).replace(/\.[^./]*$/, "") + ".packages";
}

/** The host project (package plugins are bundled with its configuration). */
const HOST_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Discovers, validates and verifies every plugin and generates the registry source. Writes nothing.
 *
 * @param options Plugin roots, output file and import timeout.
 * @returns The plugins, the fingerprint and the registry source.
 * @example
 * ```ts
 * const result = await buildRegistry({ installDir: ".", dataDir: "./data", outFile: ".gen/registry.ts" });
 * writeRegistry(".gen/registry.ts", result);
 * ```
 */
export async function buildRegistry(options: BuildOptions): Promise<BuildResult> {
  const outFile = resolve(options.outFile);
  const env = options.env ?? process.env;
  using staged = stagePackageModules(
    withOwnDependencies(discover(options, options.cache), env),
    HOST_ROOT,
  );
  const served = packageModulesFolder(outFile);
  // Checked from the staging folder, imported by the registry from beside it.
  const policy = options.isolation ?? readIsolationPolicy(env);
  const targets = options.targets ?? readTargets(env);
  const { plugins: isolated, bundles } = withWorkerBundles(
    await verify(staged.plugins, options),
    policy,
  );
  const plugins = withRuntimeTargets(isolated, targets, policy).map((plugin) =>
    plugin.modules ? servedFrom(plugin, plugin.modules, join(served, plugin.name)) : plugin
  );
  const fingerprint = fingerprintInputs(
    plugins,
    options.cache ? (dir) => options.cache!.digestOf(dir) : undefined,
  );
  const source = generateRegistry(plugins, fingerprint, outFile, bundles);
  const profiles = plugins.filter((plugin) => plugin.status === "mounted" && plugin.dbt)
    .map((plugin) => plugin.dbt!.profile ?? plugin.dbt!.project);
  return {
    plugins,
    fingerprint,
    source,
    packageModules: staged.files,
    unloadable: unloadableModules(plugins),
    ...(profiles.length > 0 ? { dbtProfiles: warehouseProfiles(profiles) } : {}),
  };
}

/** A plugin whose module files under `from` are imported from `to` instead. */
function servedFrom(plugin: VerifiedPlugin, from: string, to: string): VerifiedPlugin {
  const moved = (file: string) => join(to, file.slice(from.length));
  return {
    ...plugin,
    modules: to,
    routers: plugin.routers.map((router) => ({ ...router, file: moved(router.file) })),
    ...(plugin.frontend
      ? { frontend: { ...plugin.frontend, file: moved(plugin.frontend.file) } }
      : {}),
  };
}

/**
 * Writes the registry atomically (a temporary file beside it, then a rename, so a reader never
 * sees half a registry), after the package plugins' bundled modules it imports ({@link packageModulesFolder}).
 *
 * @param outFile The registry path.
 * @param result The registry source and the package plugins' bundled modules.
 * @example
 * ```ts
 * const result = await buildRegistry({ installDir: ".", dataDir: "./data", outFile: ".gen/registry.ts" });
 * writeRegistry(".gen/registry.ts", result);
 * ```
 */
export function writeRegistry(
  outFile: string,
  result: Pick<BuildResult, "source" | "packageModules" | "dbtProfiles" | "unloadable">,
): void {
  writeDbtProfiles(outFile, result.dbtProfiles);
  writeUnloadableModules(outFile, result.unloadable);
  const folder = packageModulesFolder(outFile);
  const next = `${folder}.next`;
  rmSync(next, { recursive: true, force: true });
  for (const [path, text] of result.packageModules) {
    mkdirSync(dirname(join(next, path)), { recursive: true });
    writeFileSync(join(next, path), text);
  }
  rmSync(folder, { recursive: true, force: true });
  if (result.packageModules.size > 0) renameSync(next, folder);
  writeFileAtomically(outFile, result.source);
}

/**
 * Tells whether the registry on disk differs from what a build would write now.
 *
 * @param outFile The registry path.
 * @param source The freshly generated source.
 * @returns `"missing"`, `"stale"` or `"fresh"`.
 * @example
 * ```ts
 * const result = await buildRegistry({ installDir: ".", dataDir: "./data", outFile: ".gen/registry.ts" });
 * if (registryState(".gen/registry.ts", result.source) === "stale") console.log("rebuild");
 * ```
 */
export function registryState(outFile: string, source: string): "missing" | "stale" | "fresh" {
  let current: string;
  try {
    current = readFileSync(outFile, "utf8");
  } catch {
    return "missing";
  }
  return current === source ? "fresh" : "stale";
}
