/**
 * The build: discover → validate → verify → generate, and writing the registry module.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { BuildCache, cacheFileFor } from "./build_cache.ts";
import { discover, type PluginRoots } from "./discover.ts";
import { fingerprintInputs } from "./fingerprint.ts";
import { generateRegistry } from "./generate.ts";
import { type VerifiedPlugin, verify, type VerifyOptions } from "./verify.ts";
import { writeFileAtomically } from "./write_atomically.ts";

export type { DiscoveredPlugin, PluginRoots } from "./discover.ts";
export type {
  PluginChecks,
  VerifiedFrontend,
  VerifiedPlugin,
  VerifiedRouter,
  VerifyOptions,
} from "./verify.ts";
export type { AppRoute, BlockInfo } from "./export_kind.ts";
export type { ClientAsset } from "./client_bundle.ts";
export type { CacheStats } from "./build_cache.ts";
export { serverEntrySource, type ServerRuntime } from "./server_entry.ts";
export { writeFileAtomically } from "./write_atomically.ts";
export { BuildCache, cacheFileFor, discover, fingerprintInputs, generateRegistry, verify };

/** The default location of the generated registry, relative to the working directory. */
export const DEFAULT_REGISTRY_FILE = ".gen/registry.ts";

/** Options of {@link buildRegistry}. */
export interface BuildOptions extends PluginRoots, VerifyOptions {
  /** Where the registry module goes (import paths in it are relative to this file). */
  readonly outFile: string;
  /** Results of earlier builds to reuse for unchanged plugins (none: every plugin is checked). */
  readonly cache?: BuildCache;
}

/** What a build produced. */
export interface BuildResult {
  /** Every discovered plugin with its status and problems. */
  readonly plugins: readonly VerifiedPlugin[];
  /** The fingerprint of the inputs. */
  readonly fingerprint: string;
  /** The registry module's source (not yet written). */
  readonly source: string;
}

/**
 * Discovers, validates and verifies every plugin and generates the registry source. Writes nothing.
 *
 * @param options Plugin roots, output file and import timeout.
 * @returns The plugins, the fingerprint and the registry source.
 * @example
 * ```ts
 * const result = await buildRegistry({ installDir: ".", dataDir: "./data", outFile: ".gen/registry.ts" });
 * writeRegistry(".gen/registry.ts", result.source);
 * ```
 */
export async function buildRegistry(options: BuildOptions): Promise<BuildResult> {
  const plugins = await verify(discover(options, options.cache), options);
  const fingerprint = fingerprintInputs(
    plugins,
    options.cache ? (dir) => options.cache!.digestOf(dir) : undefined,
  );
  const outFile = resolve(options.outFile);
  const source = generateRegistry(plugins, fingerprint, outFile, options.cache);
  return { plugins, fingerprint, source };
}

/**
 * Writes the registry atomically: a temporary file beside it, then a rename, so a reader never
 * sees half a registry.
 *
 * @param outFile The registry path.
 * @param source The registry source.
 * @example
 * ```ts
 * const { source } = await buildRegistry({ installDir: ".", dataDir: "./data", outFile: ".gen/registry.ts" });
 * writeRegistry(".gen/registry.ts", source);
 * ```
 */
export function writeRegistry(outFile: string, source: string): void {
  writeFileAtomically(outFile, source);
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
