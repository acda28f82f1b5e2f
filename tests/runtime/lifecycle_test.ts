import assert from "node:assert/strict";
import { Hono } from "hono";
import { PluginLifecycle } from "../../src/runtime/lifecycle.ts";
import { createApp, type Registry } from "../../src/runtime/mod.ts";
import { MemoryStore } from "../../src/state/mod.ts";
import { loadRegistry } from "../helpers/build.ts";
import { JWT_SECRET, tokenFor } from "../helpers/jwt.ts";
import { makeTree, manifest } from "../helpers/tree.ts";
import { SILENT_LOGGER } from "../../src/log/mod.ts";

const TOKEN = "lifecycle-test-admin-token";
const admin = { headers: { authorization: `Bearer ${TOKEN}` } };
const post = { method: "POST", ...admin };

const CRM_ROUTER = `import { requirePermission, principalOf } from "@honeyframe/edge";
import { Hono } from "hono";
export const router = new Hono()
  .get("/ping", (c) => c.text("pong"))
  .get("/customers", requirePermission("customer.read"), (c) => c.json({ customers: [], principal: principalOf(c) }));
`;

/** A registry of `crm` (seed groups, a protected route, a page), `sales`, and a broken plugin. */
async function registryWithCrm(): Promise<{ registry: Registry } & Disposable> {
  const tree = makeTree({
    "data/plugins/crm/plugin.yaml": manifest(
      "crm",
      "routers:",
      "  - router.ts:router",
      "frontend_entry: pages.tsx",
      "nav:",
      "  - label: Customers",
      "    path: /",
      "permissions: [customer.read, customer.edit]",
      "seed_groups:",
      "  - name: crm_viewer",
      "    permissions: [customer.read]",
      "  - name: crm_admin",
      "    permissions: [customer.read, customer.edit]",
    ),
    "data/plugins/crm/router.ts": CRM_ROUTER,
    "data/plugins/crm/pages.tsx": `export const pages = { "/": () => <h1>CRM home</h1> };\n`,
    "data/plugins/sales/plugin.yaml": manifest(
      "sales",
      "permissions: [lead.read]",
      "seed_groups:",
      "  - name: sales_team",
      "    permissions: [lead.read]",
    ),
    "data/plugins/broken/plugin.yaml": "name: broken\n",
  });
  return {
    registry: await loadRegistry(tree.root),
    [Symbol.dispose]: () => tree[Symbol.dispose](),
  };
}

function host(registry: Registry, store = new MemoryStore()) {
  const lifecycle = new PluginLifecycle(registry, store);
  return {
    app: createApp(registry, {
      adminToken: TOKEN,
      jwtSecret: JWT_SECRET,
      lifecycle,
      log: SILENT_LOGGER,
    }),
    store,
    lifecycle,
  };
}

Deno.test("disabling a plugin answers 404 at once, shows it as disabled, and enabling brings it back", async () => {
  using fixture = await registryWithCrm();
  const { registry } = fixture;
  const { app } = host(registry);
  assert.equal((await app.request("/api/crm/ping")).status, 200);
  assert.match(await (await app.request("/plugins/crm/")).text(), /CRM home/);

  const disabled = await app.request("/api/plugins/crm/disable", post);
  assert.deepEqual([disabled.status, await disabled.json()], [200, {
    name: "crm",
    status: "disabled",
  }]);
  assert.equal((await app.request("/api/crm/ping")).status, 404);
  assert.equal((await app.request("/plugins/crm/")).status, 404);
  const report = await (await app.request("/api/plugins", admin)).json();
  assert.equal(report.plugins.find((p: { name: string }) => p.name === "crm").status, "disabled");

  assert.equal((await app.request("/api/plugins/crm/enable", post)).status, 200);
  assert.equal((await app.request("/api/crm/ping")).status, 200);
});

Deno.test("enable and disable are admin-only, 404 for an unknown plugin, 409 for one that cannot mount", async () => {
  using fixture = await registryWithCrm();
  const { registry } = fixture;
  const { app } = host(registry);
  assert.equal((await app.request("/api/plugins/crm/disable", { method: "POST" })).status, 401);
  assert.equal((await app.request("/api/plugins/nobody/enable", post)).status, 404);
  const broken = await app.request("/api/plugins/broken/enable", post);
  assert.deepEqual([broken.status, (await broken.json()).error], [409, "not_mountable"]);
});

