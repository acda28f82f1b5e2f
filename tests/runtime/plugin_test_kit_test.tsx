/**
 * `@honeyframe/edge/testing`: a plugin's routes called as people with and without the group that
 * grants a permission, its context (settings, storage, logger, warehouse) the same in routes,
 * pages and blocks, and failures that say what is missing.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { pluginContext, principalOf, requirePermission } from "@honeyframe/edge";
import { pluginTestKit } from "@honeyframe/edge/testing";
import type { BlockProps, PluginPageProps } from "@honeyframe/edge";

const router = new Hono()
  .get("/notes", requirePermission("crm.read"), async (c) => {
    const ctx = pluginContext(c);
    ctx.log.info("listing", { by: principalOf(c)?.subject });
    return c.json({
      size: ctx.config.page_size,
      notes: (await ctx.storage.list()).items.map((item) => item.value),
    });
  })
  .get("/rows", async (c) => c.json(await pluginContext(c).warehouse.query("select 1")));

Deno.test("the test kit calls routes as a person, with the plugin's context", async () => {
  const kit = pluginTestKit({
    name: "crm",
    router,
    seedGroups: [{ name: "crm_viewer", permissions: ["crm.read"] }],
    config: { page_size: 20 },
    warehouse: {
      query: () => Promise.resolve({ rows: [{ n: 1 }], fields: [{ name: "n", type: "int4" }] }),
      tables: () => Promise.resolve([]),
    },
  });
  assert.equal((await kit.request("/notes")).status, 401);
  const stranger = await kit.request("/notes", { as: { groups: ["sales"] } });
  assert.equal(stranger.status, 403);
  await kit.storage.set("note/1", "call Ada");
  kit.setConfig({ page_size: 50 });
  const viewer = await kit.request("/notes", { as: { groups: ["crm_viewer"], subject: "ana" } });
  assert.equal(viewer.status, 200);
  assert.deepEqual(await viewer.json(), { size: 50, notes: ["call Ada"] });
  const direct = await kit.request("/notes", { as: { permissions: ["crm.read"] } });
  assert.equal(direct.status, 200, "a permission granted directly");
  assert.ok(kit.logs.some((line) => line.includes("plugin crm: listing") && line.includes("ana")));
  assert.deepEqual((await (await kit.request("/rows")).json()).rows, [{ n: 1 }]);
});

Deno.test("the test kit renders pages (with their query) and blocks, and names what is missing", async () => {
  const kit = pluginTestKit({
    name: "crm",
    displayName: "CRM",
    pages: {
      "/": (props: PluginPageProps) => (
        <h1>{props.plugin.display_name} {props.url.searchParams.get("q")}</h1>
      ),
      "/admin": { component: () => <p>guarded</p>, permission: "crm.admin" },
    },
    blocks: {
      count: {
        component: async (props: BlockProps) => (
          <p>{(await props.context.storage.list()).items.length}</p>
        ),
      },
    },
  });
  assert.equal(await kit.renderPage("/?q=ada"), "<h1>CRM ada</h1>");
  assert.equal(await kit.renderPage("/admin"), "<p>guarded</p>");
  await kit.storage.set("a", 1);
  assert.equal(await kit.renderBlock("count"), "<p>1</p>");
  await assert.rejects(kit.renderPage("/nope"), /crm has no page at \/nope/);
  await assert.rejects(kit.renderBlock("nope"), /crm has no block nope/);
});
