/**
 * Plugins read the warehouse as their own PostgreSQL roles, on a real cluster that checks
 * passwords: a plugin reads its schemas and nothing else, whatever SQL it sends — another plugin's
 * table, a role switched inside `query_to_xml`, writes, `reset role`, a statement that never ends
 * — and tables dbt drops and recreates stay readable. dbt logs in as a login of its own, as in
 * production.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import postgres from "postgres";
import {
  createApp,
  importSecretsKey,
  pluginContext,
  WarehouseError,
} from "../../src/runtime/mod.ts";
import { answerContext, remoteContext } from "../../src/runtime/plugins/context_frames.ts";
import { createLogger } from "../../src/log/mod.ts";
import { MemoryStore } from "../../src/state/mod.ts";
import { openWarehouses, type WarehouseConfig } from "../../src/warehouse/mod.ts";
import { createLogin, startPostgres } from "../helpers/postgres.ts";
import { registryOf } from "../helpers/registry.ts";
import { freePort } from "../helpers/ports.ts";
import { needs } from "../helpers/system_tools.ts";

const KEY = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));
const TIMEOUT_MS = 800;
const MAX_ROWS = 50;
const ROLES = [
  { plugin: "crm", role: "hf_crm", schemas: ["crm", "crm_marts"] },
  { plugin: "finance", role: "hf_finance", schemas: ["finance"] },
];

/** A plugin's router that runs what the test sends on its warehouse. */
const reader = new Hono()
  .post("/query", async (c) => {
    const { sql, params } = await c.req.json();
    try {
      return c.json(await pluginContext(c).warehouse.query(sql, params));
    } catch (error) {
      const { name, code, message } = error as WarehouseError;
      return c.json({ name, code, message }, 400);
    }
  })
  .get("/tables", async (c) => c.json(await pluginContext(c).warehouse.tables()));