Deno.test("a mounted plugin's seed groups reach the default org on first start, once, never over an admin's change", async () => {
  using fixture = await registryWithCrm();
  const { registry } = fixture;
  const { app } = host(registry);
  const groups = async () =>
    (await (await app.request("/api/orgs/default/groups", admin)).json()).groups;
  assert.deepEqual(
    (await groups()).map((g: { name: string; source: string }) => [g.name, g.source]),
    [
      ["crm_admin", "seed:crm"],
      ["crm_viewer", "seed:crm"],
      ["sales_team", "seed:sales"],
    ],
  );
  const put = await app.request("/api/orgs/default/groups/crm_viewer", {
    method: "PUT",
    headers: { ...admin.headers, "content-type": "application/json" },
    body: JSON.stringify({ permissions: ["customer.read", "customer.edit"] }),
  });
  assert.equal(put.status, 200);
  assert.deepEqual((await put.json()).group.permissions, ["customer.edit", "customer.read"]);
  await app.request("/api/plugins/crm/disable", post);
  await app.request("/api/plugins/crm/enable", post);
  const viewer = (await groups()).find((g: { name: string }) => g.name === "crm_viewer");
  assert.deepEqual([viewer.permissions, viewer.source], [
    ["customer.edit", "customer.read"],
    "admin",
  ]);
});

Deno.test("a plugin disabled before it was ever enabled is seeded when it is first enabled", async () => {
  using fixture = await registryWithCrm();
  const { registry } = fixture;
  const store = new MemoryStore();
  await store.setEnabled("sales", false, "admin", "2026-11-26T10:00:00.000Z");
  const { app } = host(registry, store);
  const names = async () =>
    (await (await app.request("/api/orgs/default/groups", admin)).json()).groups.map((
      g: { name: string },
    ) => g.name);
  assert.deepEqual(await names(), ["crm_admin", "crm_viewer"]);
  await app.request("/api/plugins/sales/enable", post);
  assert.deepEqual(await names(), ["crm_admin", "crm_viewer", "sales_team"]);
});

Deno.test("group changes are checked against the permission catalog", async () => {
  using fixture = await registryWithCrm();
  const { registry } = fixture;
  const { app } = host(registry);
  const put = (path: string, body: string) =>
    app.request(path, {
      method: "PUT",
      headers: { ...admin.headers, "content-type": "application/json" },
      body,
    });
  const unknown = await put(
    "/api/orgs/default/groups/g",
    JSON.stringify({ permissions: ["customer.read", "nope.read"] }),
  );
  assert.deepEqual([unknown.status, (await unknown.json()).unknown], [400, ["nope.read"]]);
  assert.equal((await put("/api/orgs/default/groups/g", "{not json")).status, 400);
  assert.equal(
    (await put("/api/orgs/default/groups/g", JSON.stringify({ permissions: "x" }))).status,
    400,
  );
  assert.equal(
    (await put("/api/orgs/Default/groups/g", JSON.stringify({ permissions: [] }))).status,
    400,
  );
  assert.equal(
    (await put("/api/orgs/acme/groups/ops", JSON.stringify({ permissions: ["plugins.read"] })))
      .status,
    200,
  );

  const catalog = await (await app.request("/api/permissions", admin)).json();
  const owners = Object.fromEntries(
    catalog.permissions.map((p: { name: string; owner: string }) => [p.name, p.owner]),
  );
  assert.deepEqual(owners, {
    "audit.read": "host",
    "customer.edit": "crm",
    "customer.read": "crm",
    "groups.manage": "host",
    "groups.read": "host",
    "lead.read": "sales",
    "plugins.manage": "host",
    "plugins.read": "host",
  });
});

