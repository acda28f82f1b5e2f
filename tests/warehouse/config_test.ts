/**
 * The warehouse's settings, role names and passwords: URLs checked without repeating them (they
 * hold passwords), bounds enforced, one role per plugin even where names are too long for
 * PostgreSQL, and each role's password kept sealed (remade after a change of key).
 */
import assert from "node:assert/strict";
import { ConfigError } from "../../src/env/mod.ts";
import { importSecretsKey, readDbtConfig } from "../../src/runtime/mod.ts";
import { MemoryStore } from "../../src/state/mod.ts";
import {
  pluginRoleName,
  pluginRoles,
  readWarehouseConfig,
  rolePassword,
} from "../../src/warehouse/mod.ts";

/** The settings as the server reads them: the warehouse URL through the dbt settings' rule. */
const read = (env: Readonly<Record<string, string>>) =>
  readWarehouseConfig(env, readDbtConfig(env).warehouseUrl);

Deno.test("the warehouse's settings: defaults, bounds, and URLs never repeated", () => {
  assert.equal(read({}), undefined);
  const config = read({
    HONEYFRAME_WAREHOUSE_URL: "postgres://dbt:pw@db/warehouse",
  });
  assert.deepEqual([config?.timeoutMs, config?.maxRows, config?.adminUrl], [
    10_000,
    10_000,
    undefined,
  ]);
  for (
    const [env, message] of [
      [
        { HONEYFRAME_WAREHOUSE_URL: "mysql://root:hunter2@db/x" },
        /HONEYFRAME_WAREHOUSE_URL must be a postgres:\/\//,
      ],
      [
        { HONEYFRAME_WAREHOUSE_URL: "postgres://db/x", HONEYFRAME_WAREHOUSE_ADMIN_URL: "hunter2" },
        /HONEYFRAME_WAREHOUSE_ADMIN_URL must be a postgres:\/\//,
      ],
      [
        { HONEYFRAME_WAREHOUSE_ADMIN_URL: "postgres://admin:hunter2@db/x" },
        /needs HONEYFRAME_WAREHOUSE_URL/,
      ],
      [
        { HONEYFRAME_WAREHOUSE_URL: "postgres://db/x", HONEYFRAME_WAREHOUSE_MAX_ROWS: "0" },
        /HONEYFRAME_WAREHOUSE_MAX_ROWS must be a number from 1/,
      ],
    ] as const
  ) {
    assert.throws(() => read(env), (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, message);
      assert.ok(!error.message.includes("hunter2"), "the value is not repeated");
      return true;
    });
  }
});

Deno.test("one role per plugin, within PostgreSQL's 63 bytes", () => {
  assert.equal(pluginRoleName("crm"), "hf_crm");
  const long = "a".repeat(63);
  const other = `${"a".repeat(62)}b`;
  assert.equal(new TextEncoder().encode(pluginRoleName(long)).byteLength, 63);
  assert.notEqual(pluginRoleName(long), pluginRoleName(other), "cut names still differ");
  assert.deepEqual(
    pluginRoles([
      { name: "crm", dbt: { schema: "crm", schemas: ["crm", "crm_marts"] } },
      { name: "plain" },
    ]),
    [{ plugin: "crm", role: "hf_crm", schemas: ["crm", "crm_marts"] }],
  );
});

Deno.test("a role's password is made once, kept sealed, and remade when the key changed", async () => {
  const store = new MemoryStore();
  const first = await importSecretsKey(btoa(String.fromCharCode(...new Uint8Array(32).fill(1))));
  const second = await importSecretsKey(btoa(String.fromCharCode(...new Uint8Array(32).fill(2))));
  const made = await rolePassword(store, first, "crm");
  assert.match(made, /^[\w-]{43}$/);
  assert.equal(await rolePassword(store, first, "crm"), made, "kept, not remade");
  const record = await store.getRecord("crm", "keys", "warehouse_password");
  assert.ok(record && !record.value.includes(made), "sealed, never in the clear");
  // After `secrets rotate` the old sealed value does not open: a new password replaces it.
  const remade = await rolePassword(store, second, "crm");
  assert.notEqual(remade, made);
  assert.equal(await rolePassword(store, second, "crm"), remade);
});
