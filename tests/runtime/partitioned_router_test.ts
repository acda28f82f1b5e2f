import assert from "node:assert/strict";
import type { Result, Router } from "hono/router";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { SmartRouter } from "hono/router/smart-router";
import { TrieRouter } from "hono/router/trie-router";
import { PluginLifecycle } from "../../src/runtime/lifecycle.ts";
import { createApp, type Registry } from "../../src/runtime/mod.ts";
import { PartitionedRouter } from "../../src/runtime/partitioned_router.ts";
import { MemoryStore } from "../../src/state/mod.ts";
import { loadRegistry } from "../helpers/build.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

const CRM = `import { Hono } from "hono";
const orders = new Hono().get("/:orderId", (c) => c.json({ order: c.req.param("orderId"), customer: c.req.param("id") }));
export const router = new Hono()
  .use("*", async (c, next) => { await next(); c.header("x-crm", "1"); })
  .get("/customers", (c) => c.json({ list: true }))
  .post("/customers", (c) => c.json({ created: true }, 201))
  .get("/customers/:id", (c) => c.json({ id: c.req.param("id") }))
  .route("/customers/:id/orders", orders)
  .all("/webhooks/*", (c) => c.text("hook " + c.req.method))
  .get("/files/*", (c) => c.text("file " + c.req.path));
`;
const SALES = `import { Hono } from "hono";
export default new Hono()
  .get("/", (c) => c.text("sales home"))
  .get("/leads/:id{[0-9]+}", (c) => c.json({ lead: Number(c.req.param("id")) }))
  .get("/reports/:year?", (c) => c.json({ year: c.req.param("year") ?? null }));
`;

/** Routes Hono's RegExpRouter cannot combine (a regex parameter beside a plain one). */
const AMBIGUOUS = `import { Hono } from "hono";
export default new Hono()
  .get("/leads/:id{[0-9]+}", (c) => c.text("by id"))
  .get("/leads/:slug", (c) => c.text("by slug"));
`;

async function registry(
  extra: Record<string, string> = {},
): Promise<{ registry: Registry } & Disposable> {
  const tree = makeTree({
    ...extra,
    "data/plugins/crm/plugin.yaml": manifest(
      "crm",
      "routers: [router.ts:router]",
      "frontend_entry: pages.tsx",
    ),
    "data/plugins/crm/router.ts": CRM,
    "data/plugins/crm/pages.tsx":
      `export const pages = { "/": () => <h1>CRM</h1>, "/reports": () => <h1>Reports</h1> };\n`,
    "data/plugins/sales/plugin.yaml": manifest("sales", "routers: [router.ts]"),
    "data/plugins/sales/router.ts": SALES,
  });
  return {
    registry: await loadRegistry(tree.root),
    [Symbol.dispose]: () => tree[Symbol.dispose](),
  };
}

/** Each matched handler with its parameters, whatever the router's result format. */
function matched<T>([handlers, stash]: Result<T>): [T, Record<string, string>][] {
  return handlers.map(([handler, params]) => [
    handler,
    Object.fromEntries(
      Object.entries(params).map((
        [name, value],
      ) => [name, stash ? stash[value as number]! : value]),
    ) as Record<string, string>,
  ]);
}

/** The router, given the routes in order (as an app adds them). */
function routerOf<T>(router: Router<T>, routes: readonly (readonly [string, string, T])[]) {
  for (const [method, path, handler] of routes) router.add(method, path, handler);
  return router;
}

/** Hono's default router, the reference. */
const honoRouter = <T>() => new SmartRouter<T>({ routers: [new RegExpRouter(), new TrieRouter()] });

/** Requests every test asks both routers: registered paths, the host's, near misses. */
function requests(registry: Registry): [string, string][] {
  const registered = registry.plugins.flatMap((plugin) => plugin.routes).map((route) => [
    route.method === "ALL" ? "GET" : route.method,
    route.path.replace(/:[a-zA-Z]+(\{[^}]*\})?\??/g, "42").replace("*", "a/b"),
  ]);
  assert.ok(registered.length >= 9);
  const host = [
    "/healthz",
    "/assets/honeyframe.css",
    "/",
    "/api/plugins",
    "/api/permissions",
    "/api/audit",
    "/api/orgs/default/groups",
    "/admin",
    "/admin/plugins",
    "/admin/plugins/crm",
    "/admin/sign-in",
    "/plugins/crm",
    "/plugins/crm/",
    "/plugins/crm/reports",
    "/dashboard",
    "/assets/plugins/crm/abc.js",
  ].map((path) => ["GET", path]);
  const unregistered = [
    ["GET", "/nope"],
    ["GET", "/nope/deeper/still"],
    ["GET", "//api/crm/customers"],
    ["GET", "/api"],
    ["GET", "/api/"],
    ["GET", "/api/crm"],
    ["GET", "/api/crm/"],
    ["GET", "/api/crm/nope"],
    ["GET", "/api/crm/customers/7/x"],
    ["DELETE", "/api/crm/customers"],
    ["GET", "/api/sales/leads/abc"],
    ["GET", "/api/sales/leads"],
    ["GET", "/API/crm/customers"],
    ["GET", "/api/crm/customers/"],
    ["GET", "/plugins/unknown/"],
    ["POST", "/api/plugins/nobody/enable"],
    ["PUT", "/api/orgs/x/groups/y"],
    ["GET", "/admin/plugins/crm/x"],
    ["GET", "/admin/unknown/deeper"],
    ["POST", "/api/crm/webhooks/a"],
    ["GET", "/api/sales/leads/12"],
  ];
  return [...registered, ...host, ...unregistered] as [string, string][];
}

