/**
 * Plugins' reads of the PostgreSQL warehouse. Each plugin's queries run on a small pool of
 * connections that **log in as the plugin's own role** (`hf_<schema>`), never as a shared login
 * that switches roles: PostgreSQL itself then refuses another plugin's tables, whatever the SQL
 * says. With an admin login the host makes (or updates) each role, its password and its grants at
 * start, in the background, and again on a plugin's first call after a failure; the pool opens on
 * the plugin's first call. Every query runs in a read-only transaction with
 * a statement timeout, and returns at most the row cap (one more row is an error, never a silent
 * cut).
 *
 * @module
 */
import type postgres from "postgres";
import type { Logger } from "../log/mod.ts";
import {
  type PluginWarehouse,
  type SecretsKey,
  WarehouseError,
  type WarehouseField,
  type WarehouseRelation,
  type WarehouseResult,
  type Warehouses,
} from "../runtime/mod.ts";
import type { StateStore } from "../state/mod.ts";
import type { WarehouseConfig } from "./config.ts";
import { loginOf, type PluginRole, provisioningStatements } from "./plugin_roles.ts";
import { rolePassword } from "./role_passwords.ts";

/** The longest statement a plugin may send, in characters. */
export const MAX_SQL_LENGTH = 100_000;

/** The most parameters a statement may take. */
export const MAX_PARAMS = 1000;

/** How much longer than the statement timeout the host waits for an answer before giving up. */
const ANSWER_GRACE_MS = 5000;

/** Dates, times and binary arrive as PostgreSQL writes them: plain strings that cross anywhere. */
const AS_WRITTEN_OIDS = [17, 1082, 1083, 1114, 1184, 1186, 1266];

/** Type names of the common column types (others are shown as their oid). */
const TYPE_NAMES: Readonly<Record<number, string>> = {
  16: "bool",
  17: "bytea",
  20: "int8",
  21: "int2",
  23: "int4",
  25: "text",
  114: "json",
  700: "float4",
  701: "float8",
  1042: "bpchar",
  1043: "varchar",
  1082: "date",
  1083: "time",
  1114: "timestamp",
  1184: "timestamptz",
  1186: "interval",
  1700: "numeric",
  2950: "uuid",
  3802: "jsonb",
};

const RELATION_KINDS: Readonly<Record<string, WarehouseRelation["kind"]>> = {
  r: "table",
  v: "view",
  m: "materialized_view",
  f: "foreign_table",
  p: "partitioned_table",
};

/** What {@link openWarehouses} needs. */
export interface WarehouseOptions {
  /** The warehouse settings. */
  readonly config: WarehouseConfig;
  /** Where the roles' passwords are kept (sealed). */
  readonly store: StateStore;
  /** The operator's secrets key; without it, plugins' calls say it is needed. */
  readonly key?: Promise<SecretsKey>;
  /** The plugins that have a warehouse schema, with their roles. */
  readonly roles: readonly PluginRole[];
  /** The host's log: why a connection failed goes here, not to the plugin. */
  readonly log: Logger;
}

/** Plugins' warehouse access, and the connections to close on shutdown. */
export interface OpenWarehouses {
  /** A plugin's warehouse. */
  readonly warehouses: Warehouses;
  /**
   * With an admin login, makes every plugin's role and schemas now, one after the other, so that
   * dbt finds its schemas before any plugin reads (failures are logged; a plugin's first call
   * tries again). Without one, does nothing.
   */
  provision(): Promise<void>;
  /** Closes every pool. */
  close(): Promise<void>;
}

/**
 * Plugins' access to the warehouse: a pool per plugin, opened (and, with an admin login, its role
 * provisioned) on first use. Call it while the process may still read its environment.
 *
 * @param options The settings, the store, the key, the roles and the log.
 * @returns The access and its closer.
 */
