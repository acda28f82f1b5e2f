/**
 * The one conformance suite every state store backend must pass, run by
 * the memory, SQLite, PostgreSQL, D1 and Deno KV store tests.
 *
 * @module
 */
import assert from "node:assert/strict";
import { AUDIT_TEXT_LIMIT, type DbtRun, type StateStore } from "../../src/state/mod.ts";
import {
  importSecretsKey,
  PluginConfigs,
  StorageConflict,
  StorageQuotaExceeded,
  storeStorage,
} from "../../src/runtime/mod.ts";

/** Two plugins' declared settings, for the settings cases. */
const DECLARED = {
  plugins: [
    {
      name: "crm",
      status: "mounted" as const,
      config: {
        api_url: { type: "url" as const, required: true, secret: false },
        api_key: { type: "string" as const, required: true, secret: true },
        page_size: { type: "number" as const, required: false, secret: false, default: 50 },
      },
    },
    { name: "finance", status: "mounted" as const },
  ],
};
const SECRETS_KEY = btoa(String.fromCharCode(...new Uint8Array(32).fill(1)));

const AT = "2026-11-26T10:00:00.000Z";
const LATER = "2026-11-26T11:00:00.000Z";

/**
 * Runs every conformance case as a step, each on a fresh store from `open`.
 *
 * @param t The test context.
 * @param open Opens a new, empty store of the backend under test.
 */
