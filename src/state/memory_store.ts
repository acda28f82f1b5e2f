/**
 * The in-memory state store: the default on the edge and in tests. Nothing survives a restart and
 * nothing is shared between instances.
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
import { RECORD_SPACES } from "./types.ts";
import { inQuery, recordSize } from "./plugin_records.ts";

/**
 * A state store in memory.
 *
 * @example
 * ```ts
 * const store = new MemoryStore();
 * await store.setEnabled("crm", false, "admin", new Date().toISOString());
 * ```
 */
export class MemoryStore implements StateStore {
  readonly kind = "memory";
  readonly shared = false;
  readonly #plugins = new Map<string, PluginState>();
  readonly #groups = new Map<string, Map<string, GroupRecord>>();
  readonly #audit: AuditEvent[] = [];
  readonly #sessions = new Map<string, number>();
  readonly #dbtRuns: DbtRun[] = [];
  readonly #dbtSchedules = new Map<string, string | null>();
  readonly #records = new Map<string, Map<string, PluginRecord>>();
  #recordVersion = 0;

  /**
   * Creates an empty store.
   *
   * @param auditCapacity How many audit events to keep.
   */
  constructor(
    /** How many audit events to keep; older ones are dropped. */
    readonly auditCapacity = 10_000,
  ) {}

  ping(): Promise<void> {
    return Promise.resolve();
  }

