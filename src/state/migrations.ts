/**
 * The state schema, as numbered migrations applied in order at start-up. A migration is never
 * edited once released: change the schema by adding one.
 *
 * @module
 */
import type { SqlDriver } from "./sql_driver.ts";

/** One schema change, in each dialect. */
export interface Migration {
  /** Its number; applied in ascending order, each once. */
  readonly version: number;
  /** What it does. */
  readonly name: string;
  /** The statements, per dialect. */
  readonly sql: Readonly<Record<SqlDriver["dialect"], readonly string[]>>;
}

const SHARED_TABLES = [
  `CREATE TABLE plugin_state (
     name TEXT PRIMARY KEY,
     enabled INTEGER NOT NULL,
     seeded INTEGER NOT NULL DEFAULT 0,
     updated_at TEXT NOT NULL,
     updated_by TEXT NOT NULL
   )`,
  `CREATE TABLE org_groups (
     org TEXT NOT NULL,
     name TEXT NOT NULL,
     permissions TEXT NOT NULL,
     source TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     updated_by TEXT NOT NULL,
     PRIMARY KEY (org, name)
   )`,
];

const ADMIN_SESSIONS = `CREATE TABLE admin_sessions (
   id TEXT PRIMARY KEY,
   expires BIGINT NOT NULL,
   created_at TEXT NOT NULL
 )`;

const dbtTables = (seq: string) => [
  `CREATE TABLE dbt_runs (
     seq ${seq},
     id TEXT NOT NULL UNIQUE,
     plugin TEXT NOT NULL,
     project TEXT NOT NULL,
     status TEXT NOT NULL,
     started_by TEXT NOT NULL,
     slot TEXT,
     queued_at TEXT NOT NULL,
     started_at TEXT,
     finished_at TEXT,
     exit_code INTEGER,
     output TEXT NOT NULL,
     reason TEXT,
     UNIQUE (plugin, slot)
   )`,
  "CREATE INDEX dbt_runs_plugin ON dbt_runs (plugin, seq)",
  `CREATE TABLE dbt_schedules (
     plugin TEXT PRIMARY KEY,
     schedule TEXT,
     updated_at TEXT NOT NULL
   )`,
];

/** Plugins' own records (storage and settings); keys compare as code points in both dialects. */
const pluginRecords = (key: string) => [
  `CREATE TABLE plugin_records (
     plugin TEXT NOT NULL,
     space TEXT NOT NULL,
     key ${key} NOT NULL,
     value TEXT NOT NULL,
     version TEXT NOT NULL,
     bytes INTEGER NOT NULL,
     PRIMARY KEY (plugin, space, key)
   )`,
];

/** Every migration, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "plugin state, organisation groups, audit log",
    sql: {
      sqlite: [
        ...SHARED_TABLES,
        `CREATE TABLE audit_log (
           id INTEGER PRIMARY KEY AUTOINCREMENT,
           time TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
           target TEXT, outcome TEXT NOT NULL, detail TEXT
         )`,
      ],
      postgres: [
        ...SHARED_TABLES,
        `CREATE TABLE audit_log (
           id BIGSERIAL PRIMARY KEY,
           time TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
           target TEXT, outcome TEXT NOT NULL, detail TEXT
         )`,
      ],
    },
  },
  {
    version: 2,
    name: "admin sessions",
    sql: {
      sqlite: [ADMIN_SESSIONS, "CREATE INDEX audit_log_time ON audit_log (time)"],
      postgres: [ADMIN_SESSIONS, "CREATE INDEX audit_log_time ON audit_log (time)"],
    },
  },
  {
    version: 3,
    name: "dbt runs and schedules",
    sql: {
      sqlite: dbtTables("INTEGER PRIMARY KEY AUTOINCREMENT"),
      postgres: dbtTables("BIGSERIAL PRIMARY KEY"),
    },
  },
  {
    version: 4,
    name: "plugins' own records",
    sql: {
      sqlite: pluginRecords("TEXT"),
      postgres: pluginRecords('TEXT COLLATE "C"'),
    },
  },
];

/**
 * Brings the schema up to date: applies, in one batch, the migrations not yet recorded in
 * `schema_migrations`. Safe to run from several instances at once: of two batches applying the
 * same migration one fails (its table exists, or its version row does), and the instance that lost
 * reads the recorded versions again.
 *
 * @param driver The database.
 * @param migrations The migrations (all of them by default).
 * @returns The versions applied now.
 * @example
 * ```ts
 * import { sqliteDriver } from "./sqlite_driver.ts";
 * const driver = await sqliteDriver(":memory:");
 * await migrate(driver); // [1, …] on a new database, [] afterwards
 * ```
 */
export async function migrate(
  driver: SqlDriver,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  for (let attempt = 1;; attempt++) {
    try {
      const pending = await pendingMigrations(driver, migrations);
      if (pending.length === 0) return [];
      await driver.batch([
        // PostgreSQL: a second instance waits here, then fails on the tables the first made.
        ...(driver.dialect === "postgres"
          ? [{ text: "SELECT pg_advisory_xact_lock(2026112601)" }]
          : []),
        ...pending.flatMap((migration) => [
          ...migration.sql[driver.dialect].map((text) => ({ text })),
          {
            text: "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            params: [migration.version, migration.name, new Date().toISOString()],
          },
        ]),
      ]);
      return pending.map((migration) => migration.version);
    } catch (error) {
      // Another instance may have applied them meanwhile: look again, a few times.
      if (attempt === 3) throw error;
    }
  }
}

async function pendingMigrations(
  driver: SqlDriver,
  migrations: readonly Migration[],
): Promise<Migration[]> {
  await driver.query(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
  );
  const rows = await driver.query<{ version: number }>("SELECT version FROM schema_migrations");
  const done = new Set(rows.map((row) => Number(row.version)));
  return migrations.filter((migration) => !done.has(migration.version));
}