export async function openWarehouses(options: WarehouseOptions): Promise<OpenWarehouses> {
  const { config, log } = options;
  const { postgres: connect } = await import("./postgres_client.ts");
  const roles = new Map(options.roles.map((role) => [role.plugin, role]));
  const pools = new Map<string, Promise<postgres.Sql>>();
  const builder = builderRole(config);
  // postgres.js reads PG* variables whenever it makes a pool, and the server gives up its
  // environment before plugin code runs: the admin pool and the settings of plugins' pools are
  // made now (neither connects before it is used).
  const admin = config.adminUrl
    ? connect(config.adminUrl.href, { max: 1, onnotice: () => {}, connect_timeout: 10 })
    : undefined;
  const template = connect(config.url.href, {
    max: 2,
    idle_timeout: 60,
    connect_timeout: 10,
    prepare: false,
    onnotice: () => {},
    types: {
      asWritten: {
        to: 25,
        from: AS_WRITTEN_OIDS,
        serialize: String,
        parse: (text: string) => text,
      },
    },
  }).options;

  const open = async (role: PluginRole): Promise<postgres.Sql> => {
    if (!options.key) {
      throw new WarehouseError(
        "not_configured",
        "the plugin roles' passwords are sealed with HONEYFRAME_SECRETS_KEY, which is not set",
      );
    }
    let password: string;
    try {
      password = await rolePassword(options.store, await options.key, role.plugin);
    } catch (error) {
      log.error(`the warehouse password of plugin ${role.plugin} is unavailable`, {
        plugin: role.plugin,
        error: (error as Error).message,
      });
      throw new WarehouseError(
        "not_configured",
        `the warehouse password of ${role.plugin} could not be read or kept (see the host's log)`,
      );
    }
    if (admin) await provision(admin, role, provisioningStatements(role, password, builder), log);
    // The template's settings, read while the environment was readable, with the plugin's login.
    return connect({
      ...template,
      user: role.role,
      pass: password,
      connection: { ...template.connection, application_name: `honeyframe:${role.plugin}` },
      shared: { retries: 0, typeArrayMap: {} },
    } as unknown as postgres.Options<never>);
  };

  const poolOf = (role: PluginRole): Promise<postgres.Sql> => {
    let pool = pools.get(role.plugin);
    if (!pool) {
      pool = open(role);
      // A pool that failed to open (the warehouse down, the role refused) is tried again next time.
      pool.catch(() => pools.delete(role.plugin));
      pools.set(role.plugin, pool);
    }
    return pool;
  };

  const run = async (
    role: PluginRole,
    text: string,
    params: readonly unknown[],
  ): Promise<WarehouseResult> => {
    try {
      const pool = await poolOf(role);
      const answered = pool.begin("read only", async (tx) => {
        await tx.unsafe(`SET LOCAL statement_timeout = ${Math.round(config.timeoutMs)}`);
        // A cursor fetches one row over the cap at most: the rest never leaves PostgreSQL.
        return await tx.unsafe(text, params as postgres.ParameterOrJSON<never>[])
          .cursor(config.maxRows + 1, () => pool.CLOSE);
      });
      const result = await withDeadline(answered, config.timeoutMs + ANSWER_GRACE_MS);
      if (result.length > config.maxRows) {
        throw new WarehouseError(
          "too_many_rows",
          `the query returns more than ${config.maxRows} rows (HONEYFRAME_WAREHOUSE_MAX_ROWS): ` +
            "add a LIMIT, or page with WHERE … > $1",
        );
      }
      return { rows: [...result] as Record<string, unknown>[], fields: fieldsOf(result.columns) };
    } catch (error) {
      throw failure(error, role, config.timeoutMs, log);
    }
  };

  const warehouses: Warehouses = (plugin) => {
    const role = roles.get(plugin);
    if (!role) {
      const refuse = () =>
        Promise.reject(
          new WarehouseError(
            "no_schema",
            `the plugin ${plugin} has no dbt workspace, so no schema in the warehouse`,
          ),
        );
      return { query: refuse, tables: refuse };
    }
    return {
      query: (text, params = []) => run(role, ...checkedQuery(text, params)),
      tables: async () => {
        const { rows } = await run(role, TABLES_SQL, [role.schemas]);
        return rows.map((row) => ({
          schema: String(row.schema),
          name: String(row.name),
          kind: RELATION_KINDS[String(row.kind)] ?? "table",
        }));
      },
    } satisfies PluginWarehouse;
  };

  return {
    warehouses,
    async provision() {
      if (!config.adminUrl || !options.key) return;
      for (const role of roles.values()) {
        try {
          await poolOf(role);
        } catch (error) {
          // A refused provisioning is logged where it happens; anything else is logged here.
          if (error instanceof WarehouseError) continue;
          log.error(`the warehouse role of plugin ${role.plugin} could not be made`, {
            plugin: role.plugin,
            error: (error as Error).message,
          });
        }
      }
    },
    async close() {
      const opened = await Promise.allSettled([...pools.values()]);
      pools.clear();
      await Promise.all([
        ...opened.flatMap((pool) =>
          pool.status === "fulfilled" ? [pool.value.end({ timeout: 5 })] : []
        ),
        admin?.end({ timeout: 5 }),
      ]);
    },
  };
}

