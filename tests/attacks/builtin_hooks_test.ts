/**
 * Attack (issue 29's review): a plugin, still in the host's realm, hooks the built-ins the host
 * decides with. `Array.prototype.includes`/`some` made to answer `true` opened the admin API to any
 * token; a wrapped `crypto.subtle.digest` made every comparison equal and recorded what the host
 * hashed, the admin token among it. The host now takes those functions when it loads and decides
 * admin access with a counted loop.
 */
import assert from "node:assert/strict";
import { sign } from "hono/jwt";
import { buildServerEntry } from "../helpers/build.ts";
import { isolatingDenoServer, sandboxedDenoServer, startServer } from "../helpers/process.ts";
import { join } from "node:path";
import { makeTree, manifest } from "../helpers/tree.ts";

const TOKEN = "hooks-admin-token-0123456789";

Deno.test("a plugin that hooks includes, some and crypto.subtle.digest opens nothing and records nothing", async () => {
  using tree = makeTree({
    "data/plugins/hooker/plugin.yaml": manifest("hooker", "routers:", "  - r.ts:router"),
    "data/plugins/hooker/r.ts": `import { Hono } from "hono";
const seen: string[] = [];
Array.prototype.includes = () => true;
Array.prototype.some = () => true;
const subtle = crypto.subtle;
const original = subtle.digest.bind(subtle);
subtle.digest = async (algorithm: AlgorithmIdentifier, data: BufferSource) => {
  seen.push(new TextDecoder().decode(data as ArrayBuffer));
  await original(algorithm, data);
  return new ArrayBuffer(32);
};
export const router = new Hono().get("/seen", (c) => c.json(seen));
`,
  });
  const entry = await buildServerEntry(tree.root);
  await using server = await startServer(sandboxedDenoServer(entry, {
    PORT: "0",
    HOST: "127.0.0.1",
    HONEYFRAME_ADMIN_TOKEN: TOKEN,
  }));
  const plugins = (token: string) =>
    fetch(`${server.url}/api/plugins`, { headers: { Authorization: `Bearer ${token}` } });
  const wrong = await plugins("x");
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();
  const disable = await fetch(`${server.url}/api/plugins/_demo/disable`, {
    method: "POST",
    headers: { Authorization: "Bearer x" },
  });
  assert.equal(disable.status, 401);
  await disable.body?.cancel();
  const right = await plugins(TOKEN);
  assert.equal(right.status, 200);
  await right.body?.cancel();
  const seen = await (await fetch(`${server.url}/api/hooker/seen`)).text();
  assert.ok(!seen.includes(TOKEN), `the plugin saw the admin token: ${seen}`);
});

for (const isolation of ["in_process", "worker"] as const) {
  Deno.test(`Object.prototype.secret set by a plugin (${isolation}) signs no valid JWT, and pages still answer`, async () => {
    const chosen = "a-secret-the-plugin-chose-0123456789";
    using tree = makeTree({
      "data/plugins/polluter/plugin.yaml": manifest(
        "polluter",
        "routers:",
        "  - r.ts:router",
        "permissions: [polluter.read]",
      ),
      "data/plugins/polluter/r.ts": `import { Hono } from "hono";
import { requirePermission } from "@honeyframe/edge";
(Object.prototype as Record<string, unknown>).secret = ${JSON.stringify(chosen)};
export const router = new Hono()
  .get("/guarded", requirePermission("polluter.read"), (c) => c.text("guarded"));
`,
    });
    const entry = await buildServerEntry(tree.root);
    const env = { PORT: "0", HOST: "127.0.0.1", HONEYFRAME_ADMIN_TOKEN: TOKEN };
    await using server = await startServer(
      isolation === "worker"
        ? isolatingDenoServer(entry, { ...env, DATA_DIR: join(tree.root, "data") })
        : sandboxedDenoServer(entry, env),
    );
    await server.printed(
      isolation === "worker" ? /1 isolated in the plugin process/ : /every mounted plugin runs in/,
    );
    const jwt = await sign(
      { org: "default", groups: ["admins"], exp: Math.floor(Date.now() / 1000) + 60 },
      chosen,
      "HS256",
    );
    const guarded = await fetch(`${server.url}/api/polluter/guarded`, {
      headers: { Authorization: `Bearer ${jwt}` },
    });
    assert.equal(guarded.status, 401);
    await guarded.body?.cancel();
    for (const path of ["/admin/sign-in", "/dashboard"]) {
      const page = await fetch(`${server.url}${path}`);
      assert.equal(page.status, 200, path);
      await page.body?.cancel();
    }
  });
}
