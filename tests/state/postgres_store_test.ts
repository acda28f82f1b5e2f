import assert from "node:assert/strict";
import { createApp } from "../../src/runtime/mod.ts";
import { PluginLifecycle } from "../../src/runtime/lifecycle.ts";
import { form, ORIGIN } from "../helpers/admin_forms.ts";
import { registryOf } from "../helpers/registry.ts";
import { postgresDriver } from "../../src/state/postgres_driver.ts";
import { openSqlStore } from "../../src/state/sql_store.ts";
import { startPostgres } from "../helpers/postgres.ts";
import { stateStoreConformance } from "./conformance.ts";
import { needs } from "../helpers/system_tools.ts";

const open = (url: string) => openSqlStore(postgresDriver(url), { kind: "postgres", shared: true });

Deno.test(
  "the PostgreSQL store passes the state store conformance suite",
  needs("postgresql"),
  async (t) => {
    await using cluster = await startPostgres();
    await stateStoreConformance(t, async () => open(await cluster.createDatabase()));

    await t.step(
      "an admin signs in with the token and the session holds on PostgreSQL",
      async () => {
        await using store = await open(await cluster.createDatabase());
        const registry = registryOf({});
        const lifecycle = new PluginLifecycle(registry, store);
        await lifecycle.ready();
        const token = "postgres-sign-in-token-0123";
        const app = createApp(registry, { adminToken: token, lifecycle, port: 8000, hostname: "" });
        const signedIn = await app.request(`${ORIGIN}/admin/sign-in`, form({ token }));
        assert.equal(signedIn.status, 303, await signedIn.text());
        const cookie = signedIn.headers.get("set-cookie")!.split(";")[0]!;
        const page = await app.request(`${ORIGIN}/admin/plugins`, { headers: { cookie } });
        assert.equal(page.status, 200);
        await page.body?.cancel();
        const again = await app.request(`${ORIGIN}/admin/sign-in`, form({ token }));
        assert.equal(again.status, 303, "expired sessions are cleared as new ones are made");
      },
    );

    await t.step("instances opening one database at once migrate it once", async () => {
      const url = await cluster.createDatabase();
      const stores = await Promise.all(Array.from({ length: 4 }, () => open(url)));
      try {
        const versions = await stores[0]!.driver.query<{ version: number }>(
          "SELECT version FROM schema_migrations",
        );
        assert.deepEqual(versions.map((row) => Number(row.version)), [1, 2, 3, 4]);
        await stores[1]!.setEnabled("crm", false, "admin", "2026-11-26T10:00:00.000Z");
        assert.deepEqual(await stores[3]!.pluginStates(), [{
          name: "crm",
          enabled: false,
          seeded: false,
        }]);
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    });
  },
);
