/**
 * PostgreSQL through the `postgres` npm package: a small pool, parameterised statements.
 *
 * @module
 */
import postgres from "postgres";
import type { SqlDriver } from "./sql_driver.ts";

/**
 * Connects to PostgreSQL.
 *
 * @param url A connection URL, e.g. `postgres://user:password@127.0.0.1:5432/honeyframe`.
 * @returns The driver.
 * @example
 * ```ts
 * const driver = postgresDriver(Deno.env.get("HONEYFRAME_DATABASE_URL")!);
 * ```
 */
export function postgresDriver(url: string): SqlDriver {
  const sql = postgres(url, { max: 5, onnotice: () => {}, connect_timeout: 10 });
  const wrap = (connection: postgres.Sql | postgres.TransactionSql): SqlDriver => ({
    dialect: "postgres",
    query: async <Row>(text: string, params: readonly unknown[] = []) =>
      [...await connection.unsafe(text, params as postgres.ParameterOrJSON<never>[])] as Row[],
    transaction: <T>(work: (tx: SqlDriver) => Promise<T>) =>
      sql.begin((tx) => work(wrap(tx))) as Promise<T>,
    close: () => sql.end({ timeout: 5 }),
  });
  return {
    ...wrap(sql),
    // postgres.js keeps one connection for LISTEN and re-establishes it after a loss.
    listen: async (channel, onNotify, onListen) => {
      const { unlisten } = await sql.listen(channel, onNotify, onListen);
      return unlisten;
    },
  };
}
