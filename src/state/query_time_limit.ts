/**
 * A time limit on every statement and batch of a SQL store: a database that stops answering
 * (frozen, partitioned) fails the requests that need it after the limit instead of holding them for
 * ever. Every failure of the database (lost connection, time limit) is a {@link StateUnavailable},
 * which the host answers with `503 state_unavailable`; a batch that failed changed nothing.
 *
 * @module
 */
import type { SqlDriver } from "./sql_driver.ts";
import { StateUnavailable } from "./state_unavailable.ts";

/** A statement or batch that did not finish within the limit. */
export class QueryTimeout extends StateUnavailable {
  /** The error's name. */
  override name = "QueryTimeout";
}

/**
 * Wraps a driver so that each query and each batch fails with {@link QueryTimeout} after
 * `timeoutMs` (the database may still finish it; its result is then ignored), and with
 * {@link StateUnavailable} (the database's error as its cause) when the database fails.
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
    return Promise.race([work.catch(unavailable), limit]).finally(() => clearTimeout(timer));
  };
  return {
    dialect: driver.dialect,
    query: (text, params) => bounded(driver.query(text, params), "a query"),
    batch: (statements) => bounded(driver.batch(statements), "a transaction"),
    ...(driver.listen ? { listen: driver.listen.bind(driver) } : {}),
    close: () => driver.close(),
  };
}

function unavailable(error: unknown): never {
  if (error instanceof StateUnavailable) throw error;
  throw new StateUnavailable((error as Error)?.message ?? String(error), { cause: error });
}
