import assert from "node:assert/strict";
import { join } from "node:path";
import { openSqlStore } from "../../src/state/sql_store.ts";
import { sqliteDriver } from "../../src/state/sqlite_driver.ts";
import { makeTree } from "../helpers/tree.ts";
import { stateStoreConformance } from "./conformance.ts";

const open = async (path: string) =>
  openSqlStore(await sqliteDriver(path), { kind: "sqlite", shared: false });

Deno.test("the SQLite store passes the state store conformance suite", async (t) => {
  using tree = makeTree();
  let databases = 0;
  await stateStoreConformance(t, () => open(join(tree.root, `db-${++databases}/honeyframe.db`)));
});

Deno.test("the SQLite store keeps its state across reopening, and migrates once", async () => {
  using tree = makeTree();
  const path = join(tree.root, "data/honeyframe.db");
  const first = await open(path);
  await first.setEnabled("crm", false, "admin", "2026-11-26T10:00:00.000Z");
  await first.close();
  await using second = await open(path);
  assert.deepEqual(await second.pluginStates(), [{ name: "crm", enabled: false, seeded: false }]);
  const versions = await second.driver.query<{ version: number }>(
    "SELECT version FROM schema_migrations",
  );
  assert.deepEqual(versions.map((row) => Number(row.version)), [1, 2, 3, 4]);
});