Deno.test("requirePermission answers 401 without a valid token, 403 without the permission, 200 with it", async () => {
  using fixture = await registryWithCrm();
  const { registry } = fixture;
  const { app } = host(registry);
  const get = async (token?: string) => {
    const response = await app.request(
      "/api/crm/customers",
      token ? { headers: { authorization: `Bearer ${token}` } } : {},
    );
    return [response.status, await response.json()] as const;
  };
  const [noToken] = await get();
  assert.equal(noToken, 401);
  assert.equal((await get("not.a.jwt"))[0], 401);
  assert.equal(
    (await get(
      await tokenFor(
        { org: "default", groups: ["crm_viewer"] },
        "some-other-secret-0123456789abcdef",
      ),
    ))[0],
    401,
  );
  assert.equal(
    (await get(await tokenFor({ org: "default", groups: ["crm_viewer"], exp: 1 })))[0],
    401,
  );
  assert.equal((await get(await tokenFor({ groups: ["crm_viewer"] })))[0], 401, "no org claim");

  const [forbidden, body] = await get(await tokenFor({ org: "default", groups: ["sales_team"] }));
  assert.deepEqual([forbidden, body.error, body.permission], [403, "forbidden", "customer.read"]);
  assert.equal(
    (await get(await tokenFor({ org: "acme", groups: ["crm_viewer"] })))[0],
    403,
    "groups belong to an org",
  );

  const [ok, allowed] = await get(
    await tokenFor({ org: "default", groups: ["crm_viewer"], sub: "ana" }),
  );
  assert.deepEqual([ok, allowed.principal], [200, {
    org: "default",
    groups: ["crm_viewer"],
    subject: "ana",
  }]);
});

Deno.test("without a JWT secret, protected routes are closed", async () => {
  using fixture = await registryWithCrm();
  const { registry } = fixture;
  const app = createApp(registry, { adminToken: TOKEN });
  const token = await tokenFor({ org: "default", groups: ["crm_viewer"] });
  assert.equal(
    (await app.request("/api/crm/customers", { headers: { authorization: `Bearer ${token}` } }))
      .status,
    401,
  );
});

Deno.test("the audit log records enable, disable and group changes, readable at /api/audit", async () => {
  using fixture = await registryWithCrm();
  const { registry } = fixture;
  const { app } = host(registry);
  await app.request("/api/plugins/crm/disable", post);
  await app.request("/api/plugins/broken/enable", post);
  await app.request("/api/orgs/default/groups/ops", {
    method: "PUT",
    headers: { ...admin.headers, "content-type": "application/json" },
    body: JSON.stringify({ permissions: [] }),
  });
  const { events } = await (await app.request("/api/audit", admin)).json();
  assert.deepEqual(
    events.map((e: Record<string, string>) => [e.action, e.target, e.outcome, e.actor]),
    [
      ["group_change", "default/ops", "success", "admin"],
      ["enable", "broken", "failure", "admin"],
      ["disable", "crm", "success", "admin"],
    ],
  );
  assert.match(events[0].time, /^\d{4}-\d{2}-\d{2}T/);
  assert.equal((await app.request("/api/audit")).status, 401);
});

Deno.test("a router in a plugin that is not the host's cannot use requirePermission", async () => {
  const { requirePermission } = await import("../../src/runtime/permissions.ts");
  const app = new Hono().get("/", requirePermission("x.read"), (c) => c.text("no"));
  app.onError((error, c) => c.text(error.message, 500));
  assert.match(
    await (await app.request("/")).text(),
    /only works on routes mounted by the Honeyframe host/,
  );
});

Deno.test("the _demo plugin's protected route admits the seeded demo_viewer group only", async () => {
  using out = makeTree();
  const registry = await loadRegistry(out.root, { installDir: Deno.cwd() });
  const { app } = host(registry);
  const whoami = (token?: string) =>
    app.request(
      "/api/_demo/whoami",
      token ? { headers: { authorization: `Bearer ${token}` } } : {},
    );
  assert.equal((await whoami()).status, 401);
  assert.equal(
    (await whoami(await tokenFor({ org: "default", groups: ["someone_else"] }))).status,
    403,
  );
  const ok = await whoami(await tokenFor({ org: "default", groups: ["demo_viewer"] }));
  assert.deepEqual(await ok.json(), {
    ok: true,
    principal: { org: "default", groups: ["demo_viewer"] },
  });
});
