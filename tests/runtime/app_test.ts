import assert from "node:assert/strict";
import { Hono } from "hono";
import { createApp, type Registry } from "../../src/runtime/mod.ts";
import { registryOf } from "../helpers/registry.ts";
import { loadRegistry } from "../helpers/build.ts";
import { healthyPlugin, makeTree, manifest } from "../helpers/tree.ts";

const TOKEN = "correct-horse-battery-staple";
const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

/** A registry built for real from a tree with healthy, broken and shadowed plugins. */
async function mixedRegistry(): Promise<{ registry: Registry } & Disposable> {
  const tree = makeTree({
    ...healthyPlugin("crm"),
    ...healthyPlugin("finance", "data/plugins"),
    ...healthyPlugin("crm", "data/plugins"),
    "plugins/broken/plugin.yaml": manifest(
      "broken",
      "routers:",
      "  - backend/routers/main.ts:router",
      "colour: red",
    ),
    "plugins/broken/backend/routers/main.ts": "export const router = 42;\n",
  });
  const registry = await loadRegistry(tree.root);
  return { registry, [Symbol.dispose]: () => tree[Symbol.dispose]() };
}

Deno.test("createApp() serves the bundled _demo plugin's ping", async () => {
  using out = makeTree();
  const registry = await loadRegistry(out.root, { installDir: Deno.cwd() });
  const response = await createApp(registry).request("/api/_demo/ping");
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { ok: true, plugin: "_demo" });
});

Deno.test("createApp() mounts healthy plugins under /api/<name> and nothing else", async () => {
  using fixture = await mixedRegistry();
  const { registry } = fixture;
  const app = createApp(registry, { adminToken: TOKEN });
  const crm = await app.request("/api/crm/ping");
  assert.equal(crm.status, 200);
  assert.deepEqual(
    await crm.json(),
    { pong: "crm" },
    "the install copy answers, not the shadowed data copy",
  );
  assert.deepEqual(await (await app.request("/api/finance/ping")).json(), { pong: "finance" });
  const broken = await app.request("/api/broken/ping");
  assert.equal(broken.status, 404);
  assert.equal(broken.headers.get("content-type"), "application/json");
  assert.equal((await broken.json()).error, "not_found");
});

Deno.test("GET /healthz answers 200 without auth", async () => {
  const response = await createApp(registryOf({})).request(
    "/healthz",
  );
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { status: "ok" });
});

Deno.test("GET /api/plugins is closed without a token, with a wrong one, and when none is configured", async () => {
  using fixture = await mixedRegistry();
  const { registry } = fixture;
  const app = createApp(registry, { adminToken: TOKEN });
  for (
    const init of [{}, bearer("wrong"), bearer(`${TOKEN}x`), {
      headers: { Authorization: TOKEN },
    }]
  ) {
    const response = await app.request("/api/plugins", init);
    assert.equal(response.status, 401, JSON.stringify(init));
    assert.match(response.headers.get("WWW-Authenticate") ?? "", /^Bearer/);
    assert.equal((await response.json()).error, "unauthorized");
  }
  const closed = await createApp(registry).request("/api/plugins", bearer(""));
  assert.equal(closed.status, 401);
  assert.match((await closed.json()).message, /no admin token is configured/);
});

Deno.test("GET /api/plugins lists every plugin with the documented fields", async () => {
  using fixture = await mixedRegistry();
  const { registry } = fixture;
  const response = await createApp(registry, { adminToken: TOKEN }).request(
    "/api/plugins",
    bearer(TOKEN),
  );
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.deepEqual(Object.keys(body), ["plugins", "registry"]);
  assert.equal(body.registry.fingerprint, registry.fingerprint);
  assert.deepEqual(
    body.plugins.map((p: Record<string, unknown>) => [p.name, p.source, p.status]),
    [["broken", "install", "error"], ["crm", "install", "mounted"], ["crm", "data", "shadowed"], [
      "finance",
      "data",
      "mounted",
    ]],
  );
  const [broken, crm] = body.plugins;
  assert.deepEqual(Object.keys(crm).sort(), [
    "blocks",
    "client",
    "config_missing",
    "dbt_workspace",
    "dependents",
    "display_name",
    "errors",
    "isolation",
    "name",
    "network",
    "package",
    "requires",
    "route_count",
    "router_count",
    "routes",
    "source",
    "status",
    "version",
    "warnings",
  ]);
  assert.deepEqual(
    { ...crm, warnings: crm.warnings.map((w: { code: string }) => w.code) },
    {
      name: "crm",
      display_name: "crm",
      version: "1.0.0",
      source: "install",
      status: "mounted",
      router_count: 1,
      route_count: 1,
      routes: [{
        method: "GET",
        path: "/api/crm/ping",
        router: "backend/routers/main.ts:router",
      }],
      package: null,
      requires: null,
      dependents: [],
      dbt_workspace: null,
      client: null,
      blocks: [],
      config_missing: [],
      errors: [],
      isolation: "in_process",
      network: [],
      warnings: ["plugin.shadowed"],
    },
  );
  assert.deepEqual(broken.errors.map((e: { code: string }) => e.code), ["router.not_hono_app"]);
  assert.deepEqual(broken.errors[0].path, "routers[0]");
  assert.deepEqual(broken.warnings.map((w: { path: string }) => w.path), ["colour"]);
  assert.doesNotMatch(JSON.stringify(body), /honeyframe-test-|\/tmp\//, "no server paths");
});

Deno.test("unknown routes get a JSON 404", async () => {
  const app = createApp(registryOf({ crm: new Hono().get("/ping", (c) => c.text("pong")) }));
  for (const path of ["/nowhere", "/api/crm/nope", "/api/other/ping"]) {
    const response = await app.request(path);
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), {
      error: "not_found",
      message: `no route for GET ${path}`,
    });
  }
  assert.equal((await app.request("/api/crm/ping", { method: "POST" })).status, 404);
});
