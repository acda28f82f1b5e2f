/**
 * The state store on Deno KV (`Deno.openKv()`): Deno Deploy's own store, or a local file. Every
 * change that must happen once (a first enable's seeding, a schedule slot's run, a schedule
 * change) is an atomic operation checked against what it read, retried when another instance got
 * there first. Plugin-state changes bump a key that {@link DenoKvStore.watch} follows.
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
import { inQuery, recordSize } from "./plugin_records.ts";

/** The key every plugin-state change rewrites, for watchers. */
const CHANGES: Deno.KvKey = ["changes"];

/** How many times an atomic operation is tried before the store gives up. */
const ATTEMPTS = 64;

/**
 * The most bytes of a record's value one entry holds: Deno KV takes values up to 64 KiB, so a
 * larger value is split into parts written and read together (`[…, key, 0]` holds the first and
 * the count).
 */
const PART_BYTES = 60_000;

/** The first part of a record as stored; its versionstamp is the record's version. */
interface RecordHead {
  readonly parts: number;
  readonly size: number;
  readonly data: Uint8Array;
}

/** A plugin's state as stored. */
interface StoredPlugin {
  readonly enabled: boolean;
  readonly seeded: boolean;
}

/**
 * A state store on a Deno KV database. Open it with {@link openDenoKvStore}.
 */
export class DenoKvStore implements StateStore {
  readonly kind = "denokv";
  #sequence = 0;
  #closed = false;

  /**
   * @param kv The open database.
   * @param shared Whether other instances use it (Deno Deploy, a shared file).
   */
  constructor(readonly kv: Deno.Kv, readonly shared: boolean) {}

  /**
   * Calls `onChange` when a plugin's state changes in this database (the first call comes at
   * once). Deno Deploy delivers changes from every isolate; a local file, those of this process.
   */
  watch(onChange: () => void): Promise<() => Promise<void>> {
    const reader = this.kv.watch([CHANGES]).getReader();
    (async () => {
      while (!(await reader.read()).done) onChange();
    })().catch(() => {});
    return Promise.resolve(() => reader.cancel().catch(() => {}));
  }

  async ping(): Promise<void> {
    await this.kv.get(["ping"]);
  }

  async pluginStates(): Promise<PluginState[]> {
    const states: PluginState[] = [];
    for await (const entry of this.kv.list<StoredPlugin>({ prefix: ["plugin"] })) {
      states.push({ name: entry.key[1] as string, ...entry.value });
    }
    return states.sort(byName);
  }

