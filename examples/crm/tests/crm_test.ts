/**
 * The crm plugin's own tests, without a server or a warehouse: its route (through
 * `pluginTestKit`, as people with and without `crm.read`) and page over a warehouse that answers
 * what the test chooses. (tests/e2e/crm_vertical_test.ts runs the whole vertical on
 * a real PostgreSQL.)
 *
 * @module
 */
import assert from "node:assert/strict";
import { type PluginWarehouse, testPluginContext, WarehouseError } from "@honeyframe/edge";
import { pluginTestKit } from "@honeyframe/edge/testing";
import { router } from "../backend/routers/customers.ts";
import { pages } from "../frontend/pages.tsx";

const ROWS = [
  {
    customer_id: 4,
    full_name: "Katherine Johnson",
    number_of_orders: 3,
    first_order: "2026-02-28",
    most_recent_order: "2026-05-09",
    lifetime_value: "315.75",
  },
];

function warehouseAnswering(answer: () => Promise<Record<string, unknown>[]>): PluginWarehouse {
  return {
    query: async () => ({ rows: await answer(), fields: [] }),
    tables: () => Promise.resolve([]),
  };
}

function render(warehouse: PluginWarehouse): Promise<string> {
  return Promise.resolve(pages["/"]({
    plugin: { name: "crm", display_name: "CRM" },
    path: "/",
    url: new URL("http://localhost/plugins/crm/"),
    context: testPluginContext("crm", {}, warehouse),
  })).then(String);
}

Deno.test("crm: the page lists the mart's customers, with the filter", async () => {
  const html = await render(warehouseAnswering(() => Promise.resolve(ROWS)));
  assert.match(html, /<tr data-customer="katherine johnson"><th scope="row">Katherine Johnson/);
  assert.match(html, /<td>315\.75<\/td>/);
  assert.match(html, /data-customer-filter/);
});

Deno.test("crm: before dbt built the mart, the page says how to build it", async () => {
  const missing = warehouseAnswering(() =>
    Promise.reject(new WarehouseError("42P01", 'relation "crm_marts.customers" does not exist'))
  );
  const html = await render(missing);
  assert.match(
    html,
    /crm_marts\.customers is not built yet: run `npx deno task plugins dbt run crm`/,
  );
});

Deno.test("crm: GET /customers serves the mart to crm_viewer only", async () => {
  const kit = pluginTestKit({
    name: "crm",
    router,
    seedGroups: [{ name: "crm_viewer", permissions: ["crm.read"] }],
    warehouse: warehouseAnswering(() => Promise.resolve(ROWS)),
  });
  assert.equal((await kit.request("/customers")).status, 401);
  assert.equal((await kit.request("/customers", { as: { groups: ["sales"] } })).status, 403);
  const viewer = await kit.request("/customers", { as: { groups: ["crm_viewer"] } });
  assert.equal(viewer.status, 200);
  assert.deepEqual(await viewer.json(), { customers: ROWS });
});
