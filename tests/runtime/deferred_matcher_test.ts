import assert from "node:assert/strict";
import { Hono } from "hono";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { SmartRouter } from "hono/router/smart-router";
import { deferOwnMatcher } from "../../src/runtime/deferred_matcher.ts";
import { createApp } from "../../src/runtime/mod.ts";
import { loadRegistry } from "../helpers/build.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

function pluginApp() {
  const orders = new Hono().get("/:orderId", (c) => c.json({ order: c.req.param("orderId") }));
  return new Hono()
    .use("*", async (c, next) => {
      await next();
      c.header("x-seen", "1");
    })
    .get("/customers/:id", (c) => c.json({ id: c.req.param("id") }))
    .route("/customers/:id/orders", orders)
    .get("/files/*", (c) => c.text(`file ${c.req.path}`))
    .get("/leads/:id{[0-9]+}", (c) => c.text("by number"))
    .get("/leads/:slug", (c) => c.text("by slug"));
}

async function answers(app: Hono) {
  const seen = [];
  for (
    const path of [
      "/customers/7",
      "/customers/7/orders/3",
      "/files/a/b",
      "/leads/12",
      "/leads/x",
      "/nope",
    ]
  ) {
    const response = await app.request(path);
    seen.push([path, response.status, response.headers.get("x-seen"), await response.text()]);
  }
  return seen;
}

Deno.test("a deferred matcher answers as Hono's own over the same routes, made on first use", async () => {
  const deferred = pluginApp();
  deferOwnMatcher(deferred);
  assert.ok(!(deferred.router instanceof SmartRouter), "replaced");
  assert.equal(deferred.router.name, "SmartRouter");
  assert.deepEqual(await answers(deferred), await answers(pluginApp()));
  // Once it has matched, adding a route fails as it does in Hono.
  assert.throws(() => deferred.get("/late", (c) => c.text("late")), /already built/);
});

Deno.test("routes added before first use are matched, in order", async () => {
  const app = new Hono().get("/a", (c) => c.text("a"));
  deferOwnMatcher(app);
  app.get("/b", (c) => c.text("b")).get("/a", (c) => c.text("second a"));
  assert.equal(await (await app.request("/a")).text(), "a");
  assert.equal(await (await app.request("/b")).text(), "b");
});

Deno.test("a matcher the plugin chose, or one already used, is left as it is", async () => {
  const chosen = new Hono({ router: new RegExpRouter() }).get("/x", (c) => c.text("x"));
  const router = chosen.router;
  deferOwnMatcher(chosen);
  assert.equal(chosen.router, router);

  const used = new Hono().get("/x", (c) => c.text("x"));
  assert.equal(await (await used.request("/x")).text(), "x");
  const inUse = used.router;
  deferOwnMatcher(used);
  assert.equal(used.router, inUse);
});

Deno.test("a mounted plugin that calls its own router still gets its answers", async () => {
  using tree = makeTree({
    "data/plugins/crm/plugin.yaml": manifest("crm", "routers: [router.ts:router]"),
    "data/plugins/crm/router.ts": `import { Hono } from "hono";
export const router = new Hono()
  .get("/inner/:id", (c) => c.json({ inner: c.req.param("id") }))
  .get("/outer/:id", async (c) => c.json({ via: await (await router.request("/inner/" + c.req.param("id"))).json() }));
`,
  });
  const registry = await loadRegistry(tree.root);
  const app = createApp(registry);
  const own = registry.plugins[0]!.routers[0]!.app as Hono;
  assert.ok(
    !(own.router instanceof SmartRouter),
    "the plugin's own matcher waits for its first use",
  );
  const response = await app.request("/api/crm/outer/42");
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { via: { inner: "42" } });
});
