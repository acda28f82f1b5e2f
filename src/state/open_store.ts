/**
 * Choosing and opening the state store from the environment: `HONEYFRAME_STORE` (`memory`,
 * `sqlite`, `postgres`, `denokv`, `d1`) forces a backend; otherwise a Worker's D1 binding named
 * `HONEYFRAME_D1` selects D1, `HONEYFRAME_DATABASE_URL` selects PostgreSQL (several instances
 * behind a load balancer), and otherwise the server adapter's default applies (SQLite at
 * `$DATA_DIR/honeyframe.db` on Deno with write access there, memory elsewhere). The drivers are
 * loaded only when chosen.
 *
 * @module
 */
import { createLogger, type Logger } from "../log/mod.ts";
import { ConfigError, envNumber, envOrDefault, type EnvSource, readEnv } from "../env/mod.ts";
import { withQueryTimeLimit } from "./query_time_limit.ts";
import { MemoryStore } from "./memory_store.ts";
import { openSqlStore } from "./sql_store.ts";
import type { StateStore } from "./types.ts";
import type { D1Database } from "./d1_driver.ts";

/** The name of the Worker binding that holds the D1 database of the state. */
export const D1_BINDING = "HONEYFRAME_D1";

/** The backends. */
export type StoreKind = "memory" | "sqlite" | "postgres" | "denokv" | "d1";

/** Where the state lives. */
export type StoreChoice =
  | { readonly kind: "memory" }
  | { readonly kind: "sqlite"; readonly path: string }
  | { readonly kind: "postgres"; readonly url: string }
  | { readonly kind: "denokv"; readonly path?: string }
  | { readonly kind: "d1"; readonly database: D1Database };

/** The time limit of one query or transaction when none is configured, in milliseconds. */
export const DEFAULT_QUERY_TIMEOUT_MS = 10_000;

/** The SQLite database's file name inside `$DATA_DIR`. */
export const SQLITE_FILE = "honeyframe.db";

const KINDS: readonly StoreKind[] = ["memory", "sqlite", "postgres", "denokv", "d1"];

/**
 * The time limit of one query or batch, from `HONEYFRAME_QUERY_TIMEOUT_S`.
 *
 * @param env The environment.
 * @returns Milliseconds.
 * @throws {ConfigError} For a value out of range.
 * @example
 * ```ts
 * queryTimeLimit({ HONEYFRAME_QUERY_TIMEOUT_S: "2" }); // 2000
 * ```
 */
export function queryTimeLimit(env: EnvSource): number {
  return envNumber(env, "HONEYFRAME_QUERY_TIMEOUT_S", { min: 0.1, max: 3600 }) * 1000;
}

/**
 * Decides the backend from the environment.
 *
 * @param env The environment.
 * @param fallback The backend when nothing is configured.
 * @param d1 The Worker's `HONEYFRAME_D1` binding, if it has one.
 * @returns The choice.
 * @throws {ConfigError} For an unknown `HONEYFRAME_STORE`, `postgres` without a URL, `d1`
 * without a binding.
 * @example
 * ```ts
 * chooseStore({ HONEYFRAME_DATABASE_URL: "postgres://db/hf" }, "sqlite"); // { kind: "postgres", url: "postgres://db/hf" }
 * chooseStore({ DATA_DIR: "/data" }, "sqlite"); // { kind: "sqlite", path: "/data/honeyframe.db" }
 * ```
 */
export function chooseStore(
  env: EnvSource,
  fallback: StoreKind,
  d1?: D1Database,
): StoreChoice {
  const url = readEnv(env, "HONEYFRAME_DATABASE_URL");
  const named = readEnv(env, "HONEYFRAME_STORE");
  if (named !== undefined && !(KINDS as readonly string[]).includes(named)) {
    throw new ConfigError(
      `HONEYFRAME_STORE must be memory, sqlite, postgres, denokv or d1, not ${
        JSON.stringify(named)
      }`,
    );
  }
  const kind = (named ?? (d1 ? "d1" : url ? "postgres" : fallback)) as StoreKind;
  if (kind === "d1") {
    if (!d1) {
      throw new ConfigError(
        "HONEYFRAME_STORE=d1 needs a Cloudflare D1 binding named HONEYFRAME_D1 (Workers only)",
      );
    }
    return { kind, database: d1 };
  }
  if (kind === "postgres") {
    if (!url) throw new ConfigError("HONEYFRAME_STORE=postgres needs HONEYFRAME_DATABASE_URL");
    return { kind, url };
  }
  if (kind === "sqlite") {
    return { kind, path: `${envOrDefault(env, "DATA_DIR").replace(/\/+$/, "")}/${SQLITE_FILE}` };
  }
  if (kind === "denokv") {
    const path = readEnv(env, "HONEYFRAME_DENO_KV_PATH");
    return path === undefined ? { kind } : { kind, path };
  }
  return { kind };
}

