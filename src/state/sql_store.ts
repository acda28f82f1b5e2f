/**
 * The state store on SQL (SQLite or PostgreSQL, through a {@link SqlDriver}).
 *
 * @module
 */
import { boundedAuditEvent } from "./audit_text.ts";
import type {
  AuditEvent,
  DbtRun,
  DbtRunChange,
  GroupRecord,
  IfVersion,
  PluginRecord,
  PluginState,
  RecordQuery,
  RecordSpace,
  SeedGroupInput,
  StateStore,
} from "./types.ts";
import { recordSize } from "./plugin_records.ts";
import { migrate } from "./migrations.ts";
import type { SqlDriver, SqlStatement } from "./sql_driver.ts";

/**
 * A state store backed by SQL. Create it with {@link openSqlStore}.
 */
export class SqlStore implements StateStore {
  /**
   * @param driver The database.
   * @param kind The backend name.
   * @param shared Whether other instances share the database.
   */
  constructor(
    readonly driver: SqlDriver,
    readonly kind: string,
    readonly shared: boolean,
  ) {
    const listen = driver.listen;
    if (listen) this.watch = (onChange) => listen(STATE_CHANNEL, onChange, onChange);
  }

  /** Present where the driver can listen (PostgreSQL). */
  readonly watch?: (onChange: () => void) => Promise<() => Promise<void>>;

