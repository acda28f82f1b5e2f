import assert from "node:assert/strict";
import { join } from "node:path";
import { discover, verify } from "../../src/build/mod.ts";
import { pluginRoutes, routeConflicts } from "../../src/build/route_table.ts";
import { codes } from "../helpers/problems.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

Deno.test("pluginRoutes() puts every route under /api/<name>, sorted", () => {
  const routes = pluginRoutes("crm", [
    {
      spec: "b.ts:router",
      routes: [{ method: "POST", path: "/customers" }, { method: "GET", path: "/" }],
    },
    { spec: "a.ts:router", routes: [{ method: "GET", path: "/customers" }] },
  ]);
  assert.deepEqual(routes, [
    { method: "GET", path: "/api/crm", router: "b.ts:router" },
    { method: "GET", path: "/api/crm/customers", router: "a.ts:router" },
    { method: "POST", path: "/api/crm/customers", router: "b.ts:router" },
  ]);
});

Deno.test("routeConflicts() reports the same method and path shape from two routers, on both", () => {
  const plugin = {
    name: "crm",
    routerSpecs: ["a.ts:router", "b.ts:router"],
    routes: [
      { method: "GET", path: "/api/crm/customers/:id", router: "a.ts:router" },
      { method: "GET", path: "/api/crm/customers/:customerId", router: "b.ts:router" },
      { method: "POST", path: "/api/crm/customers/:id", router: "b.ts:router" },
      { method: "ALL", path: "/api/crm/*", router: "a.ts:router" },
      { method: "ALL", path: "/api/crm/*", router: "b.ts:router" },
    ],
  };
  const conflicts = routeConflicts([plugin]).get("crm") ?? [];
  assert.deepEqual(codes(conflicts), ["route.conflict", "route.conflict"]);
  assert.deepEqual(conflicts.map((c) => c.path), ["routers[0]", "routers[1]"]);
  assert.match(
    conflicts[0]!.message,
    /`GET \/api\/crm\/customers\/:id` is also declared by `crm` routers\[1\] \(`b\.ts:router`\)/,
  );
  assert.match(conflicts[1]!.message, /also declared by `crm` routers\[0\] \(`a\.ts:router`\)/);
});

Deno.test("verify() keeps a plugin with conflicting routers from mounting, and its neighbours mount", async () => {
  const router = (path: string) =>
    `import { Hono } from "hono";\nexport const router = new Hono().get("${path}", (c) => c.text("x"));\n`;
  using tree = makeTree({
    "plugins/crm/plugin.yaml": manifest("crm", "routers:", "  - a.ts:router", "  - b.ts:router"),
    "plugins/crm/a.ts": router("/customers"),
    "plugins/crm/b.ts": router("/customers"),
    "plugins/sales/plugin.yaml": manifest(
      "sales",
      "routers:",
      "  - a.ts:router",
      "  - b.ts:router",
    ),
    "plugins/sales/a.ts": router("/customers"),
    "plugins/sales/b.ts": router("/leads"),
  });
  const [crm, sales] = await verify(
    discover({ installDir: tree.root, dataDir: join(tree.root, "data") }),
  );
  assert.deepEqual([crm!.status, codes(crm!.errors)], ["error", [
    "route.conflict",
    "route.conflict",
  ]]);
  assert.deepEqual(crm!.routers, []);
  assert.equal(crm!.routes.length, 2, "the route table is still reported");
  assert.deepEqual([sales!.status, sales!.routes.map((r) => r.path)], ["mounted", [
    "/api/sales/customers",
    "/api/sales/leads",
  ]]);
});

Deno.test("discover() refuses plugin names that are the host's own API segments", () => {
  using tree = makeTree({
    "plugins/plugins/plugin.yaml": manifest("plugins"),
    "plugins/audit/plugin.yaml": manifest("audit"),
  });
  const plugins = discover({ installDir: tree.root, dataDir: join(tree.root, "data") });
  assert.deepEqual(plugins.map((p) => [p.name, codes(p.errors)]), [
    ["audit", ["plugin.reserved_name"]],
    ["plugins", ["plugin.reserved_name"]],
  ]);
  assert.equal(plugins[1]!.errors[0]!.path, "name");
});
