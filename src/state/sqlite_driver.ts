/**
 * SQLite through `node:sqlite` (built into Deno): one connection, synchronous, so every statement
 * and batch runs whole before the next.
 * `node:sqlite` is imported when a database is opened, so that a bundle holding this module still
 * loads on runtimes without it (Node 20).
 *
 * The database file is held open beside the connection: before each statement the driver checks
 * that the file it opened still has a name. A file removed or replaced while the server runs
 * (its writes would go to an unlinked file and be lost at the next restart) makes every statement
 * fail with {@link StateUnavailable}. The check needs no file-system permission after opening.
 *
 * @module
 */
import { closeSync, fstatSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import type { SqlDriver } from "./sql_driver.ts";
import { StateUnavailable } from "./state_unavailable.ts";

/**
 * Opens (creating if needed) a SQLite database file.
 *
 * @param path The database file, or `:memory:`.
 * @returns The driver.
 * @example
 * ```ts
 * const driver = await sqliteDriver(":memory:");
 * await driver.query("SELECT 1 AS one"); // [{ one: 1 }]
 * ```
 */
export async function sqliteDriver(path: string): Promise<SqlDriver> {
  const { DatabaseSync } = await import("node:sqlite");
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;");
  const file = path === ":memory:" ? undefined : openSync(path, "r");
  const stillThere = () => {
    if (file !== undefined && fstatSync(file).nlink === 0) {
      throw new StateUnavailable(
        `the SQLite file ${path} was removed or replaced while the server ran; ` +
          "changes are refused so that none is lost: restore it or restart the server",
      );
    }
  };
  const run = <Row>(text: string, params: readonly unknown[] = []): Row[] => {
    stillThere();
    return db.prepare(text.replace(/\$(\d+)/g, "?$1")).all(...(params as never[])) as Row[];
  };
  // node:sqlite is synchronous: a statement or a whole batch runs before any other can start.
  return {
    dialect: "sqlite",
    query: (text, params) => settle(() => run(text, params)),
    batch: (statements) =>
      settle(() => {
        stillThere();
        db.exec("BEGIN IMMEDIATE");
        try {
          const results = statements.map(({ text, params }) =>
            run<Record<string, unknown>>(text, params)
          );
          db.exec("COMMIT");
          return results;
        } catch (error) {
          db.exec("ROLLBACK");
          throw error;
        }
      }),
    close: () =>
      settle(() => {
        db.close();
        if (file !== undefined) closeSync(file);
      }),
  };
}

/** Runs synchronous work as a promise (`Promise.try`, which Node 22 lacks). */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error);
  }
}
