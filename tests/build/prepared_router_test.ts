import assert from "node:assert/strict";
import { buildInitParams } from "hono/router/reg-exp-router";
import { preparedRouterParams } from "../../src/build/prepared_router.ts";

Deno.test("preparedRouterParams() computes what Hono's buildInitParams computes", () => {
  const sets = [
    [
      "/healthz",
      "/*",
      "/api/*",
      "/api/crm",
      "/api/crm/customers/:id",
      "/api/crm/customers",
      "/plugins/crm/",
    ],
    [
      "/",
      "/admin/*",
      "/admin/plugins/:name",
      "/admin/plugins/:name/enable",
      "/api/orgs/:org/groups/:group",
      "/api/sales/leads/:id{[0-9]+}",
      "/api/sales/reports/:year",
      "/api/sales/reports",
      "/api/files/*",
      "*",
    ],
    Array.from({ length: 300 }, (_, i) => `/api/p${i}/items/:id`).concat(
      Array.from({ length: 300 }, (_, i) => `/api/p${i}/one`),
    ),
  ];
  for (const paths of sets) {
    assert.deepEqual(
      JSON.parse(
        JSON.stringify(preparedRouterParams(paths), (_, v) => (v instanceof RegExp ? v.source : v)),
      ),
      JSON.parse(
        JSON.stringify(buildInitParams({ paths }), (_, v) => (v instanceof RegExp ? v.source : v)),
      ),
      paths.slice(0, 3).join(", "),
    );
  }
});