Deno.test(
  "plugins read the warehouse as their own roles, and nothing else",
  needs("postgresql"),
  async (t) => {
    await using pg = await startPostgres({ passwords: true });
    const adminUrl = await pg.createDatabase();
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    const dbtUrl = await createLogin(adminUrl, "dbt_builder", "dbt-password");
    const dbt = postgres(dbtUrl.href, { max: 1, onnotice: () => {} });
    const store = new MemoryStore();
    const lines: string[] = [];
    const log = createLogger({ format: "json", write: (line) => lines.push(line) });
    const config: WarehouseConfig = {
      url: dbtUrl,
      adminUrl: new URL(adminUrl),
      timeoutMs: TIMEOUT_MS,
      maxRows: MAX_ROWS,
    };
    const opened = await openWarehouses({
      config,
      store,
      key: importSecretsKey(KEY),
      roles: ROLES,
      log,
    });
    const app = createApp(
      registryOf({ crm: reader, finance: reader, plain: reader }),
      { warehouses: opened.warehouses, log, secretsKey: KEY },
    );
    const query = async (plugin: string, sql: string, params: unknown[] = []) => {
      const response = await app.request(`/api/${plugin}/query`, {
        method: "POST",
        body: JSON.stringify({ sql, params }),
        headers: { "content-type": "application/json", "x-request-id": `req-${plugin}` },
      });
      return { status: response.status, body: await response.json() };
    };
    try {
      await t.step("the host makes each role and its schemas on first use", async () => {
        const tables = await app.request("/api/crm/tables");
        assert.equal(tables.status, 200);
        assert.deepEqual(await tables.json(), []);
        await opened.warehouses("finance").tables();
        const roles = await admin.unsafe(
          "SELECT rolname, rolcanlogin, rolsuper, rolinherit, rolcreaterole FROM pg_roles " +
            "WHERE rolname LIKE 'hf_%' ORDER BY 1",
        );
        assert.deepEqual(roles.map((row) => ({ ...row })), [
          {
            rolname: "hf_crm",
            rolcanlogin: true,
            rolsuper: false,
            rolinherit: false,
            rolcreaterole: false,
          },
          {
            rolname: "hf_finance",
            rolcanlogin: true,
            rolsuper: false,
            rolinherit: false,
            rolcreaterole: false,
          },
        ]);
        // dbt builds the models, as its own login, after the host provisioned the schemas.
        await dbt.unsafe(
          "CREATE TABLE crm.customers AS SELECT g AS id, 'customer ' || g AS name, " +
            "g::int8 AS lifetime_value, date '2026-01-01' + g AS first_order FROM generate_series(1, 3) g",
        );
        await dbt.unsafe(
          "CREATE VIEW crm_marts.customer_count AS SELECT count(*) AS n FROM crm.customers",
        );
        await dbt.unsafe("CREATE TABLE finance.secret AS SELECT 'the payroll' AS line");
      });

      await t.step(
        "the password is generated, sealed in the state store, and logs in",
        async () => {
          const kept = await store.getRecord("crm", "keys", "warehouse_password");
          assert.ok(kept, "the sealed password is in the store");
          assert.match(JSON.parse(kept.value), /^aesgcm1:/);
          // Its storage space (what the plugin's code reaches) holds nothing.
          assert.deepEqual(await store.listRecords("crm", "storage", { limit: 10 }), []);
          const sessions = await admin.unsafe(
            "SELECT DISTINCT usename, application_name FROM pg_stat_activity WHERE usename LIKE 'hf_%' ORDER BY 1",
          );
          assert.deepEqual(sessions.map((row) => ({ ...row })), [
            { usename: "hf_crm", application_name: "honeyframe:crm" },
            { usename: "hf_finance", application_name: "honeyframe:finance" },
          ]);
        },
      );

      await t.step("a plugin reads its own tables, as plain data", async () => {
        const { status, body } = await query(
          "crm",
          "SELECT id, name, lifetime_value, first_order FROM crm.customers WHERE id >= $1 ORDER BY id",
          [2],
        );
        assert.equal(status, 200);
        assert.deepEqual(body.rows, [
          { id: 2, name: "customer 2", lifetime_value: "2", first_order: "2026-01-03" },
          { id: 3, name: "customer 3", lifetime_value: "3", first_order: "2026-01-04" },
        ]);
        assert.deepEqual(body.fields, [
          { name: "id", type: "int4" },
          { name: "name", type: "text" },
          { name: "lifetime_value", type: "int8" },
          { name: "first_order", type: "date" },
        ]);
        const view = await query("crm", "SELECT n FROM crm_marts.customer_count");
        assert.deepEqual(view.body.rows, [{ n: "3" }]);
        const tables = await (await app.request("/api/crm/tables")).json();
        assert.deepEqual(tables, [
          { schema: "crm", name: "customers", kind: "table" },
          { schema: "crm_marts", name: "customer_count", kind: "view" },
        ]);
      });

      await t.step("another plugin's table is refused by PostgreSQL", async () => {
        const stolen = await query("crm", "SELECT * FROM finance.secret");
        assert.equal(stolen.status, 400);
        assert.equal(stolen.body.name, "WarehouseError");
        assert.equal(stolen.body.code, "42501");
        assert.match(stolen.body.message, /permission denied for (schema|table) (finance|secret)/);
        const back = await query("finance", "SELECT * FROM crm.customers");
        assert.equal(back.body.code, "42501");
      });

      await t.step("switching roles from inside a statement is refused", async () => {
        const escape = await query(
          "crm",
          "SELECT query_to_xml('SELECT set_config(''role'', ''hf_finance'', true), * FROM finance.secret', true, false, '')",
        );
        assert.equal(escape.body.code, "42501", JSON.stringify(escape.body));
        const setRole = await query("crm", "SELECT set_config('role', 'hf_finance', false)");
        assert.equal(setRole.body.code, "42501", JSON.stringify(setRole.body));
        const asDbt = await query("crm", "SELECT set_config('role', 'dbt_builder', false)");
        assert.equal(asDbt.body.code, "42501", JSON.stringify(asDbt.body));
      });

      await t.step(
        "writes and DDL are refused (read-only), in the plugin's schema too",
        async () => {
          const refusals: [string, string][] = [
            ["INSERT INTO crm.customers (id, name) VALUES (99, 'forged')", "25006"],
            ["UPDATE crm.customers SET name = 'forged'", "25006"],
            ["DELETE FROM crm.customers", "25006"],
            ["DROP TABLE crm.customers", "25006"],
            ["CREATE TABLE crm.mine (id int)", "25006"],
            // Read-only cannot be turned off from inside the transaction.
            ["SELECT set_config('transaction_read_only', 'off', false)", "25001"],
          ];
          for (const [sql, code] of refusals) {
            const { status, body } = await query("crm", sql);
            assert.equal(status, 400, sql);
            assert.equal(body.code, code, `${sql}: ${JSON.stringify(body)}`);
          }
          const rows = await admin.unsafe("SELECT count(*)::int AS n FROM crm.customers");
          assert.equal(rows[0]!.n, 3, "nothing was written");
        },
      );

      await t.step("more than one statement, and `reset role`, change nothing", async () => {
        const chained = await query("crm", "RESET ROLE; SELECT * FROM finance.secret");
        assert.equal(chained.body.code, "42601", JSON.stringify(chained.body));
        const reset = await query("crm", "RESET ROLE");
        assert.equal(reset.status, 200);
        const after = await query("crm", "SELECT * FROM finance.secret");
        assert.equal(after.body.code, "42501", "still the plugin's own role");
        const who = await query("crm", "SELECT current_user, session_user");
        assert.deepEqual(who.body.rows, [{ current_user: "hf_crm", session_user: "hf_crm" }]);
      });

      await t.step("a statement that never ends is cut at the timeout", async () => {
        const started = performance.now();
        const { body } = await query("crm", "SELECT pg_sleep(10)");
        const took = performance.now() - started;
        assert.equal(body.code, "57014", JSON.stringify(body));
        assert.match(body.message, /HONEYFRAME_WAREHOUSE_TIMEOUT_MS/);
        assert.ok(took < 5000, `cut after ${Math.round(took)} ms, not 10 s`);
        // The pool is usable again at once.
        assert.equal((await query("crm", "SELECT 1 AS one")).status, 200);
      });

      await t.step("the row cap fails a query that returns more, never cuts it", async () => {
        const atCap = await query("crm", `SELECT g FROM generate_series(1, ${MAX_ROWS}) g`);
        assert.equal(atCap.body.rows.length, MAX_ROWS);
        const over = await query("crm", "SELECT g FROM generate_series(1, 1000000) g");
        assert.equal(over.body.code, "too_many_rows");
        assert.match(over.body.message, /more than 50 rows/);
      });

      await t.step("a table dbt drops and recreates stays readable", async () => {
        await dbt.begin(async (tx) => {
          await tx.unsafe("DROP VIEW crm_marts.customer_count");
          await tx.unsafe("DROP TABLE crm.customers");
          await tx.unsafe("CREATE TABLE crm.customers AS SELECT 7 AS id, 'rebuilt' AS name");
        });
        const { status, body } = await query("crm", "SELECT id, name FROM crm.customers");
        assert.equal(status, 200, JSON.stringify(body));
        assert.deepEqual(body.rows, [{ id: 7, name: "rebuilt" }]);
      });

      await t.step("bad input and a plugin without a schema get typed errors", async () => {
        assert.equal((await query("crm", "")).body.code, "invalid_input");
        assert.equal(
          (await query("crm", "SELECT $1", [{ an: "object" }])).body.code,
          "invalid_input",
        );
        const none = await query("plain", "SELECT 1");
        assert.equal(none.body.code, "no_schema");
        assert.match(none.body.message, /plain has no dbt workspace/);
      });

      await t.step("failures are logged with the plugin, the request id and the code", () => {
        const refused = lines.map((line) => JSON.parse(line)).filter((entry) =>
          entry.warehouse_code === "42501" && entry.plugin === "crm"
        );
        assert.ok(refused.length > 0, lines.join("\n"));
        assert.equal(refused[0].request_id, "req-crm");
        assert.ok(lines.every((line) => !line.includes("dbt-password")));
      });

      await t.step("across the boundary: an isolated plugin's query runs in the host", async () => {
        const hostSide = {
          storage: undefined as never,
          warehouse: opened.warehouses("crm"),
        };
        const remote = remoteContext(
          {},
          async (ask) =>
            JSON.parse(
              JSON.stringify(await answerContext(hostSide, JSON.parse(JSON.stringify(ask)))),
            ),
          () => {},
        );
        const { rows } = await remote.warehouse.query("SELECT name FROM crm.customers");
        assert.deepEqual(rows, [{ name: "rebuilt" }]);
        const refused = await remote.warehouse.query("SELECT * FROM finance.secret").catch((e) =>
          e
        );
        assert.ok(refused instanceof WarehouseError);
        assert.equal(refused.code, "42501");
        assert.deepEqual(await remote.warehouse.tables(), [
          { schema: "crm", name: "customers", kind: "table" },
        ]);
      });
    } finally {
      await opened.close();
      await dbt.end();
      await admin.end();
    }
  },
);

