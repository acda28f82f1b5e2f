/**
 * The example vertical (`examples/crm`), end to end on a real PostgreSQL: a Deno server with the
 * crm plugin bundled (in the host's process) and a customer plugin `ledger` (isolated in a worker)
 * makes each plugin's role and schemas; `plugins dbt run` builds their models into those schemas
 * through the generated profiles, logging in as dbt's own login (a stand-in `dbt build` that really
 * builds: dbt cannot be installed here); then crm's route serves its customers mart behind
 * `crm.read`, its page lists them with a filter that works in Chromium, its dashboard block counts
 * them, and the isolated plugin reads its own table through the host but not crm's.
 */
import { runBrowserScript } from "../helpers/browser.ts";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import postgres from "postgres";
import { runCli } from "../../src/cli/mod.ts";
import { buildServerEntry } from "../helpers/build.ts";
import { makeBuildingDbt } from "../helpers/dbt_build_standin.ts";
import { JWT_SECRET, tokenFor } from "../helpers/jwt.ts";
import { createLogin, startPostgres } from "../helpers/postgres.ts";
import { isolatingDenoServer, startServer } from "../helpers/process.ts";
import { needs } from "../helpers/system_tools.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

const TOKEN = "crm-vertical-admin-token-0123";
const KEY = btoa(String.fromCharCode(...new Uint8Array(32).fill(9)));
const EXAMPLE = resolve("examples/crm");

/** Every file of the example, under `plugins/crm/` (the bundled plugins' folder). */
function exampleFiles(): Record<string, string> {
  return Object.fromEntries(
    readdirSync(EXAMPLE, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const path = join(entry.parentPath, entry.name);
        return [`plugins/crm/${relative(EXAMPLE, path)}`, readFileSync(path, "utf8")];
      }),
  );
}

/** An isolated customer plugin with a dbt workspace of one seed, and a router that reads. */
const LEDGER = {
  "data/plugins/ledger/plugin.yaml": manifest(
    "ledger",
    "routers:",
    "  - r.ts:router",
    "dbt_workspace: dbt/",
  ),
  "data/plugins/ledger/r.ts": `import { Hono } from "hono";
import { pluginContext, WarehouseError } from "@honeyframe/edge";
const read = (sql: string) => async (c: any) => {
  try {
    return c.json(await pluginContext(c).warehouse.query(sql));
  } catch (error) {
    if (!(error instanceof WarehouseError)) throw error;
    return c.json({ code: error.code, message: error.message }, 400);
  }
};
export const router = new Hono()
  .get("/entries", read("SELECT id, account, amount FROM ledger.entries ORDER BY id"))
  .get("/peek", read("SELECT * FROM crm_marts.customers"));`,
  "data/plugins/ledger/dbt/dbt_project.yml": "name: ledger\nprofile: ledger\n",
  "data/plugins/ledger/dbt/seeds/entries.csv": "id,account,amount\n1,sales,120\n2,rent,-80\n",
};

