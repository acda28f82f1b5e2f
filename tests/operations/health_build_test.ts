/**
 * Per-plugin health through the real build: a router module's `health` export reaches the
 * registry's loader and answers on the admin API and the Plugins page; an export that is not a
 * function stops the plugin with `router.invalid_health`.
 */
import assert from "node:assert/strict";
import { SILENT_LOGGER } from "../../src/log/mod.ts";
import { createApp } from "../../src/runtime/mod.ts";
import { loadRegistry } from "../helpers/build.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

const TOKEN = "health-build-admin-token";

Deno.test("a router module's health() is carried by the registry and answers on the API and the Plugins page", async () => {
  using tree = makeTree({
    "plugins/crm/plugin.yaml": manifest(
      "crm",
      "routers:",
      "  - backend/a.ts:router",
      "  - backend/b.ts:router",
    ),
    "plugins/crm/backend/a.ts": `import { Hono } from "hono";
export const router = new Hono().get("/a", (c) => c.text("a"));
export function health() { return { ok: true, detail: "pool of 4 connections" }; }
`,
    "plugins/crm/backend/b.ts": `import { Hono } from "hono";
export const router = new Hono().get("/b", (c) => c.text("b"));
export async function health() { return { ok: false, detail: "billing API answers 503" }; }
`,
    "plugins/plain/plugin.yaml": manifest("plain", "routers:", "  - r.ts:router"),
    "plugins/plain/r.ts": `import { Hono } from "hono";
export const router = new Hono().get("/x", (c) => c.text("x"));
`,
    "plugins/odd/plugin.yaml": manifest("odd", "routers:", "  - r.ts:router"),
    "plugins/odd/r.ts": `import { Hono } from "hono";
export const router = new Hono().get("/x", (c) => c.text("x"));
export const health = { ok: true };
`,
  });
  const registry = await loadRegistry(tree.root);
  const odd = registry.plugins.find((plugin) => plugin.name === "odd")!;
  assert.equal(odd.status, "error");
  assert.deepEqual(odd.errors.map((error) => [error.code, error.path]), [
    ["router.invalid_health", "routers[0]"],
  ]);
  assert.match(odd.errors[0]!.message, /`health` of `r\.ts` is an object, not a function/);

  const app = createApp(registry, { adminToken: TOKEN, log: SILENT_LOGGER });
  const admin = { headers: { Authorization: `Bearer ${TOKEN}` } };
  const crm = await app.request("/api/plugins/crm/health", admin);
  assert.equal(crm.status, 503);
  const body = await crm.json();
  assert.equal(body.status, "failing");
  assert.equal(body.detail, "pool of 4 connections; billing API answers 503");
  const plain = await (await app.request("/api/plugins/plain/health", admin)).json();
  assert.equal(plain.status, "unchecked");

  const signIn = await app.request("/admin/sign-in", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost" },
    body: new URLSearchParams({ token: TOKEN }),
  });
  const cookie = signIn.headers.get("Set-Cookie")!.split(";")[0]!;
  const page = await (await app.request("/admin/plugins", { headers: { Cookie: cookie } })).text();
  const row = page.slice(
    page.indexOf('data-plugin="crm"'),
    page.indexOf("</tr>", page.indexOf('data-plugin="crm"')),
  );
  assert.match(row, /class="badge health-failing">failing</);
  assert.match(row, /billing API answers 503/);
  const detail = await (await app.request("/admin/plugins/crm", { headers: { Cookie: cookie } }))
    .text();
  assert.match(detail, /<dt>Health<\/dt>\s*<dd>.*health-failing/s);
});
