/**
 * How the host reaches the warehouse for plugins' reads: where it is (`HONEYFRAME_WAREHOUSE_URL`,
 * the same database dbt builds in), the login that provisions plugin roles
 * (`HONEYFRAME_WAREHOUSE_ADMIN_URL`, optional), and the bounds of a query.
 *
 * @module
 */
import { ConfigError, envNumber, type EnvSource, readEnv } from "../env/mod.ts";

/** The warehouse settings of a host that has a warehouse. */
export interface WarehouseConfig {
  /** The warehouse: its host, port, database and options (its user is dbt's). */
  readonly url: URL;
  /** The login that makes plugin roles and schemas, when the host provisions them itself. */
  readonly adminUrl?: URL;
  /** A query's statement timeout, in milliseconds. */
  readonly timeoutMs: number;
  /** The most rows a query returns. */
  readonly maxRows: number;
}

/**
 * Reads the warehouse settings.
 *
 * @param env The environment.
 * @param url The warehouse, as the dbt settings read and checked it (`HONEYFRAME_WAREHOUSE_URL`,
 * `readDbtConfig(env).warehouseUrl`): one rule for the URL dbt builds in and plugins read.
 * @returns The settings, or `undefined` without a warehouse.
 * @throws {ConfigError} When the admin URL is not PostgreSQL's (its value is not repeated: it may
 * hold a password) or comes without the warehouse's, or a bound is out of range.
 * @example
 * ```ts
 * readWarehouseConfig({}, new URL("postgres://dbt@127.0.0.1/warehouse"))?.maxRows; // 10000
 * ```
 */
export function readWarehouseConfig(
  env: EnvSource,
  url: URL | undefined,
): WarehouseConfig | undefined {
  const adminUrl = adminUrlOf(env);
  if (adminUrl && !url) {
    throw new ConfigError(
      "HONEYFRAME_WAREHOUSE_ADMIN_URL needs HONEYFRAME_WAREHOUSE_URL (the warehouse plugins read)",
    );
  }
  if (!url) return undefined;
  return {
    url,
    ...(adminUrl ? { adminUrl } : {}),
    timeoutMs: envNumber(env, "HONEYFRAME_WAREHOUSE_TIMEOUT_MS", { min: 10, max: 3_600_000 }),
    maxRows: envNumber(env, "HONEYFRAME_WAREHOUSE_MAX_ROWS", { min: 1, max: 1_000_000 }),
  };
}

function adminUrlOf(env: EnvSource): URL | undefined {
  const text = readEnv(env, "HONEYFRAME_WAREHOUSE_ADMIN_URL");
  if (text === undefined) return undefined;
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (!url || !/^postgres(ql)?:$/.test(url.protocol)) {
    throw new ConfigError(
      "HONEYFRAME_WAREHOUSE_ADMIN_URL must be a postgres:// or postgresql:// URL (PostgreSQL)",
    );
  }
  return url;
}
