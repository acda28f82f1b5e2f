/**
 * What a plugin's server code needs of the runtime it runs on: each `node:` built-in it imports, each
 * runtime's own Hono adapter (`hono/deno`, `hono/bun`, `hono/cloudflare-workers`) and each use of a
 * runtime's own global (`Deno.…`, `Bun.…`), found by the module policy's reading of its module graph.
 * Against the runtimes a deployment targets (`HONEYFRAME_TARGETS`) they become `runtime.unsupported`
 * problems, and the registry records where the plugin cannot load.
 *
 * @module
 */
import { ConfigError, envOrDefault, type EnvSource } from "../env/mod.ts";
import { type Problem, problem } from "../manifest/mod.ts";
import {
  isRuntimeName,
  RUNTIME_LABELS,
  type RuntimeName,
  RUNTIMES,
  type UnsupportedRuntimes,
} from "../runtime/plugins/runtimes.ts";
import { isolationOf, type IsolationPolicy } from "../runtime/plugins/isolation.ts";
import type { VerifiedPlugin } from "./verify.ts";

/** One place where plugin code needs something of its runtime. */
export interface RuntimeUse {
  /** What it needs: `node:path`, `hono/deno`, `Deno` or `Bun`. */
  readonly name: string;
  /** The file, as problems name it (relative to the plugin). */
  readonly file: string;
  /** From 1. */
  readonly line: number;
  /** From 1. */
  readonly column: number;
}

/** The Hono adapters that load on one runtime only. */
const RUNTIME_ADAPTERS: Readonly<Record<string, RuntimeName>> = {
  "hono/deno": "deno",
  "hono/bun": "bun",
  "hono/cloudflare-workers": "workerd",
};

/** The globals that exist on one runtime only. */
const RUNTIME_GLOBALS: Readonly<Record<string, RuntimeName>> = { Deno: "deno", Bun: "bun" };

/**
 * Tells whether an import specifier or a global is something only some runtimes have.
 *
 * @param name A specifier a file imports, or a global it uses.
 * @returns Whether it is a runtime use.
 */
export function isRuntimeUse(name: string): boolean {
  return name.startsWith("node:") || name in RUNTIME_ADAPTERS || name in RUNTIME_GLOBALS;
}

/**
 * Tells whether a runtime has what a use needs.
 *
 * @param name The use's name.
 * @param runtime The runtime.
 * @returns Whether the code loads (and runs) there.
 */
export function loadsOn(name: string, runtime: RuntimeName): boolean {
  // Workers have Node built-ins only under the `nodejs_compat` flag, which deployments do not set.
  if (name.startsWith("node:")) return runtime !== "workerd";
  const only = RUNTIME_ADAPTERS[name] ?? RUNTIME_GLOBALS[name];
  return only === undefined || only === runtime;
}

/**
 * The runtimes a deployment targets, from `HONEYFRAME_TARGETS` (a comma-separated list; default:
 * every runtime the project bundles for).
 *
 * @param env Where to read the variable.
 * @returns The runtimes, in {@link RUNTIMES} order.
 * @throws {ConfigError} When it names something else, or nothing.
 * @example
 * ```ts
 * readTargets({ HONEYFRAME_TARGETS: "deno, workerd" }); // ["deno", "workerd"]
 * readTargets({}); // ["deno", "node", "bun", "workerd"]
 * ```
 */
export function readTargets(env: EnvSource): RuntimeName[] {
  const names = envOrDefault(env, "HONEYFRAME_TARGETS").split(",")
    .map((name) => name.trim().toLowerCase()).filter(Boolean);
  const unknown = names.filter((name) => !isRuntimeName(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new ConfigError(
      `HONEYFRAME_TARGETS ${
        unknown.length > 0
          ? `names ${unknown.map((name) => `\`${name}\``).join(", ")}, not a runtime`
          : "names no runtime"
      }; it takes a comma-separated list of ${RUNTIMES.join(", ")}`,
    );
  }
  return RUNTIMES.filter((runtime) => names.includes(runtime));
}

/**
 * Where a plugin's code cannot load, with the first use that stops it on each runtime.
 *
 * @param uses Its runtime uses, in file order.
 * @param runsOn The runtime that runs its code for each target runtime (an isolated plugin's code
 * runs in the Deno plugin process under Node and Bun too).
 * @returns A `runtime.unsupported` problem for each runtime it cannot load on.
 */
export function unsupportedRuntimes(
  uses: readonly RuntimeUse[],
  runsOn: (target: RuntimeName) => RuntimeName = (target) => target,
): UnsupportedRuntimes {
  const found: Partial<Record<RuntimeName, Problem>> = {};
  for (const target of RUNTIMES) {
    const runtime = runsOn(target);
    const use = uses.find((use) => !loadsOn(use.name, runtime));
    if (use) found[target] = unsupportedProblem(use, target, runtime);
  }
  return found;
}

function unsupportedProblem(use: RuntimeUse, target: RuntimeName, runtime: RuntimeName): Problem {
  const what = use.name in RUNTIME_GLOBALS ? `\`${use.name}.*\`` : `\`${use.name}\``;
  const where = runtime === target
    ? RUNTIME_LABELS[target]
    : `${RUNTIME_LABELS[runtime]} (where it runs isolated on ${RUNTIME_LABELS[target]})`;
  const consequence = target === "workerd"
    ? "the Worker bundle leaves the plugin out and marks it error"
    : `a server on ${RUNTIME_LABELS[target]} marks the plugin error without importing it`;
  return problem(
    "runtime.unsupported",
    `${what} is not available on ${where}: ${consequence}. Use a Web-standard API (or ` +
      "`pluginContext(c)`), feature-detect through `globalThis`, or leave the runtime out of " +
      "HONEYFRAME_TARGETS",
    { file: use.file, line: use.line, column: use.column },
  );
}

/**
 * The build's runtime stage: records where each mounted plugin cannot load (`unsupported`, which
 * servers and the Worker bundle act on) and warns, for each runtime the deployment targets, of the
 * first use that stops it there.
 *
 * @param plugins The verified plugins.
 * @param targets The runtimes the deployment targets.
 * @param isolation Which plugins run isolated (their code runs in the Deno plugin process under
 * Node and Bun, in a Worker of its own on Cloudflare).
 * @returns The plugins, each that cannot load somewhere with `unsupported` and its warnings.
 */
export function withRuntimeTargets(
  plugins: readonly VerifiedPlugin[],
  targets: readonly RuntimeName[],
  isolation: IsolationPolicy,
): VerifiedPlugin[] {
  return plugins.map((plugin) => {
    if (plugin.status !== "mounted" || !plugin.runtimeUses?.length) return plugin;
    const isolated = isolationOf(plugin.source, isolation) === "worker";
    const unsupported = unsupportedRuntimes(
      plugin.runtimeUses,
      (target) => isolated && target !== "workerd" ? "deno" : target,
    );
    const targeted = targets.flatMap((target) => unsupported[target] ?? []);
    if (Object.keys(unsupported).length === 0) return plugin;
    return { ...plugin, unsupported, warnings: [...plugin.warnings, ...targeted] };
  });
}