export async function stateStoreConformance(
  t: Deno.TestContext,
  open: () => Promise<StateStore>,
): Promise<void> {
  const step = (name: string, body: (store: StateStore) => Promise<void>) =>
    t.step(name, async () => {
      await using store = await open();
      await body(store);
    });

  await step("a new store is empty", async (store) => {
    assert.deepEqual(await store.pluginStates(), []);
    assert.deepEqual(await store.groups("default"), []);
    assert.deepEqual(await store.recentAudit(10), []);
  });

  await step("setEnabled() creates and updates plugin states, listed by name", async (store) => {
    await store.setEnabled("zeta", true, "admin", AT);
    await store.setEnabled("alpha", false, "admin", AT);
    await store.setEnabled("zeta", false, "admin", LATER);
    assert.deepEqual(await store.pluginStates(), [
      { name: "alpha", enabled: false, seeded: false },
      { name: "zeta", enabled: false, seeded: false },
    ]);
  });

  await step(
    "seed() writes the groups once and marks the plugin seeded and enabled",
    async (store) => {
      const groups = [
        { name: "crm_viewer", permissions: ["customer.read"] },
        { name: "crm_admin", permissions: ["customer.read", "customer.edit", "customer.read"] },
      ];
      assert.equal(await store.seed("crm", "default", groups, "system", AT), true);
      assert.equal(await store.seed("crm", "default", groups, "system", LATER), false);
      assert.deepEqual(await store.pluginStates(), [{ name: "crm", enabled: true, seeded: true }]);
      assert.deepEqual(await store.groups("default"), [
        {
          name: "crm_admin",
          permissions: ["customer.edit", "customer.read"],
          source: "seed:crm",
          updated_at: AT,
          updated_by: "plugin:crm",
        },
        {
          name: "crm_viewer",
          permissions: ["customer.read"],
          source: "seed:crm",
          updated_at: AT,
          updated_by: "plugin:crm",
        },
      ]);
      assert.deepEqual(await store.groups("other-org"), []);
    },
  );

  await step(
    "seed() never overwrites a group an admin already has, nor re-enables",
    async (store) => {
      await store.putGroup("default", "crm_viewer", ["account.read"], "admin", AT);
      await store.setEnabled("crm", false, "admin", AT);
      assert.equal(
        await store.seed(
          "crm",
          "default",
          [{ name: "crm_viewer", permissions: ["customer.read"] }],
          "system",
          LATER,
        ),
        true,
      );
      const [group] = await store.groups("default");
      assert.deepEqual([group!.permissions, group!.source], [["account.read"], "admin"]);
      assert.deepEqual(await store.pluginStates(), [{ name: "crm", enabled: false, seeded: true }]);
    },
  );

  await step(
    "putGroup() replaces a group's permissions and makes the admin its source",
    async (store) => {
      await store.seed(
        "crm",
        "default",
        [{ name: "viewers", permissions: ["customer.read"] }],
        "system",
        AT,
      );
      await store.putGroup("default", "viewers", ["b.read", "a.read", "a.read"], "admin", LATER);
      await store.putGroup("acme", "viewers", [], "admin", LATER);
      assert.deepEqual(await store.groups("default"), [
        {
          name: "viewers",
          permissions: ["a.read", "b.read"],
          source: "admin",
          updated_at: LATER,
          updated_by: "admin",
        },
      ]);
      assert.deepEqual((await store.groups("acme")).map((g) => g.permissions), [[]]);
    },
  );

  await step("the audit log keeps every field and lists the newest first", async (store) => {
    await store.appendAudit({
      time: AT,
      actor: "anonymous",
      action: "sign_in",
      outcome: "failure",
      detail: "wrong token",
    });
    await store.appendAudit({
      time: LATER,
      actor: "admin",
      action: "disable",
      target: "crm",
      outcome: "success",
    });
    await store.appendAudit({
      time: LATER,
      actor: "admin",
      action: "group_change",
      target: "default/viewers",
      outcome: "success",
    });
    assert.deepEqual(await store.recentAudit(2), [
      {
        time: LATER,
        actor: "admin",
        action: "group_change",
        target: "default/viewers",
        outcome: "success",
      },
      { time: LATER, actor: "admin", action: "disable", target: "crm", outcome: "success" },
    ]);
    assert.deepEqual((await store.recentAudit(10)).at(-1), {
      time: AT,
      actor: "anonymous",
      action: "sign_in",
      outcome: "failure",
      detail: "wrong token",
    });
  });

  await step("concurrent first enables seed exactly once", async (store) => {
    const results = await Promise.all(
      Array.from(
        { length: 12 },
        () => store.seed("crm", "default", [{ name: "g", permissions: ["x.read"] }], "system", AT),
      ),
    );
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal((await store.groups("default")).length, 1);
  });

  await step(
    "sessions are active until ended, ended one by one or all at once, or expired",
    async (store) => {
      // Sessions are created at the request's time, milliseconds and all.
      const at = "2026-11-26T10:00:00.456Z";
      const now = Math.floor(Date.parse(at) / 1000);
      await store.createSession("s1", now + 60, at);
      await store.createSession("s2", now + 60, at);
      await store.createSession("old", now - 1, at);
      assert.equal(await store.sessionActive("s1", now), true);
      assert.equal(await store.sessionActive("old", now), false, "expired");
      assert.equal(await store.sessionActive("s1", now + 61), false, "expired later");
      assert.equal(await store.sessionActive("nope", now), false);
      await store.endSession("s1");
      assert.equal(await store.sessionActive("s1", now), false, "ended");
      assert.equal(await store.sessionActive("s2", now), true, "the other one lives on");
      assert.ok(await store.endAllSessions() >= 1);
      assert.equal(await store.sessionActive("s2", now), false, "everywhere");
    },
  );

  await step("an audit event keeps at most 256 characters of its free text", async (store) => {
    const long = "é".repeat(6_000);
    await store.appendAudit({
      time: AT,
      actor: long,
      action: "sign_in",
      target: long,
      outcome: "failure",
      detail: long,
    });
    const [event] = await store.recentAudit(1);
    for (const text of [event!.actor, event!.target!, event!.detail!]) {
      assert.equal([...text].length, AUDIT_TEXT_LIMIT);
      assert.ok(text.endsWith("é…"));
    }
  });

  await step("pruneAudit() deletes the events older than the retention", async (store) => {
    await store.appendAudit({ time: AT, actor: "admin", action: "enable", outcome: "success" });
    await store.appendAudit({ time: LATER, actor: "admin", action: "disable", outcome: "success" });
    assert.equal(await store.pruneAudit(LATER), 1);
    assert.deepEqual((await store.recentAudit(10)).map((event) => event.time), [LATER]);
  });

  const run = (id: string, plugin: string, slot: string | null): DbtRun => ({
    id,
    plugin,
    project: `${plugin}_project`,
    status: "queued",
    started_by: slot === null ? "admin" : "schedule",
    slot,
    queued_at: AT,
    started_at: null,
    finished_at: null,
    exit_code: null,
    output: "",
    reason: null,
  });

  await step(
    "dbt runs are kept whole and listed newest first, per plugin or by id",
    async (store) => {
      assert.equal(await store.createDbtRun(run("r1", "crm", null)), true);
      assert.equal(await store.createDbtRun(run("r2", "finance", null)), true);
      assert.equal(
        await store.createDbtRun(run("r3", "crm", null)),
        true,
        "manual runs never clash",
      );
      assert.deepEqual((await store.dbtRuns({ limit: 10 })).map((item) => item.id), [
        "r3",
        "r2",
        "r1",
      ]);
      assert.deepEqual((await store.dbtRuns({ plugin: "crm", limit: 1 })).map((item) => item.id), [
        "r3",
      ]);
      assert.deepEqual(await store.dbtRuns({ id: "r2", limit: 1 }), [run("r2", "finance", null)]);
      assert.deepEqual(await store.dbtRuns({ id: "nope", limit: 1 }), []);
    },
  );

  await step("a scheduled slot makes one run, whoever asks and however often", async (store) => {
    const slot = "2026-11-26T02:00:00.000Z";
    const created = await Promise.all(
      ["a", "b", "c", "d"].map((id) => store.createDbtRun(run(id, "crm", slot))),
    );
    assert.equal(created.filter(Boolean).length, 1);
    assert.equal(
      await store.createDbtRun(run("e", "finance", slot)),
      true,
      "another plugin's slot",
    );
    assert.equal((await store.dbtRuns({ plugin: "crm", limit: 10 })).length, 1);
  });

  await step("a run changes until it finishes, then stays as it is", async (store) => {
    await store.createDbtRun(run("r1", "crm", null));
    const running = await store.updateDbtRun("r1", { status: "running", started_at: LATER });
    assert.equal(running?.status, "running");
    assert.equal(running?.started_at, LATER);
    const done = await store.updateDbtRun("r1", {
      status: "failed",
      finished_at: LATER,
      exit_code: 2,
      output: "line 1\nline 2",
      reason: "dbt exited with 2",
    });
    assert.deepEqual(done, {
      ...run("r1", "crm", null),
      status: "failed",
      started_at: LATER,
      finished_at: LATER,
      exit_code: 2,
      output: "line 1\nline 2",
      reason: "dbt exited with 2",
    });
    assert.equal(await store.updateDbtRun("r1", { status: "succeeded" }), undefined);
    assert.equal((await store.dbtRuns({ id: "r1", limit: 1 }))[0]?.status, "failed");
    assert.equal(await store.updateDbtRun("nope", { status: "running" }), undefined);
  });

  await step("a schedule change is recorded once, with the schedule before it", async (store) => {
    assert.deepEqual(await store.recordDbtSchedule("crm", "0 2 * * *", AT), { previous: null });
    assert.equal(await store.recordDbtSchedule("crm", "0 2 * * *", AT), undefined, "unchanged");
    const changes = await Promise.all(
      [1, 2, 3].map(() => store.recordDbtSchedule("crm", "0 3 * * *", LATER)),
    );
    assert.deepEqual(changes.filter((change) => change !== undefined), [{
      previous: "0 2 * * *",
    }]);
    assert.deepEqual(await store.recordDbtSchedule("crm", null, LATER), {
      previous: "0 3 * * *",
    });
    assert.equal(await store.recordDbtSchedule("crm", null, LATER), undefined);
  });

  await step("a plugin's records: written, read, versioned, compared and set", async (store) => {
    assert.equal(await store.getRecord("crm", "storage", "a"), undefined);
    const first = await store.putRecord("crm", "storage", "a", '{"n":1}', null);
    assert.ok(first, "written when absent");
    assert.equal(await store.putRecord("crm", "storage", "a", '{"n":2}', null), undefined);
    assert.deepEqual(await store.getRecord("crm", "storage", "a"), {
      key: "a",
      value: '{"n":1}',
      version: first,
    });
    const second = await store.putRecord("crm", "storage", "a", '{"n":2}', first);
    assert.ok(second && second !== first, "a new version");
    assert.equal(await store.putRecord("crm", "storage", "a", '{"n":3}', first), undefined);
    const third = await store.putRecord("crm", "storage", "a", '{"n":3}');
    assert.ok(third && third !== second, "an unconditional write");
    assert.equal(await store.deleteRecord("crm", "storage", "a", second), false);
    assert.equal(await store.deleteRecord("crm", "storage", "a", third), true);
    assert.equal(await store.deleteRecord("crm", "storage", "a"), false, "gone");
    const again = await store.putRecord("crm", "storage", "a", '{"n":4}', null);
    assert.equal(
      await store.putRecord("crm", "storage", "a", '{"n":5}', first),
      undefined,
      "a version read before the delete never matches the record written after it",
    );
    assert.ok(again);
  });

  await step("records are the plugin's own, per space", async (store) => {
    await store.putRecord("crm", "storage", "k", '"crm storage"');
    await store.putRecord("crm", "config", "k", '"crm config"');
    await store.putRecord("finance", "storage", "k", '"finance storage"');
    assert.equal((await store.getRecord("crm", "storage", "k"))?.value, '"crm storage"');
    assert.equal((await store.getRecord("crm", "config", "k"))?.value, '"crm config"');
    assert.equal((await store.getRecord("finance", "storage", "k"))?.value, '"finance storage"');
    assert.equal(await store.getRecord("finance", "config", "k"), undefined);
    assert.deepEqual(
      (await store.listRecords("finance", "storage", { limit: 10 })).map((record) => record.key),
      ["k"],
    );
    assert.equal(await store.purgeRecords("crm"), 2);
    assert.equal(await store.getRecord("crm", "storage", "k"), undefined);
    assert.equal((await store.getRecord("finance", "storage", "k"))?.value, '"finance storage"');
  });

  await step("records list by prefix in code-point order, a page at a time", async (store) => {
    for (const key of ["b/2", "a", "b/10", "b/1", "é", "b", "c", "Z"]) {
      await store.putRecord("crm", "storage", key, `"${key}"`);
    }
    const keys = async (query: { prefix?: string; after?: string; limit: number }) =>
      (await store.listRecords("crm", "storage", query)).map((record) => record.key);
    assert.deepEqual(await keys({ limit: 100 }), ["Z", "a", "b", "b/1", "b/10", "b/2", "c", "é"]);
    assert.deepEqual(await keys({ prefix: "b/", limit: 100 }), ["b/1", "b/10", "b/2"]);
    assert.deepEqual(await keys({ prefix: "b/", limit: 2 }), ["b/1", "b/10"]);
    assert.deepEqual(await keys({ prefix: "b/", after: "b/10", limit: 2 }), ["b/2"]);
    assert.deepEqual(await keys({ after: "c", limit: 5 }), ["é"]);
    const [record] = await store.listRecords("crm", "storage", { prefix: "é", limit: 1 });
    assert.equal(record?.value, '"é"');
    assert.equal(record?.version, (await store.getRecord("crm", "storage", "é"))?.version);
  });

  await step("a large record round-trips, and its bytes count towards the quota", async (store) => {
    const large = JSON.stringify("ü".repeat(32 * 1024 - 1)); // 64 KiB of UTF-8
    assert.ok(await store.putRecord("crm", "storage", "big", large));
    assert.equal((await store.getRecord("crm", "storage", "big"))?.value, large);
    await store.putRecord("crm", "storage", "ü", '"x"');
    assert.equal(await store.recordBytes("crm", "storage"), 3 + 65536 + 2 + 3);
    assert.ok(await store.putRecord("crm", "storage", "big", '"small"'));
    assert.equal((await store.getRecord("crm", "storage", "big"))?.value, '"small"');
    assert.equal(await store.recordBytes("crm", "storage"), 3 + 7 + 2 + 3);
    assert.equal(await store.recordBytes("crm", "config"), 0);
  });

  await step(
    "a plugin's storage (ctx.storage) on this store: CAS, pages, quota, its own keys",
    async (store) => {
      const crm = storeStorage(store, "crm", 4096);
      const first = await crm.set("customer/1", { name: "Ada" }, { ifVersion: null });
      await assert.rejects(crm.set("customer/1", {}, { ifVersion: null }), StorageConflict);
      await assert.rejects(crm.set("customer/1", {}, { ifVersion: "stale" }), StorageConflict);
      await crm.set("customer/1", { name: "Ada L." }, { ifVersion: first.version });
      for (const key of ["customer/2", "customer/3", "invoice/1"]) await crm.set(key, key);
      const page = await crm.list({ prefix: "customer/", limit: 2 });
      assert.deepEqual(page.items.map((item) => item.key), ["customer/1", "customer/2"]);
      const rest = await crm.list({ prefix: "customer/", limit: 2, cursor: page.cursor! });
      assert.deepEqual(rest.items.map((item) => item.key), ["customer/3"]);
      await assert.rejects(crm.set("big", "x".repeat(5000)), StorageQuotaExceeded);
      assert.equal(await storeStorage(store, "finance", 4096).get("customer/1"), null);
      assert.deepEqual((await crm.get("customer/1"))?.value, { name: "Ada L." });
      assert.equal(await crm.delete("customer/1"), true);
      assert.equal(await crm.get("customer/1"), null);
    },
  );

  await step(
    "a plugin's settings on this store: typed, the secret sealed, read by another reader",
    async (store) => {
      const key = importSecretsKey(SECRETS_KEY);
      const writer = new PluginConfigs(store, DECLARED, key);
      assert.deepEqual((await writer.view("crm"))?.missing, ["api_url", "api_key"]);
      const change = await writer.change("crm", {
        api_url: "https://crm.example/api",
        api_key: "sk_live_conformance-0123456789",
        page_size: 20,
      });
      assert.equal(change.ok, true);
      const stored = await store.listRecords("crm", "config", { limit: 10 });
      assert.equal(JSON.stringify(stored).includes("sk_live_conformance"), false);
      const reader = new PluginConfigs(store, DECLARED, key);
      await reader.reload();
      assert.deepEqual(reader.current("crm"), {
        values: {
          api_url: "https://crm.example/api",
          api_key: "sk_live_conformance-0123456789",
          page_size: 20,
        },
        missing: [],
      });
      assert.equal((await reader.change("crm", { page_size: null })).ok, true);
      assert.equal((await writer.values("crm")).values.page_size, 50, "the default again");
      assert.equal(await store.purgeRecords("crm"), 2);
      assert.deepEqual((await writer.view("crm"))?.missing, ["api_url", "api_key"]);
    },
  );

  await step(
    "100 concurrent compare-and-set writers: exactly one wins each version",
    async (store) => {
      const start = await store.putRecord("crm", "storage", "counter", "0");
      const results = await Promise.all(
        Array.from(
          { length: 100 },
          (_, writer) => store.putRecord("crm", "storage", "counter", String(writer + 1), start),
        ),
      );
      const winners = results.filter((version) => version !== undefined);
      assert.equal(winners.length, 1);
      const record = await store.getRecord("crm", "storage", "counter");
      assert.equal(record?.version, winners[0]);
      assert.equal(results.indexOf(winners[0]) + 1, Number(record?.value));
    },
  );
}
