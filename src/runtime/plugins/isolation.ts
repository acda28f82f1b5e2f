/**
 * The isolation policy: which plugins run in a worker of the plugin process and which in the
 * host's own process (`HONEYFRAME_ISOLATION`), and what an isolated plugin's worker may reach.
 *
 * @module
 */
import { ConfigError, envOrDefault, type EnvSource } from "../../env/mod.ts";
import type { PluginSource } from "../registry.ts";

/** `customer`: plugins of the data root are isolated; `all`: every plugin; `none`: none. */
export type IsolationPolicy = "customer" | "all" | "none";

/** How a mounted plugin runs. */
export type Isolation = "worker" | "in_process";

const POLICIES: readonly IsolationPolicy[] = ["customer", "all", "none"];

/**
 * Reads `HONEYFRAME_ISOLATION`.
 *
 * @param env The environment.
 * @returns The policy (`customer` when unset).
 * @throws {ConfigError} For any other value.
 * @example
 * ```ts
 * readIsolationPolicy({ HONEYFRAME_ISOLATION: "all" }); // "all"
 * ```
 */
export function readIsolationPolicy(env: EnvSource): IsolationPolicy {
  const value = envOrDefault(env, "HONEYFRAME_ISOLATION");
  if (!(POLICIES as readonly string[]).includes(value)) {
    throw new ConfigError(
      `HONEYFRAME_ISOLATION must be ${POLICIES.join(", ")}, not ${JSON.stringify(value)}`,
    );
  }
  return value as IsolationPolicy;
}

/**
 * How a plugin from a root runs under a policy.
 *
 * @param source The plugin's root.
 * @param policy The policy.
 * @returns `worker` or `in_process`.
 * @example
 * ```ts
 * isolationOf("data", "customer"); // "worker"
 * ```
 */
export function isolationOf(source: PluginSource, policy: IsolationPolicy): Isolation {
  return policy === "all" || (policy === "customer" && source === "data") ? "worker" : "in_process";
}

/**
 * What no isolated plugin ever reaches (`--deny-net`): loopback, link-local (the cloud metadata
 * service at 169.254.169.254) and the unspecified address, besides the host's own services.
 */
export const NEVER_REACHED: readonly string[] = [
  "127.0.0.0/8",
  "169.254.0.0/16",
  "0.0.0.0",
  "localhost",
  "[::1]",
];

/**
 * The hosts an isolated plugin's worker may reach: what its manifest lists, narrowed to what the
 * operator allows (`HONEYFRAME_PLUGIN_NET`, when set). A `*.example.org` entry covers the names
 * under `example.org` (and the name itself, as Deno reads it).
 *
 * @param declared The manifest's `network`.
 * @param allowed The operator's list, or `undefined` for no narrowing.
 * @returns The hosts, each once.
 * @example
 * ```ts
 * workerNetwork(["*.example.org", "api.example.com"], ["a.example.org"]); // ["a.example.org"]
 * ```
 */
export function workerNetwork(
  declared: readonly string[],
  allowed: readonly string[] | undefined,
): string[] {
  if (allowed === undefined) return [...new Set(declared)];
  const both = declared.flatMap((mine) =>
    allowed.flatMap((theirs) =>
      covers(theirs, mine) ? [mine] : covers(mine, theirs) ? [theirs] : []
    )
  );
  return [...new Set(both)];
}

/** Whether the host pattern `outer` allows everything `inner` names. */
function covers(outer: string, inner: string): boolean {
  if (outer === inner) return true;
  if (!outer.startsWith("*.")) return false;
  const domain = outer.slice(2);
  const name = inner.startsWith("*.") ? inner.slice(2) : inner;
  return name === domain || name.endsWith(`.${domain}`);
}
