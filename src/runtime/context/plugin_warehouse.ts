/**
 * A plugin's read access to the warehouse (`ctx.warehouse`): the tables its dbt models built, in
 * its own schemas, read as its own PostgreSQL role. Plain data and promises, so that it crosses to
 * a plugin that runs apart from the host; failures are {@link WarehouseError}s with a code and a
 * message that never carry connection details.
 *
 * @module
 */
import type { PluginLog } from "./plugin_context.ts";

/** A column of a result. */
export interface WarehouseField {
  /** Its name. */
  readonly name: string;
  /** Its PostgreSQL type (`int4`, `text`, `timestamptz`…, else the type's oid as text). */
  readonly type: string;
}

/** What a query returned. */
export interface WarehouseResult {
  /** The rows, as plain data: numbers, strings (bigint, numeric, dates and times as PostgreSQL writes them), booleans, JSON, `null`. */
  readonly rows: Record<string, unknown>[];
  /** The columns, in order. */
  readonly fields: WarehouseField[];
}

/** A relation (table, view…) in one of the plugin's schemas. */
export interface WarehouseRelation {
  /** Its schema. */
  readonly schema: string;
  /** Its name. */
  readonly name: string;
  /** What it is. */
  readonly kind: "table" | "view" | "materialized_view" | "foreign_table" | "partitioned_table";
}

/** A plugin's read access to its own schemas. */
export interface PluginWarehouse {
  /**
   * Runs one statement (parameters as `$1`, `$2`…) in a read-only transaction, within the
   * statement timeout and the row cap.
   *
   * @param sql One SQL statement.
   * @param params Its parameters: strings, numbers, booleans or `null`.
   */
  query(sql: string, params?: readonly unknown[]): Promise<WarehouseResult>;
  /** The tables and views in the plugin's schemas, by schema and name. */
  tables(): Promise<WarehouseRelation[]>;
}

/**
 * What went wrong with a warehouse call: `code` is PostgreSQL's SQLSTATE when PostgreSQL refused
 * the statement (`42501` permission denied, `25006` read-only, `57014` cancelled by the statement
 * timeout…), or one of the host's: `not_configured`, `no_schema`, `not_provisioned`,
 * `unavailable`, `too_many_rows`, `invalid_input`.
 */
export class WarehouseError extends Error {
  /** `WarehouseError`. */
  override name = "WarehouseError";
  /** The SQLSTATE, or the host's code. */
  readonly code: string;

  /**
   * A warehouse failure.
   *
   * @param code The SQLSTATE or the host's code.
   * @param message What happened, without connection details.
   */
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** Finds a plugin's warehouse access (the host's side). */
export type Warehouses = (plugin: string) => PluginWarehouse;

/**
 * The warehouse of a host that has none: every call rejects, saying why.
 *
 * @param reason What to configure.
 * @returns The refusing warehouse.
 */
export function refusingWarehouse(reason: string): PluginWarehouse {
  const refuse = () => Promise.reject(new WarehouseError("not_configured", reason));
  return { query: refuse, tables: refuse };
}

/** The reason a host without a warehouse gives. */
export const NO_WAREHOUSE =
  "the host has no warehouse: set HONEYFRAME_WAREHOUSE_URL and HONEYFRAME_SECRETS_KEY";

/**
 * A plugin's warehouse whose failures are logged on its log (with the request id), with the
 * code and message only.
 *
 * @param warehouse The plugin's warehouse.
 * @param log The plugin's logger on this request.
 * @returns The same calls, failures logged.
 */
export function loggedWarehouse(warehouse: PluginWarehouse, log: PluginLog): PluginWarehouse {
  const logged = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      const failure = asWarehouseError(error);
      log.warn(`warehouse: ${failure.message}`, { warehouse_code: failure.code });
      throw failure;
    }
  };
  return {
    query: (sql, params) => logged(() => warehouse.query(sql, params)),
    tables: () => logged(() => warehouse.tables()),
  };
}

/**
 * Any failure as a {@link WarehouseError} (something else becomes `unavailable`, its message kept
 * out: it may name the server).
 *
 * @param error What was thrown.
 * @returns The warehouse error.
 */
export function asWarehouseError(error: unknown): WarehouseError {
  return error instanceof WarehouseError
    ? error
    : new WarehouseError("unavailable", "the warehouse could not be reached");
}
