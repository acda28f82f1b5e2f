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
  const run = async <Row>(
    connection: postgres.Sql | postgres.TransactionSql,
    text: string,
    params: readonly unknown[] = [],
  ) => [...await connection.unsafe(text, params as postgres.ParameterOrJSON<never>[])] as Row[];
  return {
    dialect: "postgres",
    query: (text, params) => run(sql, text, params),
    batch: (statements) =>
      sql.begin(async (tx) => {
        const results: Record<string, unknown>[][] = [];
        for (const { text, params } of statements) results.push(await run(tx, text, params));
        return results;
      }) as Promise<Record<string, unknown>[][]>,
    close: () => sql.end({ timeout: 5 }),
    // postgres.js keeps one connection for LISTEN and re-establishes it after a loss.
    listen: async (channel, onNotify, onListen) => {
      const { unlisten } = await sql.listen(channel, onNotify, onListen);
      return unlisten;
    },
  };
}