/**
 * Opens the chosen store (migrating SQL schemas).
 *
 * @param choice The backend.
 * @param queryTimeoutMs The time limit of each query and transaction (SQL stores).
 * @returns The store.
 * @throws {ConfigError} When SQLite is chosen on a runtime without `node:sqlite`.
 * @example
 * ```ts
 * const store = await openStore({ kind: "memory" });
 * store.kind; // "memory"
 * ```
 */
export async function openStore(
  choice: StoreChoice,
  queryTimeoutMs: number = DEFAULT_QUERY_TIMEOUT_MS,
): Promise<StateStore> {
  switch (choice.kind) {
    case "memory":
      return new MemoryStore();
    case "sqlite": {
      const { sqliteDriver } = await import("./sqlite_driver.ts");
      const driver = await sqliteDriver(choice.path).catch((error: Error) => {
        throw /node:sqlite/.test(error.message)
          ? new ConfigError("the SQLite store needs node:sqlite (Deno); use postgres or memory")
          : error;
      });
      return await openSqlStore(withQueryTimeLimit(driver, queryTimeoutMs), {
        kind: "sqlite",
        shared: false,
      });
    }
    case "postgres": {
      const { postgresDriver } = await import("./postgres_driver.ts");
      return await openSqlStore(withQueryTimeLimit(postgresDriver(choice.url), queryTimeoutMs), {
        kind: "postgres",
        shared: true,
      });
    }
    case "denokv": {
      const { openDenoKvStore } = await import("./deno_kv_store.ts");
      return await openDenoKvStore(choice.path).catch((error: Error) => {
        throw /--unstable-kv/.test(error.message)
          ? new ConfigError("HONEYFRAME_STORE=denokv needs Deno with --unstable-kv")
          : error;
      });
    }
    case "d1": {
      const { d1Driver } = await import("./d1_driver.ts");
      return await openSqlStore(withQueryTimeLimit(d1Driver(choice.database), queryTimeoutMs), {
        kind: "d1",
        shared: true,
      });
    }
  }
}

/**
 * A one-line description of a choice for the start-up message (no credentials).
 *
 * @param choice The backend.
 * @returns E.g. `sqlite (data/honeyframe.db)`.
 * @example
 * ```ts
 * describeStore({ kind: "postgres", url: "postgres://u:pw@db:5433/hf" }); // "postgres (db:5433/hf)"
 * ```
 */
export function describeStore(choice: StoreChoice): string {
  switch (choice.kind) {
    case "memory":
      return "memory (not persisted)";
    case "sqlite":
      return `sqlite (${choice.path})`;
    case "postgres": {
      const url = new URL(choice.url);
      return `postgres (${url.hostname}:${url.port || 5432}${url.pathname})`;
    }
    case "denokv":
      return `denokv (${choice.path ?? "the runtime's default database"})`;
    case "d1":
      return "d1 (the HONEYFRAME_D1 binding)";
  }
}

/**
 * Chooses and opens the store for a starting server, or ends the process with one clear line.
 *
 * @param env The environment.
 * @param fallback The backend when nothing is configured.
 * @param exit The runtime's exit function.
 * @param log Where the failure is written.
 * @returns The store and its description.
 * @example
 * ```ts
 * const { store, label } = await openStoreOrExit({}, "memory", Deno.exit);
 * label; // "memory (not persisted)"
 * ```
 */
export async function openStoreOrExit(
  env: EnvSource,
  fallback: StoreKind,
  exit: (code: number) => never,
  log: Logger = createLogger(),
): Promise<{ store: StateStore; label: string }> {
  try {
    const choice = chooseStore(env, fallback);
    return { store: await openStore(choice, queryTimeLimit(env)), label: describeStore(choice) };
  } catch (error) {
    log.error(`Honeyframe Edge cannot start: the state store: ${(error as Error).message}`);
    return exit(1);
  }
}
