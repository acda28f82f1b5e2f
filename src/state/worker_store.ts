/**
 * The state store of a Cloudflare Worker: D1 or memory, the two a Worker can run. Kept apart from
 * `openStore` so that a Worker's bundle holds neither the PostgreSQL client nor `node:sqlite`.
 *
 * @module
 */
import { ConfigError, type EnvSource } from "../env/mod.ts";
import { d1Driver, isD1Database } from "./d1_driver.ts";
import { MemoryStore } from "./memory_store.ts";
import { chooseStore, D1_BINDING, queryTimeLimit } from "./open_store.ts";
import { withQueryTimeLimit } from "./query_time_limit.ts";
import { openSqlStore } from "./sql_store.ts";
import type { StateStore } from "./types.ts";

/**
 * Opens a Worker's store: D1 when it has a `HONEYFRAME_D1` binding (or `HONEYFRAME_STORE=d1`),
 * memory otherwise.
 *
 * @param env The Worker's variables.
 * @param d1 Its `HONEYFRAME_D1` binding, if any.
 * @returns The store (D1's schema migrated).
 * @throws {ConfigError} When the binding is not a D1 database, or another store is asked for.
 * @example
 * ```ts
 * const store = await openWorkerStore({}, undefined);
 * store.kind; // "memory"
 * ```
 */
export async function openWorkerStore(env: EnvSource, d1: unknown): Promise<StateStore> {
  if (d1 !== undefined && !isD1Database(d1)) {
    throw new ConfigError(`the ${D1_BINDING} binding is not a D1 database`);
  }
  const choice = chooseStore(env, "memory", d1);
  switch (choice.kind) {
    case "memory":
      return new MemoryStore();
    case "d1":
      return await openSqlStore(
        withQueryTimeLimit(d1Driver(choice.database), queryTimeLimit(env)),
        {
          kind: "d1",
          shared: true,
        },
      );
    default:
      throw new ConfigError(
        `HONEYFRAME_STORE=${choice.kind} cannot run in a Worker: use d1 (a ${D1_BINDING} binding) or memory`,
      );
  }
}