  async setEnabled(name: string, enabled: boolean, _actor: string, _at: string): Promise<void> {
    await this.#atomically(async (atomic) => {
      const current = await this.kv.get<StoredPlugin>(["plugin", name]);
      atomic.check(current).set(["plugin", name], {
        enabled,
        seeded: current.value?.seeded ?? false,
      });
      return { commit: undefined };
    }, true);
  }

  async seed(
    plugin: string,
    org: string,
    groups: readonly SeedGroupInput[],
    _actor: string,
    at: string,
  ): Promise<boolean> {
    return await this.#atomically<boolean>(async (atomic) => {
      const current = await this.kv.get<StoredPlugin>(["plugin", plugin]);
      if (current.value?.seeded) return { done: false };
      atomic.check(current).set(["plugin", plugin], {
        enabled: current.value?.enabled ?? true,
        seeded: true,
      });
      for (const group of groups) {
        const existing = await this.kv.get(["group", org, group.name]);
        atomic.check(existing);
        if (existing.value !== null) continue;
        atomic.set(
          ["group", org, group.name],
          {
            name: group.name,
            permissions: [...new Set(group.permissions)].sort(),
            source: `seed:${plugin}`,
            updated_at: at,
            updated_by: `plugin:${plugin}`,
          } satisfies GroupRecord,
        );
      }
      return { commit: true };
    }, true);
  }

  async groups(org: string): Promise<GroupRecord[]> {
    const groups: GroupRecord[] = [];
    for await (const entry of this.kv.list<GroupRecord>({ prefix: ["group", org] })) {
      groups.push(entry.value);
    }
    return groups.sort(byName);
  }

  async putGroup(
    org: string,
    name: string,
    permissions: readonly string[],
    actor: string,
    at: string,
  ): Promise<void> {
    await this.kv.set(
      ["group", org, name],
      {
        name,
        permissions: [...new Set(permissions)].sort(),
        source: "admin",
        updated_at: at,
        updated_by: actor,
      } satisfies GroupRecord,
    );
  }

  async appendAudit(event: AuditEvent): Promise<void> {
    await this.kv.set(["audit", this.#nextKey()], boundedAuditEvent(event));
  }

  async recentAudit(limit: number): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    for await (
      const entry of this.kv.list<AuditEvent>({ prefix: ["audit"] }, { reverse: true, limit })
    ) {
      events.push(entry.value);
    }
    return events;
  }

  async pruneAudit(before: string): Promise<number> {
    let pruned = 0;
    for await (const entry of this.kv.list<AuditEvent>({ prefix: ["audit"] })) {
      if (entry.value.time >= before) continue;
      await this.kv.delete(entry.key);
      pruned++;
    }
    return pruned;
  }

  async createDbtRun(run: DbtRun): Promise<boolean> {
    const key = this.#nextKey();
    const atomic = this.kv.atomic()
      .set(["dbt_run", key], run)
      .set(["dbt_run_id", run.id], key);
    if (run.slot !== null) {
      atomic.check({ key: ["dbt_slot", run.plugin, run.slot], versionstamp: null })
        .set(["dbt_slot", run.plugin, run.slot], run.id);
    }
    return (await atomic.commit()).ok;
  }

  async updateDbtRun(id: string, change: DbtRunChange): Promise<DbtRun | undefined> {
    const key = (await this.kv.get<string>(["dbt_run_id", id])).value;
    if (key === null) return undefined;
    return await this.#atomically(async (atomic) => {
      const current = await this.kv.get<DbtRun>(["dbt_run", key]);
      const run = current.value;
      if (!run || (run.status !== "queued" && run.status !== "running")) {
        return { done: undefined };
      }
      const changed = { ...run, ...change };
      atomic.check(current).set(["dbt_run", key], changed);
      return { commit: changed };
    });
  }

  async dbtRuns(filter: { plugin?: string; id?: string; limit: number }): Promise<DbtRun[]> {
    const runs: DbtRun[] = [];
    for await (const entry of this.kv.list<DbtRun>({ prefix: ["dbt_run"] }, { reverse: true })) {
      const run = entry.value;
      if (filter.plugin !== undefined && run.plugin !== filter.plugin) continue;
      if (filter.id !== undefined && run.id !== filter.id) continue;
      runs.push(run);
      if (runs.length >= filter.limit) break;
    }
    return runs;
  }

  async recordDbtSchedule(
    plugin: string,
    schedule: string | null,
    at: string,
  ): Promise<{ previous: string | null } | undefined> {
    return await this.#atomically(async (atomic) => {
      const current = await this.kv.get<{ schedule: string | null }>(["dbt_schedule", plugin]);
      if (current.value !== null && current.value.schedule === schedule) {
        return { done: undefined };
      }
      atomic.check(current).set(["dbt_schedule", plugin], { schedule, updated_at: at });
      return { commit: { previous: current.value?.schedule ?? null } };
    });
  }

  async createSession(id: string, expires: number, _at: string): Promise<void> {
    const ttl = Math.max(1, expires * 1000 - Date.now());
    await this.kv.set(["session", id], expires, { expireIn: ttl });
  }

  async sessionActive(id: string, now: number): Promise<boolean> {
    const expires = (await this.kv.get<number>(["session", id])).value;
    return expires !== null && expires > now;
  }

  async endSession(id: string): Promise<void> {
    await this.kv.delete(["session", id]);
  }

  async endAllSessions(): Promise<number> {
    let ended = 0;
    for await (const entry of this.kv.list({ prefix: ["session"] })) {
      await this.kv.delete(entry.key);
      ended++;
    }
    return ended;
  }

  async getRecord(
    plugin: string,
    space: RecordSpace,
    key: string,
  ): Promise<PluginRecord | undefined> {
    const entries = await Array.fromAsync(this.kv.list({ prefix: ["record", plugin, space, key] }));
    return recordOf(entries);
  }

  async putRecord(
    plugin: string,
    space: RecordSpace,
    key: string,
    value: string,
    ifVersion?: IfVersion,
  ): Promise<string | undefined> {
    const bytes = new TextEncoder().encode(value);
    const parts = Math.max(1, Math.ceil(bytes.byteLength / PART_BYTES));
    const at = (part: number) => ["record", plugin, space, key, part];
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const head = await this.kv.get<RecordHead>(at(0));
      if (!holds(head, ifVersion)) return undefined;
      const atomic = this.kv.atomic().check(head);
      for (let part = parts; part < (head.value?.parts ?? 0); part++) atomic.delete(at(part));
      for (let part = 0; part < parts; part++) {
        // A copy: a view would store its whole buffer.
        const data = bytes.slice(part * PART_BYTES, (part + 1) * PART_BYTES);
        atomic.set(
          at(part),
          part === 0 ? { parts, size: recordSize(key, value), data } satisfies RecordHead : data,
        );
      }
      if (space === "config") atomic.set(CHANGES, crypto.randomUUID());
      const committed = await atomic.commit();
      if (committed.ok) return committed.versionstamp;
    }
    throw new Error(`Deno KV: gave up after ${ATTEMPTS} conflicting attempts`);
  }

  async deleteRecord(
    plugin: string,
    space: RecordSpace,
    key: string,
    ifVersion?: IfVersion,
  ): Promise<boolean> {
    const at = (part: number) => ["record", plugin, space, key, part];
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const head = await this.kv.get<RecordHead>(at(0));
      if (head.value === null || !holds(head, ifVersion)) return false;
      const atomic = this.kv.atomic().check(head);
      for (let part = 0; part < head.value.parts; part++) atomic.delete(at(part));
      if (space === "config") atomic.set(CHANGES, crypto.randomUUID());
      if ((await atomic.commit()).ok) return true;
    }
    throw new Error(`Deno KV: gave up after ${ATTEMPTS} conflicting attempts`);
  }

  async listRecords(
    plugin: string,
    space: RecordSpace,
    query: RecordQuery,
  ): Promise<PluginRecord[]> {
    const base = ["record", plugin, space];
    const from = query.after === undefined ? query.prefix ?? "" : `${query.after}\u0000`;
    const start = [...base, from > (query.prefix ?? "") ? from : query.prefix ?? ""];
    const selector: Deno.KvListSelector = query.prefix
      ? { start, end: [...base, afterPrefix(query.prefix)] }
      : { prefix: base, start };
    const records: PluginRecord[] = [];
    let parts: Deno.KvEntry<unknown>[] = [];
    for await (const entry of this.kv.list(selector)) {
      if (entry.key[4] === 0 && parts.length > 0) {
        const record = recordOf(parts);
        if (record && inQuery(record.key, query)) records.push(record);
        if (records.length >= query.limit) return records;
        parts = [];
      }
      parts.push(entry);
    }
    const last = recordOf(parts);
    if (last && inQuery(last.key, query) && records.length < query.limit) records.push(last);
    return records;
  }

  async recordBytes(plugin: string, space: RecordSpace): Promise<number> {
    let bytes = 0;
    for await (const entry of this.kv.list<unknown>({ prefix: ["record", plugin, space] })) {
      if (entry.key[4] === 0) bytes += (entry.value as RecordHead).size;
    }
    return bytes;
  }

  async purgeRecords(plugin: string): Promise<number> {
    let count = 0;
    for await (const entry of this.kv.list({ prefix: ["record", plugin] })) {
      await this.kv.delete(entry.key);
      if (entry.key[4] === 0) count++;
    }
    return count;
  }

  close(): Promise<void> {
    if (!this.#closed) this.kv.close();
    this.#closed = true;
    return Promise.resolve();
  }

  /** Closes the store (`await using store = …`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Runs `prepare`, which reads and either answers at once (`{ done }`) or queues checks and
   * writes on the operation (`{ commit }`), and commits; when another writer changed what it read,
   * reads again. With `announce`, the write also bumps {@link CHANGES} for watchers.
   */
  async #atomically<T>(
    prepare: (atomic: Deno.AtomicOperation) => Promise<{ done: T } | { commit: T }>,
    announce = false,
  ): Promise<T> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const atomic = this.kv.atomic();
      const prepared = await prepare(atomic);
      if ("done" in prepared) return prepared.done;
      if (announce) atomic.set(CHANGES, crypto.randomUUID());
      if ((await atomic.commit()).ok) return prepared.commit;
    }
    throw new Error(`Deno KV: gave up after ${ATTEMPTS} conflicting attempts`);
  }

  /** A key that sorts after every key this process made before (time, then a counter). */
  #nextKey(): string {
    this.#sequence = (this.#sequence + 1) % 1_000_000;
    return `${Date.now().toString().padStart(15, "0")}-${String(this.#sequence).padStart(6, "0")}-${
      crypto.randomUUID().slice(0, 8)
    }`;
  }
}

