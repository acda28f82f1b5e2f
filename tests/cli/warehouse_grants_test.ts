/**
 * `plugins warehouse grants`, the DBA's way: its SQL, run with psql by a superuser, gives each plugin
 * with a dbt workspace its login role and schemas; a host without an admin URL then reads as those
 * roles with the passwords the CLI sealed in the state store; a plugin the DBA has not provisioned
 * is told so. Run twice, the SQL is the same (the passwords are kept, not remade).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import postgres from "postgres";
import { runCli } from "../../src/cli/mod.ts";
import { createLogger } from "../../src/log/mod.ts";
import { importSecretsKey, WarehouseError } from "../../src/runtime/mod.ts";
import { chooseStore, openStore } from "../../src/state/mod.ts";
import { openWarehouses } from "../../src/warehouse/mod.ts";
import { createLogin, startPostgres } from "../helpers/postgres.ts";
import { needs, postgresBinaries } from "../helpers/system_tools.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

const KEY = btoa(String.fromCharCode(...new Uint8Array(32).fill(11)));

function dbtPlugin(name: string): Record<string, string> {
  return {
    [`data/plugins/${name}/plugin.yaml`]: manifest(name, "dbt_workspace: dbt/"),
    [`data/plugins/${name}/dbt/dbt_project.yml`]:
      `name: ${name}\nprofile: ${name}\nmodels:\n  ${name}:\n    marts:\n      +schema: marts\n`,
    [`data/plugins/${name}/dbt/models/marts/totals.sql`]: "select 1 as n\n",
  };
}

Deno.test(
  "the DBA's grants let a host without an admin URL read as plugin roles",
  needs("postgresql"),
  async () => {
    await using pg = await startPostgres({ passwords: true });
    const superuser = await pg.createDatabase();
    const warehouseUrl = await createLogin(superuser, "dbt_builder", "dbt-builder-password");
    using tree = makeTree({ ...dbtPlugin("crm"), ...dbtPlugin("finance") });
    const dataDir = join(tree.root, "data");
    const grants = async (env: Record<string, string>) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(
        ["warehouse", "grants", "--install-dir", tree.root, "--data-dir", dataDir],
        { HONEYFRAME_WAREHOUSE_URL: warehouseUrl.href, ...env },
        {
          out: (line) => out.push(line),
          err: (line) => err.push(line),
          input: () => Promise.resolve(""),
        },
      );
      return { code, out: out.join("\n"), err: err.join("\n") };
    };
    const refused = await grants({});
    assert.equal(refused.code, 1);
    assert.match(refused.out + refused.err, /set HONEYFRAME_SECRETS_KEY as the server has it/);

    const first = await grants({ HONEYFRAME_SECRETS_KEY: KEY });
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /^BEGIN;$/m);
    assert.match(first.out, /CREATE SCHEMA IF NOT EXISTS "crm_marts";/);
    assert.match(first.out, /GRANT USAGE, CREATE ON SCHEMA "finance" TO "dbt_builder";/);
    assert.match(first.out, /ALTER DEFAULT PRIVILEGES FOR ROLE "dbt_builder" IN SCHEMA "crm"/);
    const again = await grants({ HONEYFRAME_SECRETS_KEY: KEY });
    assert.equal(again.out, first.out, "the same passwords, the same SQL");

    // The DBA runs it with psql, as the docs say.
    const psql = new Deno.Command(join(postgresBinaries()!, "psql"), {
      args: [superuser, "-v", "ON_ERROR_STOP=1", "-q", "-f", "-"],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = psql.stdin.getWriter();
    await writer.write(new TextEncoder().encode(first.out));
    await writer.close();
    const ran = await psql.output();
    assert.equal(ran.code, 0, new TextDecoder().decode(ran.stderr));

    // dbt builds as its own login; the host (no admin URL) reads as the plugin's role.
    const dbt = postgres(warehouseUrl.href, { max: 1, onnotice: () => {} });
    await dbt.unsafe("CREATE TABLE crm_marts.totals AS SELECT 42 AS n");
    await dbt.end();
    const store = await openStore(chooseStore({ DATA_DIR: dataDir }, "sqlite"));
    const opened = await openWarehouses({
      config: { url: warehouseUrl, timeoutMs: 2000, maxRows: 10 },
      store,
      key: importSecretsKey(KEY),
      roles: [
        { plugin: "crm", role: "hf_crm", schemas: ["crm", "crm_marts"] },
        { plugin: "ghost", role: "hf_ghost", schemas: ["ghost"] },
      ],
      log: createLogger({ write: () => {} }),
    });
    try {
      const { rows } = await opened.warehouses("crm").query("SELECT n FROM crm_marts.totals");
      assert.deepEqual(rows, [{ n: 42 }]);
      const ghost = await opened.warehouses("ghost").query("SELECT 1").catch((error) => error);
      assert.ok(ghost instanceof WarehouseError);
      assert.equal(ghost.code, "not_provisioned");
      assert.match(ghost.message, /have a DBA run the SQL of `plugins warehouse grants`/);
    } finally {
      await opened.close();
      await store.close();
    }
  },
);