/** Makes or updates a plugin's role and grants, as the admin login, in one transaction. */
async function provision(
  admin: postgres.Sql,
  role: PluginRole,
  statements: readonly string[],
  log: Logger,
): Promise<void> {
  try {
    await admin.begin(async (tx) => {
      for (const statement of statements) await tx.unsafe(statement);
    });
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    log.error(`the warehouse role of plugin ${role.plugin} could not be provisioned`, {
      plugin: role.plugin,
      role: role.role,
      error: `${String(code ?? "")} ${String(message)}`.trim(),
    });
    throw new WarehouseError(
      "not_provisioned",
      `the host could not make the role ${role.role} of ${role.plugin} with ` +
        "HONEYFRAME_WAREHOUSE_ADMIN_URL (see the host's log)",
    );
  }
}

const TABLES_SQL = "SELECT n.nspname AS schema, c.relname AS name, c.relkind AS kind " +
  "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
  "WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'v', 'm', 'f', 'p') " +
  "ORDER BY 1, 2";

/** dbt's login, when it is not the admin's: it needs to create tables in the plugins' schemas. */
function builderRole(config: WarehouseConfig): string | undefined {
  if (!config.adminUrl) return undefined;
  const dbt = loginOf(config.url);
  return dbt !== loginOf(config.adminUrl) ? dbt : undefined;
}

/** A plugin's statement and parameters, checked: they come from plugin code. */
function checkedQuery(text: unknown, params: unknown): [string, unknown[]] {
  if (typeof text !== "string" || text.trim() === "" || text.length > MAX_SQL_LENGTH) {
    throw new WarehouseError(
      "invalid_input",
      `a query is one SQL statement of 1 to ${MAX_SQL_LENGTH} characters`,
    );
  }
  const plain = (value: unknown) =>
    value === null || ["string", "number", "boolean"].includes(typeof value);
  if (!Array.isArray(params) || params.length > MAX_PARAMS || !params.every(plain)) {
    throw new WarehouseError(
      "invalid_input",
      `parameters are an array of at most ${MAX_PARAMS} strings, numbers, booleans or nulls`,
    );
  }
  return [text, params];
}

function fieldsOf(
  columns: readonly { name: string; type: number }[] | undefined,
): WarehouseField[] {
  return (columns ?? []).map(({ name, type }) => ({
    name,
    type: TYPE_NAMES[type] ?? String(type),
  }));
}

/** Rejects when `work` has not settled in time (a frozen warehouse never answers). */
function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new WarehouseError("unavailable", `the warehouse did not answer within ${ms} ms`),
        ),
      ms,
    );
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * A failure as the plugin sees it: PostgreSQL's refusal with its SQLSTATE and message, or the
 * host's code; connection details stay in the host's log.
 */
function failure(
  error: unknown,
  role: PluginRole,
  timeoutMs: number,
  log: Logger,
): WarehouseError {
  if (error instanceof WarehouseError) return error;
  const { name, code, message } = error as { name?: unknown; code?: unknown; message?: unknown };
  if (name === "PostgresError" && typeof code === "string") {
    if (code === "28P01" || code === "28000") {
      return new WarehouseError(
        "not_provisioned",
        `the role ${role.role} of ${role.plugin} cannot log in to the warehouse: set ` +
          "HONEYFRAME_WAREHOUSE_ADMIN_URL, or have a DBA run the SQL of `plugins warehouse grants`",
      );
    }
    if (code === "57014") {
      return new WarehouseError(
        code,
        `the query was cancelled after the statement timeout of ${timeoutMs} ms ` +
          "(HONEYFRAME_WAREHOUSE_TIMEOUT_MS)",
      );
    }
    return new WarehouseError(code, String(message));
  }
  log.warn(`the warehouse could not be reached for plugin ${role.plugin}`, {
    plugin: role.plugin,
    error: typeof code === "string" ? code : String(message),
  });
  return new WarehouseError("unavailable", "the warehouse could not be reached");
}
