/**
 * A time limit on every statement and transaction of a SQL store: a database that stops answering
 * (frozen, partitioned) fails the requests that need it after the limit instead of holding them for
 * ever.
 *
 * @module
 */
import type { SqlDriver } from "./sql_driver.ts";

/** A statement or transaction that did not finish within the limit. */
export class QueryTimeout extends Error {
  /** The error's name. */
  override name = "QueryTimeout";
}

/**
 * Wraps a driver so that each query and each whole transaction fails with {@link QueryTimeout}
 * after `timeoutMs` (the database may still finish it; its result is then ignored).
 *
 * @param driver The driver.
 * @param timeoutMs The limit, in milliseconds.
 * @returns The bounded driver.
 * @example
 * ```ts
 * import { sqliteDriver } from "./sqlite_driver.ts";
 * const driver = withQueryTimeLimit(await sqliteDriver(":memory:"), 5_000);
 * await driver.query("SELECT 1 AS one"); // [{ one: 1 }]
 * ```
 */
export function withQueryTimeLimit(driver: SqlDriver, timeoutMs: number): SqlDriver {
  const bounded = <T>(work: Promise<T>, what: string): Promise<T> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new QueryTimeout(`the database did not answer ${what} within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    return Promise.race([work, limit]).finally(() => clearTimeout(timer));
  };
  return {
    dialect: driver.dialect,
    query: (text, params) => bounded(driver.query(text, params), "a query"),
    // Statements inside a transaction run on the transaction's own driver; the limit covers the
    // whole transaction.
    transaction: (work) => bounded(driver.transaction(work), "a transaction"),
    ...(driver.listen ? { listen: driver.listen.bind(driver) } : {}),
    close: () => driver.close(),
  };
}