/**
 * Opens a Deno KV state store.
 *
 * @param path A local file (`HONEYFRAME_DENO_KV_PATH`), or `undefined` for Deno Deploy's own
 * database (or Deno's default local one).
 * @returns The store.
 * @throws {Error} When this Deno has no KV (started without `--unstable-kv`).
 */
export async function openDenoKvStore(path: string | undefined): Promise<DenoKvStore> {
  const deno = (globalThis as { Deno?: { openKv?: (path?: string) => Promise<Deno.Kv> } }).Deno;
  if (typeof deno?.openKv !== "function") {
    throw new Error("Deno KV is not available: run Deno with --unstable-kv");
  }
  return new DenoKvStore(await deno.openKv(path), true);
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Whether a write's condition holds for the record's first part as read. */
function holds(head: Deno.KvEntryMaybe<RecordHead>, ifVersion: IfVersion): boolean {
  return ifVersion === undefined ||
    (ifVersion === null ? head.value === null : head.versionstamp === ifVersion);
}

/** A record from its parts, in order (none: no record). */
function recordOf(entries: readonly Deno.KvEntry<unknown>[]): PluginRecord | undefined {
  const head = entries[0];
  if (!head || head.key[4] !== 0) return undefined;
  const first = head.value as RecordHead;
  const data = [
    first.data,
    ...entries.slice(1, first.parts).map((entry) => entry.value as Uint8Array),
  ];
  const bytes = new Uint8Array(data.reduce((total, part) => total + part.byteLength, 0));
  let offset = 0;
  for (const part of data) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return {
    key: head.key[3] as string,
    value: new TextDecoder().decode(bytes),
    version: head.versionstamp,
  };
}

/** The smallest string after every string that starts with `prefix` (not empty). */
function afterPrefix(prefix: string): string {
  const points = Array.from(prefix);
  while (points.length > 1 && points.at(-1) === "\u{10ffff}") points.pop();
  const last = points.pop()!.codePointAt(0)!;
  return points.join("") + String.fromCodePoint(Math.min(last + 1, 0x10ffff));
}
