/**
 * Isolated plugins' frames, in process: the host's page embeds a sandboxed frame (and loads the
 * host's end of the protocol) instead of the plugin's markup and client module; the frame document
 * carries its own `sandbox` CSP, needs a ticket for a page with a permission, and renders the page;
 * plugin tokens come only with the session and its CSRF token, are good for their plugin's API
 * only, and expire; the host answers the API's CORS preflight; the plugin origin serves frames only.
 * (The browser's side is `tests/e2e/plugin_frames_test.ts`.)
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import {
  createApp,
  defineRegistry,
  PluginLifecycle,
  principalOf,
  type Registry,
  requirePermission,
} from "../../src/runtime/mod.ts";
import { PluginTokens } from "../../src/runtime/plugin_ui/mod.ts";
import { MemoryStore } from "../../src/state/mod.ts";
import { SILENT_LOGGER } from "../../src/log/mod.ts";
import { csrfOf, ORIGIN, signInWith } from "../helpers/admin_forms.ts";

const TOKEN = "frames-unit-admin-token-0123456789";

function framedRegistry(): Registry {
  const router = new Hono()
    .get("/whoami", requirePermission("blk.read"), (c) => c.json(principalOf(c) ?? {}))
    .get("/open", (c) => c.json({ open: true }));
  const plugin = (name: string, isolation: "worker" | "in_process") => ({
    name,
    display_name: name.toUpperCase(),
    version: "1.0.0",
    source: isolation === "worker" ? "data" as const : "install" as const,
    status: "mounted" as const,
    isolation,
    router_specs: ["r.ts:router"],
    dbt_workspace: null,
    frontend_entry: "pages.tsx",
    nav: [{ label: "Home", path: "/", permission: "blk.read" }],
    permissions: ["blk.read"],
    seed_groups: [],
    errors: [],
    warnings: [],
    routes: router.routes.map((route) => ({
      method: route.method,
      path: `/api/${name}${route.path}`,
      router: "r.ts:router",
    })),
    routers: [{ spec: "r.ts:router", app: router }],
    pages: {
      "/": () => <h1>{name} home</h1>,
      "/public": () => <h1>{name} public</h1>,
      "/boom": () => {
        throw new Error("secret detail of the failure");
      },
    },
    health: [],
    blocks: [{ id: "summary", title: "Summary", size: "small" as const }],
    blockComponents: { summary: () => <p>{name} block</p> },
    client: { hash: "0123456789abcdef", bytes: 10 },
  });
  return defineRegistry<Registry>({
    fingerprint: "sha256-frames",
    permissions: [],
    plugins: [plugin("blk", "worker"), plugin("other", "worker"), plugin("inline", "in_process")],
    assets: {
      blk: { js: "export {};\n", map: "{}" },
      other: { js: "export {};\n", map: "{}" },
      inline: { js: "export {};\n", map: "{}" },
    },
  });
}

async function framedApp(
  options: {
    pluginOrigin?: URL;
    publicUrl?: URL;
    now?: () => number;
    log?: typeof SILENT_LOGGER;
  } = {},
) {
  const registry = framedRegistry();
  const store = new MemoryStore();
  const lifecycle = new PluginLifecycle(registry, store);
  await lifecycle.ready();
  return createApp(registry, { adminToken: TOKEN, lifecycle, ...options });
}

Deno.test("an isolated plugin's page is a sandboxed frame; a bundled one renders inline", async () => {
  const app = await framedApp();
  const cookie = await signInWith(app, TOKEN);
  const framed = await app.request(`${ORIGIN}/plugins/blk/?q=1`, { headers: { cookie } });
  assert.equal(framed.status, 200);
  const html = await framed.text();
  assert.doesNotMatch(html, /blk home/, "the plugin's markup is not on the host's page");
  assert.doesNotMatch(html, /assets\/plugins\/blk/, "nor is its client module");
  assert.match(html, /<script src="\/frames\/host\.js" defer>/);
  const frame = /<iframe ([^>]*)>/.exec(html)?.[1] ?? "";
  assert.match(frame, /sandbox="allow-scripts allow-forms allow-popups"/);
  assert.doesNotMatch(frame, /allow-same-origin/);
  assert.match(frame, /title="BLK: home"/);
  assert.match(frame, /data-token-url="\/frames\/blk\/token"/);
  assert.match(frame, /src="\/frames\/blk\/page\/\?q=1&amp;hf_ticket=[\w.-]+"/);
  const csp = framed.headers.get("content-security-policy") ?? "";
  assert.match(csp, /frame-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(framed.headers.get("x-frame-options"), "DENY");

  const inline = await (await app.request(`${ORIGIN}/plugins/inline/`, { headers: { cookie } }))
    .text();
  assert.match(inline, /<h1>inline home<\/h1>/);
  assert.doesNotMatch(inline, /<iframe/);

  // The frame document: sandboxed by its own CSP, the page rendered, the plugin's module loaded.
  const src = /src="([^"]+)"/.exec(frame)![1]!.replaceAll("&amp;", "&");
  const document = await app.request(`${ORIGIN}${src}`);
  assert.equal(document.status, 200);
  const policy = document.headers.get("content-security-policy") ?? "";
  assert.match(policy, /^sandbox allow-scripts allow-forms allow-popups; default-src 'none';/);
  assert.match(policy, /frame-ancestors 'self'/);
  const body = await document.text();
  assert.match(body, /<h1>blk home<\/h1>/);
  assert.match(body, /<script type="module" src="\/assets\/plugins\/blk\/0123456789abcdef\.js">/);
  assert.match(
    body,
    /<meta name="honeyframe-page" content="http:\/\/localhost\/plugins\/blk\/\?q=1"/,
  );
  assert.doesNotMatch(body, /csrf|Sign out/i, "no CSRF token, no session control in the frame");

  // Without a ticket (opened on its own, or by another page) a page with a permission is refused.
  assert.equal((await app.request(`${ORIGIN}/frames/blk/page/`)).status, 401);
  assert.equal((await app.request(`${ORIGIN}/frames/blk/page/public`)).status, 200);
  // Another plugin's ticket opens nothing here.
  const otherFrame = await (await app.request(`${ORIGIN}/plugins/other/`, { headers: { cookie } }))
    .text();
  const otherTicket = /hf_ticket=([\w.-]+)/.exec(otherFrame)![1]!;
  assert.equal(
    (await app.request(`${ORIGIN}/frames/blk/page/?hf_ticket=${otherTicket}`)).status,
    401,
  );
  // A bundled plugin has no frames.
  assert.equal((await app.request(`${ORIGIN}/frames/inline/page/`)).status, 404);
});

Deno.test("an isolated plugin's page that throws is its own: an error page in its frame, a log line naming it", async () => {
  const lines: string[] = [];
  const app = await framedApp({
    log: { ...SILENT_LOGGER, error: (message: string) => lines.push(message) },
  });
  const document = await app.request(`${ORIGIN}/frames/blk/page/boom`);
  assert.equal(document.status, 500);
  const body = await document.text();
  assert.match(body, /<main>.*The page of the plugin <code>blk<\/code>/s);
  assert.match(body, /request id/i);
  assert.doesNotMatch(body, /secret detail/, "nothing of the error reaches the page");
  assert.deepEqual(lines, ["page /boom of plugin blk failed to render"]);
});

Deno.test("the dashboard frames an isolated plugin's block, which gets no token", async () => {
  const app = await framedApp();
  const page = await (await app.request(`${ORIGIN}/dashboard`)).text();
  assert.match(page, /<p>inline block<\/p>/);
  assert.doesNotMatch(page, /blk block/);
  const frame = /<iframe ([^>]*data-honeyframe-plugin="blk"[^>]*)>/.exec(page)?.[1] ?? "";
  assert.match(frame, /title="Summary \(BLK\)"/);
  assert.doesNotMatch(frame, /data-token-url/);
  const document = await app.request(`${ORIGIN}/frames/blk/block/summary`);
  assert.equal(document.status, 200);
  assert.match(await document.text(), /<p>blk block<\/p>/);
});

Deno.test("plugin tokens: with the session and its CSRF token, for that plugin's API only", async () => {
  const app = await framedApp();
  const cookie = await signInWith(app, TOKEN);
  const csrf = await csrfOf(app, cookie);
  const ask = (headers: Record<string, string>, plugin = "blk") =>
    app.request(`${ORIGIN}/frames/${plugin}/token`, { method: "POST", headers });
  assert.equal((await ask({})).status, 401, "no session");
  assert.equal((await ask({ cookie })).status, 403, "no CSRF token");
  assert.equal((await ask({ cookie, "x-honeyframe-csrf": "guessed" })).status, 403);
  assert.equal((await ask({ cookie, "x-honeyframe-csrf": csrf }, "inline")).status, 404);
  const issued = await ask({ cookie, "x-honeyframe-csrf": csrf });
  assert.equal(issued.status, 200);
  assert.equal(issued.headers.get("cache-control"), "no-store");
  const { token, expires_at } = await issued.json() as { token: string; expires_at: number };
  assert.ok(expires_at - Date.now() / 1000 <= 300);

  const bearer = { headers: { authorization: `Bearer ${token}` } };
  const own = await app.request(`${ORIGIN}/api/blk/whoami`, bearer);
  assert.equal(own.status, 200);
  assert.equal((await own.json()).subject, "admin");
  assert.equal((await app.request(`${ORIGIN}/api/other/whoami`, bearer)).status, 401);
  assert.equal((await app.request(`${ORIGIN}/api/inline/whoami`, bearer)).status, 401);
  assert.equal((await app.request(`${ORIGIN}/api/plugins`, bearer)).status, 401);
});

Deno.test("plugin tokens expire, and every instance on one store verifies them", async () => {
  const store = new MemoryStore();
  let now = 1_000_000_000_000;
  const one = new PluginTokens(store, () => now);
  const two = new PluginTokens(store, () => now);
  const holder = { subject: "bob", org: "default", groups: ["viewers"], admin: false };
  // Two instances that need the key at once agree on one.
  const [a, b] = await Promise.all([
    one.issue("blk", "plugin", holder),
    two.issue("blk", "plugin", holder),
  ]);
  assert.deepEqual(await two.verify(a.token, "blk", "plugin"), holder);
  assert.deepEqual(await one.verify(b.token, "blk", "plugin"), holder);
  assert.equal(await one.verify(a.token, "blk", "frame"), undefined, "a token is no ticket");
  assert.equal(await one.verify(a.token, "other", "plugin"), undefined);
  assert.equal(await one.verify("not-a-token", "blk", "plugin"), undefined);
  now += 301_000 + 60_000;
  assert.equal(await one.verify(a.token, "blk", "plugin"), undefined, "expired");
});

Deno.test("the host answers a framed plugin's CORS, never with credentials", async () => {
  const app = await framedApp();
  const preflight = await app.request(`${ORIGIN}/api/blk/whoami`, {
    method: "OPTIONS",
    headers: {
      origin: "null",
      "access-control-request-method": "GET",
      "access-control-request-headers": "authorization",
    },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get("access-control-allow-origin"), "*");
  assert.match(preflight.headers.get("access-control-allow-headers") ?? "", /Authorization/);
  assert.equal(preflight.headers.get("access-control-allow-credentials"), null);
  const answer = await app.request(`${ORIGIN}/api/blk/open`, { headers: { origin: "null" } });
  assert.equal(answer.headers.get("access-control-allow-origin"), "*");
  // A bundled plugin's API and the host's own answer no CORS.
  const inline = await app.request(`${ORIGIN}/api/inline/open`, { headers: { origin: "null" } });
  assert.equal(inline.headers.get("access-control-allow-origin"), null);
  const asset = await app.request(`${ORIGIN}/assets/plugins/blk/0123456789abcdef.js`);
  assert.equal(asset.headers.get("access-control-allow-origin"), "*");
});

Deno.test("with a plugin origin, frames come from it, and it serves nothing else", async () => {
  const app = await framedApp({
    pluginOrigin: new URL("http://plugins.localhost"),
    publicUrl: new URL(ORIGIN),
  });
  const cookie = await signInWith(app, TOKEN);
  const page = await app.request(`${ORIGIN}/plugins/blk/`, { headers: { cookie } });
  assert.match(
    page.headers.get("content-security-policy") ?? "",
    /frame-src http:\/\/plugins\.localhost/,
  );
  const src = /<iframe [^>]*src="([^"]+)"/.exec(await page.text())![1]!.replaceAll("&amp;", "&");
  assert.match(src, /^http:\/\/plugins\.localhost\/frames\/blk\/page\/\?hf_ticket=/);
  const document = await app.request(src);
  assert.equal(document.status, 200);
  const body = await document.text();
  assert.match(body, /<link rel="stylesheet" href="http:\/\/localhost\/assets\/honeyframe\.css"/);
  assert.match(body, /<meta name="honeyframe-host" content="http:\/\/localhost"/);
  assert.match(
    document.headers.get("content-security-policy") ?? "",
    /frame-ancestors 'self' http:\/\/localhost/,
  );
  for (const path of ["/admin/settings", "/api/blk/open", "/plugins/blk/", "/frames/blk/token"]) {
    const response = await app.request(`http://plugins.localhost${path}`);
    assert.equal(response.status, 404, path);
  }
});
