/**
 * The small SQL surface the SQL-backed state store needs, implemented once per database.
 * Statements use `$1, $2, …` placeholders.
 *
 * @module
 */

/** A connection (or pool) that runs parameterised statements. */
export interface SqlDriver {
  /** Which SQL dialect to speak where the two differ (DDL only). */
  readonly dialect: "sqlite" | "postgres";
  /** Runs a statement and returns its rows. */
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it rejects. */
  transaction<T>(work: (tx: SqlDriver) => Promise<T>): Promise<T>;
  /**
   * Listens on a notification channel (PostgreSQL's `LISTEN`), where the database has them:
   * `onNotify` for each notification, `onListen` each time the listening connection is
   * (re)established, when notifications may have been missed. Resolves with what stops it.
   */
  listen?(
    channel: string,
    onNotify: () => void,
    onListen: () => void,
  ): Promise<() => Promise<void>>;
  /** Closes the connection. */
  close(): Promise<void>;
}
