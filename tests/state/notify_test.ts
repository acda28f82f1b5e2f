/**
 * Instances sharing PostgreSQL hear of each other's plugin-state changes at once (LISTEN/NOTIFY),
 * with polling switched off to prove it, and miss none across a lost and restored connection.
 */
import assert from "node:assert/strict";
import { PluginLifecycle, type Registry } from "../../src/runtime/mod.ts";
import { postgresDriver } from "../../src/state/postgres_driver.ts";
import { openSqlStore } from "../../src/state/sql_store.ts";
import { loadRegistry } from "../helpers/build.ts";
import { startPostgres } from "../helpers/postgres.ts";
import { needs } from "../helpers/system_tools.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

/** Waits until `check` holds; returns how long it took (bounded). */
async function until(check: () => boolean, limitMs: number): Promise<number> {
  const started = performance.now();
  while (!check()) {
    if (performance.now() - started > limitMs) throw new Error(`not within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - started;
}

/** The first write after connections were lost may meet a dead pooled one: it is retried. */
async function retried(write: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await write();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

Deno.test(
  "a change on one instance reaches another within 1 s, and none is lost across a reconnect",
  needs("postgresql"),
  async () => {
    await using cluster = await startPostgres();
    const url = await cluster.createDatabase();
    using tree = makeTree({ "plugins/crm/plugin.yaml": manifest("crm") });
    const registry: Registry = await loadRegistry(tree.root);
    // Polling every ten minutes: only notifications can explain what the test sees.
    const instance = async () => {
      const store = await openSqlStore(postgresDriver(url), { kind: "postgres", shared: true });
      const lifecycle = new PluginLifecycle(registry, store, { refreshMs: 600_000 });
      await lifecycle.ready();
      return { store, lifecycle };
    };
    const a = await instance();
    const b = await instance();
    try {
      assert.equal(b.lifecycle.isEnabled("crm"), true);
      await a.lifecycle.setEnabled("crm", false, "admin");
      const seen = await until(() => !b.lifecycle.isEnabled("crm"), 1_000);
      assert.ok(seen < 1_000, `seen after ${seen.toFixed(0)} ms`);

      await cluster.stop();
      await cluster.start();
      await retried(() => a.lifecycle.setEnabled("crm", true, "admin"));
      await until(() => b.lifecycle.isEnabled("crm"), 15_000);
      await a.lifecycle.setEnabled("crm", false, "admin");
      const again = await until(() => !b.lifecycle.isEnabled("crm"), 1_000);
      assert.ok(again < 1_000, `after the reconnect, seen after ${again.toFixed(0)} ms`);

      // Every other connection to the database is dropped, the listening ones included, and the
      // change is made before they are back: its notification is lost, and the refresh on
      // re-listening must find it.
      const dropped = await a.store.driver.query<{ pid: number }>(
        `SELECT pg_terminate_backend(pid) AS pid FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      assert.ok(dropped.length >= 2, `${dropped.length} connections dropped`);
      await retried(() => a.lifecycle.setEnabled("crm", true, "admin"));
      await until(() => b.lifecycle.isEnabled("crm"), 5_000);
    } finally {
      for (const { store, lifecycle } of [a, b]) {
        lifecycle.close();
        await store.close();
      }
    }
  },
);
