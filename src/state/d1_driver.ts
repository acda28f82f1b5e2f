/**
 * Cloudflare D1 (SQLite at the edge) through its Worker binding. D1 has no interactive
 * transactions; its `batch` runs statements as one transaction, which is what {@link SqlDriver}
 * asks for. Only Web standards are used: the binding is an object the runtime passes in.
 *
 * @module
 */
import type { SqlDriver } from "./sql_driver.ts";

/** A prepared D1 statement, as far as the driver uses it. */
export interface D1PreparedStatement {
  /** Binds the placeholders' values. */
  bind(...values: unknown[]): D1PreparedStatement;
  /** Runs it and returns its rows. */
  all<Row = Record<string, unknown>>(): Promise<{ results: Row[] }>;
}

/** A D1 database binding, as far as the driver uses it. */
export interface D1Database {
  /** Prepares a statement with `?1, ?2, …` placeholders. */
  prepare(text: string): D1PreparedStatement;
  /** Runs statements in order as one transaction. */
  batch<Row = Record<string, unknown>>(
    statements: D1PreparedStatement[],
  ): Promise<{ results: Row[] }[]>;
}

/**
 * Whether a value looks like a D1 binding (the name `HONEYFRAME_D1` may hold anything).
 *
 * @param value A binding.
 * @returns True for an object with `prepare` and `batch`.
 * @example
 * ```ts
 * isD1Database("a string binding"); // false
 * ```
 */
export function isD1Database(value: unknown): value is D1Database {
  const candidate = value as Partial<D1Database> | null;
  return typeof candidate?.prepare === "function" && typeof candidate.batch === "function";
}

/**
 * Wraps a D1 binding as a SQL driver (dialect `sqlite`, D1's own).
 *
 * @param db The binding.
 * @returns The driver.
 * @example
 * ```ts ignore
 * export default { fetch: (_req: Request, env: { HONEYFRAME_D1: D1Database }) => d1Driver(env.HONEYFRAME_D1).query("SELECT 1") };
 * ```
 */
export function d1Driver(db: D1Database): SqlDriver {
  const prepare = (text: string, params: readonly unknown[] = []) =>
    db.prepare(text.replace(/\$(\d+)/g, "?$1")).bind(...params);
  return {
    dialect: "sqlite",
    query: async <Row>(text: string, params?: readonly unknown[]) =>
      (await prepare(text, params).all<Row>()).results,
    batch: async (statements) =>
      statements.length === 0
        ? []
        : (await db.batch(statements.map(({ text, params }) => prepare(text, params))))
          .map((result) => result.results),
    // The runtime owns the binding.
    close: () => Promise.resolve(),
  };
}
