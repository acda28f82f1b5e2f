/**
 * The verbs that run the build pipeline: `build`, `verify` and `list`.
 *
 * @module
 */
import {
  BuildCache,
  buildRegistry,
  type BuildResult,
  cacheFileFor,
  registryState,
  withTypeErrors,
  writeRegistry,
} from "../build/mod.ts";
import type { CliArgs } from "./args.ts";
import { displayPath, formatProblems, formatTable, pluginListing } from "./format.ts";
import type { CliIo } from "./io.ts";

/**
 * `build`: writes the registry; exits 1 under `--strict` when any plugin has errors or cannot load
 * on a runtime the deployment targets.
 *
 * @param args The parsed command line.
 * @param io Where to write.
 * @returns The exit code.
 */
export async function buildVerb(args: CliArgs, io: CliIo): Promise<number> {
  const cache = openCache(args, io);
  const result = await runBuild(args, cache);
  writeRegistry(args.outFile, result);
  cache?.save(cacheFileFor(args.outFile));
  const failed = args.strict && hasErrors(result);
  if (args.json) {
    io.out(
      JSON.stringify(
        { out: args.outFile, ...pluginListing(result.plugins, result.fingerprint) },
        null,
        2,
      ),
    );
  } else {
    for (const line of formatProblems(result.plugins)) io.err(line);
    io.out(
      `wrote ${displayPath(args.outFile)}: ${summary(result)} (${
        result.fingerprint.slice(0, 19)
      }…)`,
    );
  }
  return failed ? 1 : 0;
}

/**
 * `verify`: the build's checks without writing; exits 1 on any error, a plugin that cannot load on a
 * runtime the deployment targets, or a stale registry.
 *
 * @param args The parsed command line.
 * @param io Where to write.
 * @returns The exit code.
 */
export async function verifyVerb(args: CliArgs, io: CliIo): Promise<number> {
  const built = await runBuild(args, openCache(args, io));
  const result = args.check
    ? { ...built, plugins: withTypeErrors(built.plugins, Deno.cwd()) }
    : built;
  const state = registryState(args.outFile, result.source);
  const ok = !hasErrors(result) && state !== "stale";
  if (args.json) {
    io.out(
      JSON.stringify(
        { ok, registry_state: state, ...pluginListing(result.plugins, result.fingerprint) },
        null,
        2,
      ),
    );
    return ok ? 0 : 1;
  }
  for (const line of formatProblems(result.plugins)) io.out(line);
  const where = displayPath(args.outFile);
  if (state === "stale") {
    io.out(`error   ${where} is stale: run \`npx deno task build\` [registry.stale]`);
  }
  if (state === "missing") {
    io.out(`note    ${where} does not exist yet: \`npx deno task build\` writes it`);
  }
  io.out(`${ok ? "ok" : "FAILED"}: ${summary(result)}`);
  return ok ? 0 : 1;
}

/**
 * `list`: a table of every plugin (or `--json`).
 *
 * @param args The parsed command line.
 * @param io Where to write.
 * @returns Always 0.
 */
export async function listVerb(args: CliArgs, io: CliIo): Promise<number> {
  const result = await runBuild(args, openCache(args, io));
  const listing = pluginListing(result.plugins, result.fingerprint);
  if (args.json) io.out(JSON.stringify(listing, null, 2));
  else for (const line of formatTable(listing.plugins)) io.out(line);
  return 0;
}

/**
 * Runs the build pipeline without writing anything.
 *
 * @param args The parsed command line.
 * @param cache Earlier results to reuse.
 * @returns The build's result.
 */
export function runBuild(args: CliArgs, cache: BuildCache | undefined): Promise<BuildResult> {
  return buildRegistry({
    installDir: args.installDir,
    dataDir: args.dataDir,
    outFile: args.outFile,
    importTimeoutMs: args.importTimeoutMs,
    env: args.env,
    ...(cache ? { cache } : {}),
  });
}

/**
 * The results of the last build, unless `--no-cache`; a cache that cannot be trusted is noted.
 *
 * @param args The parsed command line.
 * @param io Where the note goes.
 * @returns The cache, or `undefined` under `--no-cache`.
 */
export function openCache(args: CliArgs, io: CliIo): BuildCache | undefined {
  if (!args.useCache) return undefined;
  const file = cacheFileFor(args.outFile);
  const cache = BuildCache.load(file);
  if (cache.ignored) {
    io.err(`note: ignored ${displayPath(file)} (${cache.ignored}); checking every plugin`);
  }
  return cache;
}

/** Whether any plugin has errors, or cannot load on a runtime the deployment targets. */
function hasErrors(result: BuildResult): boolean {
  return result.plugins.some((plugin) => plugin.errors.length > 0 || cannotLoadOnATarget(plugin));
}

function cannotLoadOnATarget(plugin: BuildResult["plugins"][number]): boolean {
  return plugin.warnings.some((warning) => warning.code === "runtime.unsupported");
}

function summary(result: BuildResult): string {
  const count = (status: string) =>
    result.plugins.filter((plugin) => plugin.status === status).length;
  const unloadable = result.plugins.filter(cannotLoadOnATarget).length;
  return `${result.plugins.length} plugins, ${count("mounted")} mounted, ${
    count("error")
  } with errors, ` +
    `${count("shadowed")} shadowed${
      unloadable > 0 ? `, ${unloadable} that cannot load on every target (HONEYFRAME_TARGETS)` : ""
    }`;
}
