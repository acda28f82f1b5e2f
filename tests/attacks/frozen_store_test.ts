/**
 * Attack: a database that stops answering. With PostgreSQL frozen (SIGSTOP), a request that needs
 * the store fails after the query time limit instead of hanging; once it thaws, requests succeed
 * again.
 */
import assert from "node:assert/strict";
import { openStore, QueryTimeout } from "../../src/state/mod.ts";
import { startPostgres } from "../helpers/postgres.ts";
import { needs } from "../helpers/system_tools.ts";

Deno.test(
  "a frozen PostgreSQL fails queries after the time limit, and they work again once it thaws",
  needs("postgresql"),
  async () => {
    await using cluster = await startPostgres();
    const url = await cluster.createDatabase();
    await using store = await openStore({ kind: "postgres", url }, 1_000);
    await store.setEnabled("crm", false, "admin", "2026-11-26T10:00:00.000Z");
    await cluster.signal("SIGSTOP");
    try {
      const started = Date.now();
      await assert.rejects(store.pluginStates(), QueryTimeout);
      await assert.rejects(store.seed("crm", "default", [], "system", "2026-11-26T10:00:00.000Z"));
      assert.ok(Date.now() - started < 5_000, "both failed within their limits");
    } finally {
      await cluster.signal("SIGCONT");
    }
    const deadline = Date.now() + 10_000;
    let states;
    while (!states && Date.now() < deadline) {
      states = await store.pluginStates().catch(() => undefined);
    }
    assert.deepEqual(states, [{ name: "crm", enabled: false, seeded: false }]);
  },
);
