/**
 * Attack: plugin data and prototype pollution reaching the host's lookups. Names like
 * `constructor` are plain unknown names, and a polluted `Object.prototype` supplies nothing.
 */
import assert from "node:assert/strict";
import { createApp } from "../../src/runtime/mod.ts";
import { loadRegistry } from "../helpers/build.ts";
import { registryOf } from "../helpers/registry.ts";
import { makeTree, manifest } from "../helpers/tree.ts";
import { SILENT_LOGGER } from "../../src/log/mod.ts";

const TOKEN = "prototype-test-admin-token";

Deno.test("a polluted Object.prototype.adminToken does not open the admin API", async () => {
  const polluted = "attacker-chosen-admin-token";
  const app = createApp(registryOf({}), { log: SILENT_LOGGER });
  Object.defineProperty(Object.prototype, "adminToken", {
    value: polluted,
    configurable: true,
    writable: true,
  });
  try {
    const api = await app.request("/api/plugins", {
      headers: { Authorization: `Bearer ${polluted}` },
    });
    assert.equal(api.status, 401);
    const fresh = createApp(registryOf({}), { log: SILENT_LOGGER });
    const again = await fresh.request("/api/plugins", {
      headers: { Authorization: `Bearer ${polluted}` },
    });
    assert.equal(again.status, 401, "an app created after the pollution is closed too");
  } finally {
    delete (Object.prototype as Record<string, unknown>).adminToken;
  }
});

Deno.test("a nav icon named like an Object.prototype member builds with a warning and every page renders", async () => {
  using tree = makeTree({
    "data/plugins/crm/plugin.yaml": manifest(
      "crm",
      "frontend_entry: pages.tsx",
      "nav:",
      "  - { label: Home, path: /, icon: constructor }",
      "  - { label: Proto, path: /, icon: __proto__ }",
      "  - { label: String, path: /, icon: toString }",
    ),
    "data/plugins/crm/pages.tsx": `export const pages = { "/": () => <h1>CRM</h1> };\n`,
  });
  const registry = await loadRegistry(tree.root, { installDir: tree.root });
  const crm = registry.plugins.find((plugin) => plugin.name === "crm")!;
  assert.equal(crm.status, "mounted");
  assert.deepEqual(
    crm.warnings.map((warning) => [warning.code, warning.path]),
    [
      ["nav.unknown_icon", "nav[0].icon"],
      ["nav.unknown_icon", "nav[1].icon"],
      ["nav.unknown_icon", "nav[2].icon"],
    ],
  );
  const app = createApp(registry, { adminToken: TOKEN, log: SILENT_LOGGER });
  assert.equal((await app.request("/plugins/crm/")).status, 200);
  const signIn = await app.request("http://localhost/admin/sign-in", {
    method: "POST",
    body: new URLSearchParams({ token: TOKEN, next: "/admin/plugins" }),
    headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://localhost" },
  });
  const cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
  for (const path of ["/admin/plugins", "/admin/plugins/crm", "/admin/settings"]) {
    const page = await app.request(`http://localhost${path}`, { headers: { cookie } });
    assert.equal(page.status, 200, path);
  }
});