  pluginStates(): Promise<PluginState[]> {
    return Promise.resolve([...this.#plugins.values()].sort(byName));
  }

  setEnabled(name: string, enabled: boolean, _actor: string, _at: string): Promise<void> {
    this.#plugins.set(name, { name, enabled, seeded: this.#plugins.get(name)?.seeded ?? false });
    return Promise.resolve();
  }

  seed(
    plugin: string,
    org: string,
    groups: readonly SeedGroupInput[],
    _actor: string,
    at: string,
  ): Promise<boolean> {
    const state = this.#plugins.get(plugin);
    if (state?.seeded) return Promise.resolve(false);
    const orgGroups = this.#orgGroups(org);
    for (const group of groups) {
      if (orgGroups.has(group.name)) continue;
      orgGroups.set(group.name, {
        name: group.name,
        permissions: [...new Set(group.permissions)].sort(),
        source: `seed:${plugin}`,
        updated_at: at,
        updated_by: `plugin:${plugin}`,
      });
    }
    this.#plugins.set(plugin, { name: plugin, enabled: state?.enabled ?? true, seeded: true });
    return Promise.resolve(true);
  }

  groups(org: string): Promise<GroupRecord[]> {
    return Promise.resolve(
      [...(this.#groups.get(org)?.values() ?? [])].sort(byName),
    );
  }

  putGroup(
    org: string,
    name: string,
    permissions: readonly string[],
    actor: string,
    at: string,
  ): Promise<void> {
    this.#orgGroups(org).set(name, {
      name,
      permissions: [...new Set(permissions)].sort(),
      source: "admin",
      updated_at: at,
      updated_by: actor,
    });
    return Promise.resolve();
  }

  appendAudit(event: AuditEvent): Promise<void> {
    this.#audit.push(boundedAuditEvent(event));
    if (this.#audit.length > this.auditCapacity) this.#audit.shift();
    return Promise.resolve();
  }

  recentAudit(limit: number): Promise<AuditEvent[]> {
    return Promise.resolve(this.#audit.slice(-limit).reverse());
  }

  pruneAudit(before: string): Promise<number> {
    const kept = this.#audit.filter((event) => event.time >= before);
    const pruned = this.#audit.length - kept.length;
    this.#audit.splice(0, this.#audit.length, ...kept);
    return Promise.resolve(pruned);
  }

  createDbtRun(run: DbtRun): Promise<boolean> {
    const taken = run.slot !== null &&
      this.#dbtRuns.some((other) => other.plugin === run.plugin && other.slot === run.slot);
    if (!taken) this.#dbtRuns.push({ ...run });
    if (this.#dbtRuns.length > this.auditCapacity) this.#dbtRuns.shift();
    return Promise.resolve(!taken);
  }

  updateDbtRun(id: string, change: DbtRunChange): Promise<DbtRun | undefined> {
    const index = this.#dbtRuns.findIndex((run) =>
      run.id === id && (run.status === "queued" || run.status === "running")
    );
    if (index === -1) return Promise.resolve(undefined);
    const changed = { ...this.#dbtRuns[index]!, ...change };
    this.#dbtRuns[index] = changed;
    return Promise.resolve({ ...changed });
  }

  dbtRuns(filter: { plugin?: string; id?: string; limit: number }): Promise<DbtRun[]> {
    return Promise.resolve(
      this.#dbtRuns
        .filter((run) =>
          (filter.plugin === undefined || run.plugin === filter.plugin) &&
          (filter.id === undefined || run.id === filter.id)
        )
        .slice(-filter.limit)
        .reverse()
        .map((run) => ({ ...run })),
    );
  }

  recordDbtSchedule(
    plugin: string,
    schedule: string | null,
    _at: string,
  ): Promise<{ previous: string | null } | undefined> {
    const known = this.#dbtSchedules.has(plugin);
    const previous = this.#dbtSchedules.get(plugin) ?? null;
    if (known && previous === schedule) return Promise.resolve(undefined);
    this.#dbtSchedules.set(plugin, schedule);
    return Promise.resolve({ previous });
  }

  createSession(id: string, expires: number, _at: string): Promise<void> {
    this.#sessions.set(id, expires);
    return Promise.resolve();
  }

  sessionActive(id: string, now: number): Promise<boolean> {
    const expires = this.#sessions.get(id);
    if (expires !== undefined && expires <= now) this.#sessions.delete(id);
    return Promise.resolve(expires !== undefined && expires > now);
  }

  endSession(id: string): Promise<void> {
    this.#sessions.delete(id);
    return Promise.resolve();
  }

  endAllSessions(): Promise<number> {
    const count = this.#sessions.size;
    this.#sessions.clear();
    return Promise.resolve(count);
  }

  getRecord(plugin: string, space: RecordSpace, key: string): Promise<PluginRecord | undefined> {
    return Promise.resolve(this.#space(plugin, space).get(key));
  }

  putRecord(
    plugin: string,
    space: RecordSpace,
    key: string,
    value: string,
    ifVersion?: IfVersion,
  ): Promise<string | undefined> {
    const records = this.#space(plugin, space);
    if (!holds(records.get(key), ifVersion)) return Promise.resolve(undefined);
    const version = String(++this.#recordVersion);
    records.set(key, { key, value, version });
    return Promise.resolve(version);
  }

  deleteRecord(
    plugin: string,
    space: RecordSpace,
    key: string,
    ifVersion?: IfVersion,
  ): Promise<boolean> {
    const records = this.#space(plugin, space);
    const record = records.get(key);
    return Promise.resolve(record !== undefined && holds(record, ifVersion) && records.delete(key));
  }

  listRecords(plugin: string, space: RecordSpace, query: RecordQuery): Promise<PluginRecord[]> {
    const records = [...this.#space(plugin, space).values()]
      .filter((record) => inQuery(record.key, query))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return Promise.resolve(records.slice(0, query.limit));
  }

  recordBytes(plugin: string, space: RecordSpace): Promise<number> {
    let bytes = 0;
    for (const record of this.#space(plugin, space).values()) {
      bytes += recordSize(record.key, record.value);
    }
    return Promise.resolve(bytes);
  }

  purgeRecords(plugin: string): Promise<number> {
    let count = 0;
    for (const space of RECORD_SPACES) {
      count += this.#space(plugin, space).size;
      this.#records.delete(`${plugin}\u0000${space}`);
    }
    return Promise.resolve(count);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Closes the store (`await using store = …`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #space(plugin: string, space: RecordSpace): Map<string, PluginRecord> {
    const name = `${plugin}\u0000${space}`;
    let records = this.#records.get(name);
    if (!records) this.#records.set(name, records = new Map());
    return records;
  }

  #orgGroups(org: string): Map<string, GroupRecord> {
    let groups = this.#groups.get(org);
    if (!groups) this.#groups.set(org, groups = new Map());
    return groups;
  }
}

/** Code-point order, as the SQL stores sort too. */
function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Whether a write's condition holds for the record there is. */
function holds(record: PluginRecord | undefined, ifVersion: IfVersion): boolean {
  return ifVersion === undefined ||
    (ifVersion === null ? record === undefined : record?.version === ifVersion);
}