Deno.test("an unreachable warehouse is `unavailable`, naming no host or port", async () => {
  const port = freePort();
  const lines: string[] = [];
  const opened = await openWarehouses({
    config: {
      url: new URL(`postgres://dbt:secret-pw@127.0.0.1:${port}/warehouse`),
      timeoutMs: 500,
      maxRows: 10,
    },
    store: new MemoryStore(),
    key: importSecretsKey(KEY),
    roles: ROLES,
    log: createLogger({ format: "json", write: (line) => lines.push(line) }),
  });
  try {
    const failure = await opened.warehouses("crm").query("SELECT 1").catch((error) => error);
    assert.ok(failure instanceof WarehouseError);
    assert.equal(failure.code, "unavailable");
    assert.ok(!failure.message.includes(String(port)) && !failure.message.includes("127.0.0.1"));
    assert.ok(lines.some((line) => line.includes("could not be reached for plugin crm")));
  } finally {
    await opened.close();
  }
});

Deno.test("without the secrets key, plugins' calls say what to set", async () => {
  const opened = await openWarehouses({
    config: { url: new URL("postgres://dbt@127.0.0.1:1/warehouse"), timeoutMs: 500, maxRows: 10 },
    store: new MemoryStore(),
    roles: ROLES,
    log: createLogger({ write: () => {} }),
  });
  const failure = await opened.warehouses("crm").tables().catch((error) => error);
  assert.equal(failure.code, "not_configured");
  assert.match(failure.message, /HONEYFRAME_SECRETS_KEY/);
  await opened.close();
});
