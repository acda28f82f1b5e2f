/**
 * The state store contract: what changes at run time (which plugins are enabled, the
 * organisations' group permissions, the audit log), behind one interface with several backends
 * (memory, SQLite, PostgreSQL) that one conformance suite checks.
 *
 * @module
 */

/** The run-time state of one plugin. */
export interface PluginState {
  /** The plugin name. */
  readonly name: string;
  /** Whether it is enabled. */
  readonly enabled: boolean;
  /** Whether its seed groups were written (on its first enable). */
  readonly seeded: boolean;
}

/** A group of an organisation and its permissions. */
export interface GroupRecord {
  /** The group name. */
  readonly name: string;
  /** Its permissions, sorted. */
  readonly permissions: readonly string[];
  /** `seed:<plugin>` when a plugin seeded it and nobody changed it since, `admin` otherwise. */
  readonly source: string;
  /** When it last changed (ISO 8601). */
  readonly updated_at: string;
  /** Who changed it last. */
  readonly updated_by: string;
}

/** What an audit event records. */
export type AuditAction =
  | "sign_in"
  | "sign_out"
  | "sign_out_everywhere"
  | "enable"
  | "disable"
  | "group_change"
  | "dbt_run"
  | "dbt_schedule"
  | "access"
  | "plugin_crashed"
  | "plugin_start_failed"
  | "plugin_config";

/** One audit event. */
export interface AuditEvent {
  /** When, as an ISO 8601 timestamp. */
  readonly time: string;
  /** Who: `admin` for the admin token, a person's email (else subject), `anonymous` otherwise. */
  readonly actor: string;
  /** The action. */
  readonly action: AuditAction;
  /** What it was done to (a plugin, an `org/group`), if anything. */
  readonly target?: string;
  /** Whether it succeeded. */
  readonly outcome: "success" | "failure";
  /** A short, non-secret detail. */
  readonly detail?: string;
}

/** Where a dbt run is. */
export type DbtRunStatus = "queued" | "running" | "succeeded" | "failed";

/** One run of a plugin's dbt workspace. */
export interface DbtRun {
  /** Its id (a UUID). */
  readonly id: string;
  /** The plugin whose workspace runs. */
  readonly plugin: string;
  /** The dbt project's name. */
  readonly project: string;
  /** Where it is. */
  readonly status: DbtRunStatus;
  /** Who or what started it: `admin`, `cli`, `schedule`, … */
  readonly started_by: string;
  /** For a scheduled run, the schedule slot it runs (ISO 8601); `null` for a manual run. */
  readonly slot: string | null;
  /** When it was asked for (ISO 8601). */
  readonly queued_at: string;
  /** When the runner took it. */
  readonly started_at: string | null;
  /** When it ended. */
  readonly finished_at: string | null;
  /** dbt's exit code, when it ran as a command. */
  readonly exit_code: number | null;
  /** The last lines of its output. */
  readonly output: string;
  /** Why it failed, when the runner knows (a time limit, a webhook's status). */
  readonly reason: string | null;
}

/** What may change about a run once it exists. */
export type DbtRunChange = Partial<
  Pick<DbtRun, "status" | "started_at" | "finished_at" | "exit_code" | "output" | "reason">
>;

/** A seed group as a plugin declares it. */
export interface SeedGroupInput {
  /** The group name. */
  readonly name: string;
  /** Its permissions. */
  readonly permissions: readonly string[];
}

/**
 * Where a plugin's own records live: its storage (`ctx.storage`), its settings, or the keys the
 * host keeps for it (the key that signs its frames' tokens).
 */
export const RECORD_SPACES = ["storage", "config", "keys"] as const;

/** One of {@link RECORD_SPACES}. */
export type RecordSpace = typeof RECORD_SPACES[number];

/** One of a plugin's own records, as the store keeps it. */
export interface PluginRecord {
  /** Its key, unique in the plugin's space. */
  readonly key: string;
  /** Its value, as JSON text. */
  readonly value: string;
  /** Changed by every write; compare-and-set compares it. */
  readonly version: string;
}

/** Which of a plugin's records {@link StateStore.listRecords} returns. */
export interface RecordQuery {
  /** Only keys that start with it. */
  readonly prefix?: string;
  /** Only keys after it (the cursor of the page before). */
  readonly after?: string;
  /** At most this many. */
  readonly limit: number;
}

/**
 * A condition on a write: `undefined` writes whatever is there, `null` only where there is no
 * record, a version only where the record has it.
 */
export type IfVersion = string | null | undefined;

/**
 * Where the host keeps its run-time state. All methods may be called concurrently. Disposing it
 * (`await using store = …`) closes it.
 */
