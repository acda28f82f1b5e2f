/**
 * The small SQL surface the SQL-backed state store needs, implemented once per database.
 * Statements use `$1, $2, …` placeholders.
 *
 * Atomic changes are batches of statements, not interactive transactions: Cloudflare D1 has only
 * batches, and a batch is all the stores need.
 *
 * @module
 */

/** One parameterised statement. */
export interface SqlStatement {
  /** The SQL text, with `$1, $2, …` placeholders. */
  readonly text: string;
  /** The values of the placeholders. */
  readonly params?: readonly unknown[];
}

/** A connection (or pool) that runs parameterised statements. */
export interface SqlDriver {
  /** Which SQL dialect to speak where the two differ (DDL only). */
  readonly dialect: "sqlite" | "postgres";
  /** Runs a statement and returns its rows. */
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /**
   * Runs statements in order in one transaction, all committed or none, and returns each one's
   * rows. No other statement of this driver runs in between.
   */
  batch(statements: readonly SqlStatement[]): Promise<Record<string, unknown>[][]>;
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
