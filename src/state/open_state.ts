/**
 * Choosing and opening the state store from the environment:
 * `HONEYFRAME_DATABASE_URL` selects PostgreSQL (several instances behind a load balancer),
 * `HONEYFRAME_STORE` (`memory`, `sqlite`, `postgres`) forces a backend, and otherwise the entry
 * point's default applies (SQLite at `$DATA_DIR/honeyframe.db` for `deno task start`, memory on the
 * edge).
 *
 * @module
 */
import { join } from "node:path";
import { ConfigError, type EnvSource, readEnv } from "../runtime/config.ts";
import { MemoryStore } from "../runtime/state/memory_store.ts";
import type { StateStore } from "../runtime/state/types.ts";
import type { SqlDriver } from "./sql_driver.ts";
import { openSqlStore } from "./sql_store.ts";

/** Opens a SQLite database (possibly loading the driver first). */
export type SqliteFactory = (path: string) => SqlDriver | Promise<SqlDriver>;

/** The backends. */
export type StoreKind = "memory" | "sqlite" | "postgres";

/** Where the state lives. */
export type StoreChoice =
  | { readonly kind: "memory" }
  | { readonly kind: "sqlite"; readonly path: string }
  | { readonly kind: "postgres"; readonly url: string };

/**
 * Decides the backend from the environment.
 *
 * @param env The environment.
 * @param fallback The backend when nothing is configured.
 * @returns The choice.
 * @throws {ConfigError} For an unknown `HONEYFRAME_STORE`, or `postgres` without a URL.
 * @example
 * ```ts
 * chooseStore({ HONEYFRAME_DATABASE_URL: "postgres://…" }, "sqlite"); // { kind: "postgres", url: "postgres://…" }
 * ```
 */
export function chooseStore(env: EnvSource, fallback: StoreKind): StoreChoice {
  const url = readEnv(env, "HONEYFRAME_DATABASE_URL");
  const named = readEnv(env, "HONEYFRAME_STORE");
  if (named !== undefined && !["memory", "sqlite", "postgres"].includes(named)) {
    throw new ConfigError(
      `HONEYFRAME_STORE must be memory, sqlite or postgres, not ${JSON.stringify(named)}`,
    );
  }
  const kind = (named ?? (url ? "postgres" : fallback)) as StoreKind;
  if (kind === "postgres") {
    if (!url) throw new ConfigError("HONEYFRAME_STORE=postgres needs HONEYFRAME_DATABASE_URL");
    return { kind, url };
  }
  if (kind === "sqlite") {
    return { kind, path: join(readEnv(env, "DATA_DIR") ?? "./data", "honeyframe.db") };
  }
  return { kind };
}

/**
 * Opens the chosen store (migrating SQL schemas).
 *
 * @param choice The backend.
 * @param sqlite The SQLite driver factory, where the runtime has SQLite (Deno).
 * @returns The store.
 * @throws {ConfigError} When SQLite is chosen on a runtime without it.
 */
export async function openStore(
  choice: StoreChoice,
  sqlite?: SqliteFactory,
): Promise<StateStore> {
  switch (choice.kind) {
    case "memory":
      return new MemoryStore();
    case "sqlite":
      if (!sqlite) {
        throw new ConfigError("the SQLite store needs Deno (node:sqlite); use postgres or memory");
      }
      return await openSqlStore(await sqlite(choice.path), { kind: "sqlite", shared: false });
    case "postgres": {
      // Loaded only when chosen: the client library costs start-up time and memory otherwise.
      const { postgresDriver } = await import("./postgres_driver.ts");
      return await openSqlStore(postgresDriver(choice.url), { kind: "postgres", shared: true });
    }
  }
}

/**
 * A one-line description of a choice for the start-up message (no credentials).
 *
 * @param choice The backend.
 * @returns E.g. `sqlite (data/honeyframe.db)`.
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
  }
}

/**
 * For entry points: chooses and opens the store, or ends the process with one clear line.
 *
 * @param env The environment.
 * @param fallback The backend when nothing is configured.
 * @param exit The runtime's exit function.
 * @param sqlite The SQLite driver factory, where the runtime has SQLite.
 * @returns The store and its description.
 * @example
 * ```ts
 * const { store, label } = await openStoreOrExit(Deno.env, "sqlite", Deno.exit, sqliteDriver);
 * ```
 */
export async function openStoreOrExit(
  env: EnvSource,
  fallback: StoreKind,
  exit: (code: number) => never,
  sqlite?: SqliteFactory,
): Promise<{ store: StateStore; label: string }> {
  try {
    const choice = chooseStore(env, fallback);
    return { store: await openStore(choice, sqlite), label: describeStore(choice) };
  } catch (error) {
    console.error(`Honeyframe Edge cannot start: the state store: ${(error as Error).message}`);
    return exit(1);
  }
}