async function within<T>(what: string, ms: number, probe: () => Promise<T | undefined>) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not happen within ${ms} ms`);
}

Deno.test(
  "the crm vertical: dbt builds the mart, its route, page and block read it",
  needs("chromium", "postgresql"),
  async (t) => {
    await using pg = await startPostgres({ passwords: true });
    const adminUrl = await pg.createDatabase();
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    // dbt's own login: it may not create schemas; the host makes them and lets it build there.
    const warehouseUrl = await createLogin(adminUrl, "dbt_builder", "dbt-builder-password");
    using tree = makeTree({ ...exampleFiles(), ...LEDGER });
    using dbt = makeBuildingDbt();
    const entry = await buildServerEntry(tree.root, { installDir: tree.root });
    const env = {
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: join(tree.root, "data"),
      INSTALL_DIR: tree.root,
      HONEYFRAME_ADMIN_TOKEN: TOKEN,
      HONEYFRAME_JWT_SECRET: JWT_SECRET,
      HONEYFRAME_SECRETS_KEY: KEY,
      HONEYFRAME_WAREHOUSE_URL: warehouseUrl.href,
      HONEYFRAME_WAREHOUSE_ADMIN_URL: adminUrl,
    };
    await using server = await startServer(isolatingDenoServer(entry, env));
    const viewer = await tokenFor({ sub: "ana", org: "default", groups: ["crm_viewer"] });
    const stranger = await tokenFor({ sub: "bob", org: "default", groups: ["nobody"] });
    const customers = (token?: string, query = "") =>
      fetch(`${server.url}/api/crm/customers${query}`, {
        headers: token ? { Authorization: `Bearer ${token}` } : {},
      });

    try {
      await t.step("the host makes both plugins' roles and schemas at start", async () => {
        assert.match(server.output(), /Warehouse: 127\.0\.0\.1:\d+\/honeyframe_1; plugins read/);
        const schemas = await within(`provisioning\n${server.output()}`, 15_000, async () => {
          const rows = await admin.unsafe(
            "SELECT nspname FROM pg_namespace WHERE nspname IN ('crm', 'crm_marts', 'ledger') ORDER BY 1",
          );
          return rows.length === 3 ? rows.map((row) => row.nspname) : undefined;
        });
        assert.deepEqual(schemas, ["crm", "crm_marts", "ledger"]);
        const before = await customers(viewer);
        assert.equal(before.status, 503);
        assert.match(
          (await before.json()).message,
          /not built yet: run `npx deno task plugins dbt run crm`/,
        );
      });

      await t.step("`plugins dbt run` builds each plugin's models into its schemas", async () => {
        const cliEnv = {
          ...env,
          HONEYFRAME_DBT_COMMAND: dbt.command,
          PATH: Deno.env.get("PATH") ?? "",
          HOME: tree.root,
        };
        const lines: string[] = [];
        const io = {
          out: (line: string) => lines.push(line),
          err: (line: string) => lines.push(line),
        };
        for (const plugin of ["crm", "ledger"]) {
          const flags = ["--install-dir", tree.root, "--data-dir", env.DATA_DIR];
          const code = await runCli(
            ["dbt", "run", plugin, ...flags, "--out", join(tree.root, "gen/registry.ts")],
            cliEnv,
            { ...io, input: () => Promise.resolve("") },
          );
          assert.equal(code, 0, lines.join("\n"));
        }
        const built = await admin.unsafe(
          "SELECT schemaname || '.' || tablename AS name, tableowner FROM pg_tables " +
            "WHERE schemaname IN ('crm', 'crm_marts', 'ledger') ORDER BY 1",
        );
        assert.deepEqual(built.map((row) => [row.name, row.tableowner]), [
          ["crm.raw_customers", "dbt_builder"],
          ["crm.raw_orders", "dbt_builder"],
          ["crm_marts.customers", "dbt_builder"],
          ["ledger.entries", "dbt_builder"],
        ]);
      });

      await t.step("GET /api/crm/customers serves the mart behind crm.read", async () => {
        assert.equal((await customers()).status, 401);
        const refused = await customers(stranger);
        assert.equal(refused.status, 403);
        await refused.body?.cancel();
        const response = await customers(viewer);
        assert.equal(response.status, 200);
        const body = await response.json();
        assert.equal(body.customers.length, 8);
        assert.deepEqual(body.customers[0], {
          customer_id: 4,
          full_name: "Katherine Johnson",
          number_of_orders: 3,
          first_order: "2026-02-28",
          most_recent_order: "2026-05-09",
          lifetime_value: "315.75",
        });
        // Returned orders do not count: Donald Knuth's only order was returned.
        const knuth = body.customers.find((c: { customer_id: number }) => c.customer_id === 7);
        assert.deepEqual([knuth.number_of_orders, knuth.lifetime_value], [0, "0"]);
        const filtered = await (await customers(viewer, "?q=ADA")).json();
        assert.deepEqual(filtered.customers.map((c: { full_name: string }) => c.full_name), [
          "Ada Lovelace",
        ]);
      });

      await t.step(
        "the isolated plugin reads its own table through the host, not crm's",
        async () => {
          const entries = await fetch(`${server.url}/api/ledger/entries`);
          assert.equal(entries.status, 200);
          assert.deepEqual((await entries.json()).rows, [
            { id: 1, account: "sales", amount: 120 },
            { id: 2, account: "rent", amount: -80 },
          ]);
          const peek = await fetch(`${server.url}/api/ledger/peek`);
          assert.equal(peek.status, 400);
          assert.equal((await peek.json()).code, "42501");
        },
      );

      await t.step("in Chromium: the page lists and filters, the dashboard counts", async () => {
        const { code, text } = await runBrowserScript(
          "tests/e2e/crm_vertical.mjs",
          [server.url, TOKEN],
          90_000,
        );
        assert.equal(code, 0, text);
        assert.match(text, /crm vertical: all steps passed/);
      });
    } finally {
      await admin.end();
    }
  },
);
