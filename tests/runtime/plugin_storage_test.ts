/**
 * A plugin's storage over the state store: pages through a listing with its cursor, keeps to its
 * quota, refuses what it cannot store, and never reaches another plugin's keys.
 */
import assert from "node:assert/strict";
import { MemoryStore } from "../../src/state/mod.ts";
import {
  InvalidStorageInput,
  StorageConflict,
  StorageQuotaExceeded,
  storeStorage,
} from "../../src/runtime/mod.ts";

Deno.test("a plugin's storage lists a page at a time, keeps its quota and refuses bad input", async () => {
  const store = new MemoryStore();
  const crm = storeStorage(store, "crm", 200);
  for (const key of ["note/é", "note/a", "note/b", "other"]) await crm.set(key, { key });
  const first = await crm.list({ prefix: "note/", limit: 2 });
  assert.deepEqual(first.items.map((item) => item.key), ["note/a", "note/b"]);
  assert.ok(first.cursor);
  const second = await crm.list({ prefix: "note/", limit: 2, cursor: first.cursor });
  assert.deepEqual(second.items.map((item) => item.key), ["note/é"]);
  assert.equal(second.cursor, undefined, "the last page has no cursor");
  await assert.rejects(crm.list({ cursor: "%%%" }), InvalidStorageInput);

  await assert.rejects(crm.set("big", "x".repeat(200)), StorageQuotaExceeded);
  await crm.set("other", "y".repeat(60), { ifVersion: (await crm.get("other"))!.version });
  await assert.rejects(crm.set("other", 1, { ifVersion: null }), StorageConflict);
  await assert.rejects(crm.set("", 1), InvalidStorageInput);
  await assert.rejects(crm.set("k", undefined), InvalidStorageInput);
  await assert.rejects(crm.set("k", "z".repeat(70_000)), InvalidStorageInput);

  const finance = storeStorage(store, "finance", 200);
  assert.equal(await finance.get("other"), null);
  assert.deepEqual((await finance.list()).items, []);
});