Deno.test("the app's partitioned router matches the same handlers, in the same order and with the same parameters, as Hono's default router", async () => {
  using fixture = await registry();
  const { registry: built } = fixture;
  // As a server builds it (the state loaded first), and as a test does (a middleware on every path).
  const started = new PluginLifecycle(built, new MemoryStore());
  await started.ready();
  const apps = [
    createApp(built, { adminToken: "an-admin-token-16+" }),
    createApp(built, { adminToken: "an-admin-token-16+", lifecycle: started }),
  ];
  assert.ok(apps[0]!.routes.some((route) => route.path === "/*"), "a middleware on every path");
  for (const app of apps) {
    assert.equal(app.router.name, "PartitionedRouter");
    const routes = app.routes.map((route) => [route.method, route.path, route.handler] as const);
    const ours = routerOf(new PartitionedRouter<unknown>(), routes);
    const reference = routerOf(honoRouter<unknown>(), routes);
    for (const [method, path] of requests(built)) {
      assert.deepEqual(
        matched(ours.match(method, path)),
        matched(reference.match(method, path)),
        `${method} ${path}`,
      );
    }
  }
});

Deno.test("routes of every shape: wildcards and parameters in the first segments are matched everywhere they can match", () => {
  const routes = [
    ["ALL", "*", "every path"],
    ["GET", "/:lang/about", "a parameter first"],
    ["GET", "/docs/*", "a wildcard second"],
    ["GET", "/docs/:page", "a parameter second"],
    ["GET", "/docs/intro", "literal"],
    ["POST", "/docs/intro", "literal, another method"],
    ["GET", "/docs", "the segment alone"],
    ["ALL", "/api/crm/*", "a plugin's middleware"],
    ["GET", "/api/crm/customers/:id", "a plugin route"],
    ["GET", "/api/crm", "a plugin's root"],
    ["GET", "/", "the root"],
    ["GET", "/do*", "a wildcard inside the first segment"],
    ["GET", "/docs/intro/:rest{.+}", "a regular expression parameter"],
  ] as const;
  const ours = routerOf(new PartitionedRouter<string>(), routes);
  const reference = routerOf(honoRouter<string>(), routes);
  const paths = [
    "/",
    "/en/about",
    "/docs",
    "/docs/",
    "/docs/intro",
    "/docs/other",
    "/docs/intro/a/b",
    "/dogs",
    "/api/crm",
    "/api/crm/customers/7",
    "/api/crm/customers",
    "/api/sales/x",
    "/elsewhere",
  ];
  for (const path of paths) {
    for (const method of ["GET", "POST", "DELETE"]) {
      assert.deepEqual(
        matched(ours.match(method, path)),
        matched(reference.match(method, path)),
        `${method} ${path}`,
      );
    }
  }
  assert.deepEqual(matched(ours.match("GET", "/docs/intro")).map(([name]) => name), [
    "every path",
    "a wildcard second",
    "a parameter second",
    "literal",
    "a wildcard inside the first segment",
  ]);
  // Once requests are matched, a prefix none has been matched under may still get routes (a
  // plugin's, imported on first use); a matched prefix and a wide route may not.
  ours.add("GET", "/late/x", "late");
  assert.deepEqual(matched(ours.match("GET", "/late/x")).map(([name]) => name), [
    "every path",
    "late",
  ]);
  assert.throws(() => ours.add("GET", "/late/x/y", "later"), /already built/);
  assert.throws(() => ours.add("GET", "/docs/*", "wide"), /already built/);
  assert.throws(() => ours.add("GET", "*", "anywhere"), /already built/);
});

Deno.test("routes Hono's RegExpRouter cannot combine are served by its fallback router in their prefix only", async () => {
  using fixture = await registry({
    "data/plugins/leads/plugin.yaml": manifest("leads", "routers: [router.ts]"),
    "data/plugins/leads/router.ts": AMBIGUOUS,
  });
  const app = createApp(fixture.registry);
  assert.equal(await (await app.request("/api/leads/leads/12")).text(), "by id");
  assert.equal(await (await app.request("/api/leads/leads/ana")).text(), "by slug");
  assert.equal((await app.request("/api/crm/customers")).status, 200);
});
