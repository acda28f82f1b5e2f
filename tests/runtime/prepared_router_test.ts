import assert from "node:assert/strict";
import { PluginLifecycle } from "../../src/runtime/lifecycle.ts";
import { createApp, type Registry } from "../../src/runtime/mod.ts";
import { MemoryStore } from "../../src/state/mod.ts";
import { loadRegistry } from "../helpers/build.ts";
import { makeTree, manifest } from "../helpers/tree.ts";
import { createLogger } from "../../src/log/mod.ts";

const TOKEN = "prepared-router-admin-token";

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

/** A request and everything about its answer that a client could see. */
async function answer(app: ReturnType<typeof createApp>, method: string, path: string) {
  const response = await app.request(path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  return {
    status: response.status,
    location: response.headers.get("location"),
    crm: response.headers.get("x-crm"),
    body: await response.text(),
  };
}

Deno.test("the registry ships a prepared router that answers exactly like Hono's default router", async () => {
  using fixture = await registry();
  const { registry: prepared } = fixture;
  assert.ok(prepared.router, "the build prepared the router");
  // As a server builds it: the state loaded before the app is made.
  const started = new PluginLifecycle(prepared, new MemoryStore());
  await started.ready();
  const pairs = [
    [
      createApp(prepared, { adminToken: TOKEN }),
      createApp({ ...prepared, router: undefined }, { adminToken: TOKEN }),
    ],
    [
      createApp(prepared, { adminToken: TOKEN, lifecycle: started }),
      createApp({ ...prepared, router: undefined }, { adminToken: TOKEN, lifecycle: started }),
    ],
  ];
  for (const [fast, reference] of pairs) {
    assert.equal(fast!.router.name, "PreparedRegExpRouter");
    assert.notEqual(reference!.router.name, "PreparedRegExpRouter");
  }

  const registered = prepared.plugins.flatMap((plugin) => plugin.routes).map((route) => [
    route.method === "ALL" ? "GET" : route.method,
    route.path.replace(/:[a-zA-Z]+(\{[^}]*\})?\??/g, "42").replace("*", "a/b"),
  ]);
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
    "/admin/sign-in",
    "/plugins/crm",
    "/plugins/crm/",
    "/plugins/crm/reports",
  ].map((path) => ["GET", path]);
  const unregistered = [
    ["GET", "/nope"],
    ["GET", "/api/crm"],
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
    ["POST", "/api/crm/webhooks/a"],
    ["GET", "/api/sales/leads/12"],
  ];
  const all = [...registered, ...host, ...unregistered] as [string, string][];
  assert.ok(registered.length >= 9);
  for (const [fast, reference] of pairs) {
    for (const [method, path] of all) {
      assert.deepEqual(
        await answer(fast!, method, path),
        await answer(reference!, method, path),
        `${method} ${path}`,
      );
    }
  }
});

Deno.test("a prepared router that does not fit the app falls back to the default router", async () => {
  using fixture = await registry();
  using empty = makeTree();
  const { registry: real } = fixture;
  const foreign = (await loadRegistry(empty.root)).router;
  assert.ok(foreign);
  const lines: string[] = [];
  const app = createApp({ ...real, router: foreign }, {
    log: createLogger({ write: (line) => lines.push(line) }),
  });
  assert.notEqual(app.router.name, "PreparedRegExpRouter");
  assert.match(
    lines.join("\n"),
    /prepared router does not fit this app .*Path .* is not registered/,
  );
  assert.equal((await app.request("/api/crm/customers")).status, 200);
});

Deno.test("routes the prepared router cannot hold leave the registry without one, and the app still serves", async () => {
  using fixture = await registry({
    "data/plugins/leads/plugin.yaml": manifest("leads", "routers: [router.ts]"),
    "data/plugins/leads/router.ts": AMBIGUOUS,
  });
  const { registry: unprepared } = fixture;
  assert.equal(unprepared.router, undefined);
  const app = createApp(unprepared);
  assert.equal(await (await app.request("/api/leads/leads/12")).text(), "by id");
  assert.equal(await (await app.request("/api/leads/leads/ana")).text(), "by slug");
});