  /** The statement announcing a change of a plugin's state to the other instances, if any. */
  #announce(plugin: string): SqlStatement[] {
    // PostgreSQL delivers the notification at commit.
    return this.driver.dialect === "postgres"
      ? [{ text: "SELECT pg_notify($1, $2)", params: [STATE_CHANNEL, plugin] }]
      : [];
  }

  /** A change of a plugin's settings is announced like a change of its state. */
  #announceRecord(plugin: string, space: RecordSpace): SqlStatement[] {
    return space === "config" ? this.#announce(plugin) : [];
  }

  async ping(): Promise<void> {
    await this.driver.query("SELECT 1");
  }

  async pluginStates(): Promise<PluginState[]> {
    const rows = await this.driver.query<{ name: string; enabled: number; seeded: number }>(
      "SELECT name, enabled, seeded FROM plugin_state",
    );
    return rows
      .map((row) => ({
        name: row.name,
        enabled: Number(row.enabled) === 1,
        seeded: Number(row.seeded) === 1,
      }))
      .sort((a, b) => compare(a.name, b.name));
  }

  async setEnabled(name: string, enabled: boolean, actor: string, at: string): Promise<void> {
    await this.driver.batch([
      {
        text:
          `INSERT INTO plugin_state (name, enabled, seeded, updated_at, updated_by) VALUES ($1, $2, 0, $3, $4)
           ON CONFLICT (name) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at,
           updated_by = excluded.updated_by`,
        params: [name, enabled ? 1 : 0, at, actor],
      },
      ...this.#announce(name),
    ]);
  }

  async seed(
    plugin: string,
    org: string,
    groups: readonly SeedGroupInput[],
    actor: string,
    at: string,
  ): Promise<boolean> {
    // One batch claims the seeding (`seeded` 0 → 2, which locks the row), writes the groups only
    // while the claim holds, then marks the plugin seeded (2 → 1). Of two concurrent first enables
    // exactly one claims; `seeded = 2` is never seen outside the batch.
    const results = await this.driver.batch([
      {
        text:
          `INSERT INTO plugin_state (name, enabled, seeded, updated_at, updated_by) VALUES ($1, 1, 0, $2, $3)
           ON CONFLICT (name) DO NOTHING`,
        params: [plugin, at, actor],
      },
      {
        text: "UPDATE plugin_state SET seeded = 2 WHERE name = $1 AND seeded = 0 RETURNING name",
        params: [plugin],
      },
      ...groups.map((group) => ({
        text: `INSERT INTO org_groups (org, name, permissions, source, updated_at, updated_by)
           SELECT $1, $2, $3, $4, $5, $6
           WHERE EXISTS (SELECT 1 FROM plugin_state WHERE name = $7 AND seeded = 2)
           ON CONFLICT (org, name) DO NOTHING`,
        params: [
          org,
          group.name,
          permissionsJson(group.permissions),
          `seed:${plugin}`,
          at,
          `plugin:${plugin}`,
          plugin,
        ],
      })),
      {
        text: "UPDATE plugin_state SET seeded = 1 WHERE name = $1 AND seeded = 2",
        params: [plugin],
      },
      ...this.#announce(plugin),
    ]);
    return results[1]!.length > 0;
  }

  async groups(org: string): Promise<GroupRecord[]> {
    const rows = await this.driver.query<
      { name: string; permissions: string; source: string; updated_at: string; updated_by: string }
    >("SELECT name, permissions, source, updated_at, updated_by FROM org_groups WHERE org = $1", [
      org,
    ]);
    return rows
      .map((row) => ({ ...row, permissions: JSON.parse(row.permissions) as string[] }))
      .sort((a, b) => compare(a.name, b.name));
  }

  async putGroup(
    org: string,
    name: string,
    permissions: readonly string[],
    actor: string,
    at: string,
  ): Promise<void> {
    await this.driver.query(
      `INSERT INTO org_groups (org, name, permissions, source, updated_at, updated_by)
       VALUES ($1, $2, $3, 'admin', $4, $5)
       ON CONFLICT (org, name) DO UPDATE SET permissions = excluded.permissions, source = 'admin',
       updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      [org, name, permissionsJson(permissions), at, actor],
    );
  }

  async appendAudit(written: AuditEvent): Promise<void> {
    const event = boundedAuditEvent(written);
    await this.driver.query(
      "INSERT INTO audit_log (time, actor, action, target, outcome, detail) VALUES ($1, $2, $3, $4, $5, $6)",
      [
        event.time,
        event.actor,
        event.action,
        event.target ?? null,
        event.outcome,
        event.detail ?? null,
      ],
    );
  }

  async recentAudit(limit: number): Promise<AuditEvent[]> {
    const rows = await this.driver.query<Record<string, string | null>>(
      "SELECT time, actor, action, target, outcome, detail FROM audit_log ORDER BY id DESC LIMIT $1",
      [limit],
    );
    return rows.map((row) => ({
      time: row.time!,
      actor: row.actor!,
      action: row.action as AuditEvent["action"],
      outcome: row.outcome as AuditEvent["outcome"],
      ...(row.target === null ? {} : { target: row.target! }),
      ...(row.detail === null ? {} : { detail: row.detail! }),
    }));
  }

  async pruneAudit(before: string): Promise<number> {
    const rows = await this.driver.query<{ id: number }>(
      "DELETE FROM audit_log WHERE time < $1 RETURNING id",
      [before],
    );
    return rows.length;
  }

  async createDbtRun(run: DbtRun): Promise<boolean> {
    const rows = await this.driver.query<{ id: string }>(
      `INSERT INTO dbt_runs (${DBT_RUN_COLUMNS.join(", ")})
       VALUES (${DBT_RUN_COLUMNS.map((_, index) => `$${index + 1}`).join(", ")})
       ON CONFLICT (plugin, slot) DO NOTHING RETURNING id`,
      DBT_RUN_COLUMNS.map((column) => run[column]),
    );
    return rows.length > 0;
  }

  async updateDbtRun(id: string, change: DbtRunChange): Promise<DbtRun | undefined> {
    const columns = DBT_RUN_COLUMNS.filter((column) => column in change);
    const assignments = columns.map((column, index) => `${column} = $${index + 2}`);
    const rows = await this.driver.query<DbtRunRow>(
      `UPDATE dbt_runs SET ${assignments.join(", ") || "id = id"}
       WHERE id = $1 AND status IN ('queued', 'running')
       RETURNING ${DBT_RUN_COLUMNS.join(", ")}`,
      [id, ...columns.map((column) => change[column as keyof DbtRunChange])],
    );
    return rows[0] && dbtRunOf(rows[0]);
  }

  async dbtRuns(filter: { plugin?: string; id?: string; limit: number }): Promise<DbtRun[]> {
    // PostgreSQL needs the type of a parameter that is only compared with NULL.
    const text = this.driver.dialect === "postgres" ? "::text" : "";
    const rows = await this.driver.query<DbtRunRow>(
      `SELECT ${DBT_RUN_COLUMNS.join(", ")} FROM dbt_runs
       WHERE ($1${text} IS NULL OR plugin = $1) AND ($2${text} IS NULL OR id = $2)
       ORDER BY seq DESC LIMIT $3`,
      [filter.plugin ?? null, filter.id ?? null, filter.limit],
    );
    return rows.map(dbtRunOf);
  }

  async recordDbtSchedule(
    plugin: string,
    schedule: string | null,
    at: string,
  ): Promise<{ previous: string | null } | undefined> {
    // The upsert locks the row: of two instances recording the same change, one changes it.
    const [before, changed] = await this.driver.batch([
      { text: "SELECT schedule FROM dbt_schedules WHERE plugin = $1", params: [plugin] },
      {
        text: `INSERT INTO dbt_schedules (plugin, schedule, updated_at) VALUES ($1, $2, $3)
           ON CONFLICT (plugin) DO UPDATE SET schedule = excluded.schedule,
           updated_at = excluded.updated_at
           WHERE dbt_schedules.schedule IS DISTINCT FROM excluded.schedule RETURNING plugin`,
        params: [plugin, schedule, at],
      },
    ]);
    if (changed!.length === 0) return undefined;
    return { previous: (before![0]?.schedule as string | null | undefined) ?? null };
  }

  async createSession(id: string, expires: number, at: string): Promise<void> {
    // Expired sessions are removed as new ones are made, so the table stays small.
    await this.driver.batch([
      {
        text: "DELETE FROM admin_sessions WHERE expires <= $1",
        params: [Math.floor(Date.parse(at) / 1000)],
      },
      {
        text: "INSERT INTO admin_sessions (id, expires, created_at) VALUES ($1, $2, $3)",
        params: [id, expires, at],
      },
    ]);
  }

  async sessionActive(id: string, now: number): Promise<boolean> {
    const rows = await this.driver.query<{ id: string }>(
      "SELECT id FROM admin_sessions WHERE id = $1 AND expires > $2",
      [id, now],
    );
    return rows.length > 0;
  }

  async endSession(id: string): Promise<void> {
    await this.driver.query("DELETE FROM admin_sessions WHERE id = $1", [id]);
  }

  async endAllSessions(): Promise<number> {
    const rows = await this.driver.query<{ id: string }>(
      "DELETE FROM admin_sessions RETURNING id",
    );
    return rows.length;
  }

  async getRecord(
    plugin: string,
    space: RecordSpace,
    key: string,
  ): Promise<PluginRecord | undefined> {
    const [row] = await this.driver.query<PluginRecord>(
      "SELECT key, value, version FROM plugin_records WHERE plugin = $1 AND space = $2 AND key = $3",
      [plugin, space, key],
    );
    return row && { key: row.key, value: row.value, version: row.version };
  }

  async putRecord(
    plugin: string,
    space: RecordSpace,
    key: string,
    value: string,
    ifVersion?: IfVersion,
  ): Promise<string | undefined> {
    // A fresh random version, never reused: a record deleted and written again cannot match a
    // version read before.
    const version = randomVersion();
    const params = [plugin, space, key, value, version, recordSize(key, value)];
    const insert =
      "INSERT INTO plugin_records (plugin, space, key, value, version, bytes) VALUES ($1, $2, $3, $4, $5, $6)";
    const [rows] = await this.driver.batch([{
      text: ifVersion === undefined
        ? `${insert} ON CONFLICT (plugin, space, key) DO UPDATE SET value = excluded.value,
           version = excluded.version, bytes = excluded.bytes RETURNING version`
        : ifVersion === null
        ? `${insert} ON CONFLICT (plugin, space, key) DO NOTHING RETURNING version`
        : `UPDATE plugin_records SET value = $4, version = $5, bytes = $6
           WHERE plugin = $1 AND space = $2 AND key = $3 AND version = $7 RETURNING version`,
      params: ifVersion === undefined || ifVersion === null ? params : [...params, ifVersion],
    }, ...this.#announceRecord(plugin, space)]);
    return rows?.[0]?.version as string | undefined;
  }

  async deleteRecord(
    plugin: string,
    space: RecordSpace,
    key: string,
    ifVersion?: IfVersion,
  ): Promise<boolean> {
    if (ifVersion === null) return false;
    const [rows] = await this.driver.batch([{
      text: `DELETE FROM plugin_records WHERE plugin = $1 AND space = $2 AND key = $3${
        ifVersion === undefined ? "" : " AND version = $4"
      } RETURNING key`,
      params: ifVersion === undefined ? [plugin, space, key] : [plugin, space, key, ifVersion],
    }, ...this.#announceRecord(plugin, space)]);
    return (rows?.length ?? 0) > 0;
  }

  async listRecords(
    plugin: string,
    space: RecordSpace,
    query: RecordQuery,
  ): Promise<PluginRecord[]> {
    const rows = await this.driver.query<PluginRecord>(
      `SELECT key, value, version FROM plugin_records
       WHERE plugin = $1 AND space = $2 AND substr(key, 1, length($3)) = $3 AND key > $4
       ORDER BY key LIMIT $5`,
      [plugin, space, query.prefix ?? "", query.after ?? "", query.limit],
    );
    return rows.map((row) => ({ key: row.key, value: row.value, version: row.version }));
  }

  async recordBytes(plugin: string, space: RecordSpace): Promise<number> {
    const [row] = await this.driver.query<{ bytes: number | string | null }>(
      "SELECT SUM(bytes) AS bytes FROM plugin_records WHERE plugin = $1 AND space = $2",
      [plugin, space],
    );
    return Number(row?.bytes ?? 0);
  }

  async purgeRecords(plugin: string): Promise<number> {
    const rows = await this.driver.query(
      "DELETE FROM plugin_records WHERE plugin = $1 RETURNING key",
      [plugin],
    );
    return rows.length;
  }

  close(): Promise<void> {
    return this.driver.close();
  }

  /** Closes the store (`await using store = …`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Opens a SQL state store: migrates the schema first.
 *
 * @param driver The database.
 * @param options The backend name and whether the database is shared between instances.
 * @returns The store.
 * @example
 * ```ts
 * import { sqliteDriver } from "./sqlite_driver.ts";
 * const store = await openSqlStore(await sqliteDriver(":memory:"), { kind: "sqlite", shared: false });
 * ```
 */
export async function openSqlStore(
  driver: SqlDriver,
  options: { kind: string; shared: boolean },
): Promise<SqlStore> {
  await migrate(driver);
  return new SqlStore(driver, options.kind, options.shared);
}

/** The PostgreSQL channel plugin-state changes are announced on. */
const STATE_CHANNEL = "honeyframe_state";

/** The columns of `dbt_runs` a run is made of (the table also has its order, `seq`). */
const DBT_RUN_COLUMNS = [
  "id",
  "plugin",
  "project",
  "status",
  "started_by",
  "slot",
  "queued_at",
  "started_at",
  "finished_at",
  "exit_code",
  "output",
  "reason",
] as const satisfies readonly (keyof DbtRun)[];

/** A row of `dbt_runs` as a driver returns it (numbers may come back as strings or bigints). */
type DbtRunRow = Record<(typeof DBT_RUN_COLUMNS)[number], unknown>;

function dbtRunOf(row: DbtRunRow): DbtRun {
  return {
    ...(row as unknown as DbtRun),
    exit_code: row.exit_code === null ? null : Number(row.exit_code),
  };
}

function permissionsJson(permissions: readonly string[]): string {
  return JSON.stringify([...new Set(permissions)].sort());
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A record version: 16 random hex digits. */
function randomVersion(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)))
    .map((byte) => byte.toString(16).padStart(2, "0"))
    .join("");
}