export interface StateStore extends AsyncDisposable {
  /** The backend's name, for logs and the Settings page (`memory`, `sqlite`, `postgres`). */
  readonly kind: string;
  /** True when other instances may change the state (the host then polls for changes). */
  readonly shared: boolean;
  /**
   * Calls `onChange` soon after another instance changes a plugin's state or settings, and whenever changes may
   * have been missed (a lost connection came back); absent where the backend cannot tell (the host
   * then polls only). Resolves with what stops it.
   */
  watch?(onChange: () => void): Promise<() => Promise<void>>;
  /** Resolves when the backend answers a trivial query (readiness); rejects otherwise. */
  ping(): Promise<void>;
  /** Every plugin that has a state, sorted by name. */
  pluginStates(): Promise<PluginState[]>;
  /** Enables or disables a plugin. */
  setEnabled(name: string, enabled: boolean, actor: string, at: string): Promise<void>;
  /**
   * Enables a plugin for the first time: writes its seed groups into `org` (groups that exist are
   * left alone) and marks it seeded, atomically. Does nothing when it was seeded before.
   *
   * @returns Whether the seed groups were written now.
   */
  seed(
    plugin: string,
    org: string,
    groups: readonly SeedGroupInput[],
    actor: string,
    at: string,
  ): Promise<boolean>;
  /** The groups of an organisation, sorted by name. */
  groups(org: string): Promise<GroupRecord[]>;
  /** Creates or replaces a group's permissions (an admin change: the source becomes `admin`). */
  putGroup(
    org: string,
    name: string,
    permissions: readonly string[],
    actor: string,
    at: string,
  ): Promise<void>;
  /** Records an audit event. */
  appendAudit(event: AuditEvent): Promise<void>;
  /** The most recent audit events, newest first. */
  recentAudit(limit: number): Promise<AuditEvent[]>;
  /**
   * Deletes the audit events older than `before` (retention).
   *
   * @returns How many were deleted.
   */
  pruneAudit(before: string): Promise<number>;
  /**
   * Records a new dbt run. A run with a `slot` is created only once per plugin and slot, however
   * many instances try (the once-only scheduled run).
   *
   * @returns Whether it was created.
   */
  createDbtRun(run: DbtRun): Promise<boolean>;
  /**
   * Changes a run that has not finished (`queued` or `running`); a finished run stays as it is.
   *
   * @returns The run as changed, or `undefined` when there is no such unfinished run.
   */
  updateDbtRun(id: string, change: DbtRunChange): Promise<DbtRun | undefined>;
  /** The most recent runs, newest first, of one plugin or all, or the run with an id. */
  dbtRuns(
    filter: { readonly plugin?: string; readonly id?: string; readonly limit: number },
  ): Promise<
    DbtRun[]
  >;
  /**
   * Records the schedule a plugin's dbt workspace has in the running registry.
   *
   * @returns The schedule recorded before, or `undefined` when it did not change (or another
   * instance recorded the change first).
   */
  recordDbtSchedule(plugin: string, schedule: string | null, at: string): Promise<
    { previous: string | null } | undefined
  >;
  /** Records a new admin session, expiring at `expires` (seconds since the epoch). */
  createSession(id: string, expires: number, at: string): Promise<void>;
  /** Whether a session was created, not ended, and is unexpired at `now` (seconds). */
  sessionActive(id: string, now: number): Promise<boolean>;
  /** Ends one session (sign-out). */
  endSession(id: string): Promise<void>;
  /**
   * Ends every session ("sign out everywhere").
   *
   * @returns How many there were.
   */
  endAllSessions(): Promise<number>;
  /** One of a plugin's records, or `undefined`. */
  getRecord(plugin: string, space: RecordSpace, key: string): Promise<PluginRecord | undefined>;
  /**
   * Writes one of a plugin's records when `ifVersion` holds.
   *
   * @returns Its new version, or `undefined` when the condition did not hold.
   */
  putRecord(
    plugin: string,
    space: RecordSpace,
    key: string,
    value: string,
    ifVersion?: IfVersion,
  ): Promise<string | undefined>;
  /**
   * Deletes one of a plugin's records when `ifVersion` holds.
   *
   * @returns Whether there was one (that matched) and it is gone.
   */
  deleteRecord(
    plugin: string,
    space: RecordSpace,
    key: string,
    ifVersion?: IfVersion,
  ): Promise<boolean>;
  /** A plugin's records in one space, sorted by key. */
  listRecords(plugin: string, space: RecordSpace, query: RecordQuery): Promise<PluginRecord[]>;
  /** How many bytes a plugin's records in one space take (keys and values, as UTF-8). */
  recordBytes(plugin: string, space: RecordSpace): Promise<number>;
  /**
   * Deletes every record of a plugin, in every space (`plugins uninstall --purge`).
   *
   * @returns How many there were.
   */
  purgeRecords(plugin: string): Promise<number>;
  /** Releases connections and files. */
  close(): Promise<void>;
}
