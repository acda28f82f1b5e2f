/**
 * Attack: racing the lifecycle. Hundreds of concurrent random enable/disable requests on one
 * plugin: afterwards what the server serves equals what the store holds, and a restarted server
 * serves the same.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createApp, PluginLifecycle, type Registry } from "../../src/runtime/mod.ts";
import type { StateStore } from "../../src/state/mod.ts";
import { openSqlStore } from "../../src/state/sql_store.ts";
import { sqliteDriver } from "../../src/state/sqlite_driver.ts";
import { postgresDriver } from "../../src/state/postgres_driver.ts";
import { loadRegistry } from "../helpers/build.ts";
import { startPostgres } from "../helpers/postgres.ts";
import { makeTree } from "../helpers/tree.ts";
import { SILENT_LOGGER } from "../../src/log/mod.ts";
import { needs } from "../helpers/system_tools.ts";

const TOKEN = "lifecycle-race-admin-token";

/** A seeded random sequence (the same requests on every run). */
function* randomBooleans(seed: number, count: number): Generator<boolean> {
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    yield state % 2 === 0;
  }
}

/** Races 300 random requests and one last one of each kind, each round on a fresh store. */
async function race(registry: Registry, open: () => Promise<StateStore>): Promise<void> {
  for (const last of [false, true]) await raceOnce(registry, open, last);
}

async function raceOnce(
  registry: Registry,
  open: () => Promise<StateStore>,
  last: boolean,
): Promise<void> {
  const store = await open();
  const lifecycle = new PluginLifecycle(registry, store);
  await lifecycle.ready();
  const app = createApp(registry, { adminToken: TOKEN, lifecycle, log: SILENT_LOGGER });
  // All in flight at once, straight to the lifecycle (what the admin API and UI handlers call):
  // the last call made is the one that must win, in the store and in what is served.
  const requests = [...randomBooleans(20261126, 300), last].map((enable) =>
    lifecycle.setEnabled("_demo", enable, "admin").then((refusal) =>
      assert.equal(refusal, undefined)
    )
  );
  await Promise.all(requests);
  const stored = (await store.pluginStates()).find((state) => state.name === "_demo")!;
  assert.equal(stored.enabled, last, "the last call won in the store");
  assert.equal(lifecycle.isEnabled("_demo"), stored.enabled, "served equals stored");
  const served = (await app.request("/api/_demo/ping")).status;
  assert.equal(served, stored.enabled ? 200 : 404);
  lifecycle.close();
  await store.close();

  await using reopened = await open();
  const restarted = new PluginLifecycle(registry, reopened);
  await restarted.ready();
  assert.equal(restarted.isEnabled("_demo"), stored.enabled, "a restart serves the same");
  restarted.close();
}

Deno.test("concurrent enables and disables on SQLite: served equals stored, also after a restart", async () => {
  using tree = makeTree();
  const registry = await loadRegistry(tree.root, { installDir: Deno.cwd() });
  let opened = 0;
  await race(registry, async () => {
    // a fresh database per round; the second open of a round is the restart
    const path = join(tree.root, `state/${Math.floor(opened++ / 2)}.db`);
    return await openSqlStore(await sqliteDriver(path), { kind: "sqlite", shared: false });
  });
});

Deno.test(
  "concurrent enables and disables on PostgreSQL: served equals stored, also after a restart",
  needs("postgresql"),
  async () => {
    using tree = makeTree();
    const registry = await loadRegistry(tree.root, { installDir: Deno.cwd() });
    await using cluster = await startPostgres();
    let opened = 0;
    let url = "";
    await race(registry, async () => {
      if (opened++ % 2 === 0) url = await cluster.createDatabase();
      return await openSqlStore(postgresDriver(url), { kind: "postgres", shared: false });
    });
  },
);
