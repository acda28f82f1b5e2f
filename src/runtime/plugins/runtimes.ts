/**
 * The runtimes a deployment can serve plugins on, and which one this code runs on. The build checks
 * each plugin's code against them (`runtime.unsupported`); the registry records, for each runtime a
 * plugin cannot load on, the first reason; and a server started there marks that plugin `error`
 * without importing it, serving the rest.
 *
 * @module
 */
import type { Problem } from "../registry.ts";

/** Every runtime the project bundles for, in the order problems name them. */
export const RUNTIMES = ["deno", "node", "bun", "workerd"] as const;

/** A runtime the project bundles for. */
export type RuntimeName = typeof RUNTIMES[number];

/** How messages name each runtime. */
export const RUNTIME_LABELS: Readonly<Record<RuntimeName, string>> = {
  deno: "Deno",
  node: "Node.js",
  bun: "Bun",
  workerd: "Cloudflare Workers (workerd)",
};

/** For each runtime a plugin's code cannot load on, the problem that says why. */
export type UnsupportedRuntimes = Readonly<Partial<Record<RuntimeName, Problem>>>;

/**
 * Tells whether a name is one of {@link RUNTIMES}.
 *
 * @param name A name, e.g. from `HONEYFRAME_TARGETS`.
 * @returns Whether it names a runtime.
 */
export function isRuntimeName(name: string): name is RuntimeName {
  return (RUNTIMES as readonly string[]).includes(name);
}

/**
 * The runtime this code runs on, told by its globals (Workers by their user agent).
 *
 * @returns The runtime's name.
 * @example
 * ```ts
 * currentRuntime(); // "deno" under Deno
 * ```
 */
export function currentRuntime(): RuntimeName {
  const globals = globalThis as {
    Bun?: unknown;
    Deno?: unknown;
    navigator?: { userAgent?: string };
  };
  if (globals.navigator?.userAgent === "Cloudflare-Workers") return "workerd";
  if (globals.Bun !== undefined) return "bun";
  if (globals.Deno !== undefined) return "deno";
  return "node";
}
