import assert from "node:assert/strict";
import { csrfOf, form, ORIGIN, signInWith } from "../helpers/admin_forms.ts";
import { Hono } from "hono";
import { PluginLifecycle } from "../../src/runtime/lifecycle.ts";
import { MemoryStore } from "../../src/state/mod.ts";
import { SESSION_TTL_SECONDS } from "../../src/runtime/admin/session.ts";
import { createApp, type Registry } from "../../src/runtime/mod.ts";
import { loadRegistry } from "../helpers/build.ts";
import { registryOf } from "../helpers/registry.ts";
import { healthyPlugin, makeTree, manifest } from "../helpers/tree.ts";

const TOKEN = "admin-ui-test-token-0123";

/** An admin UI over a hand-written registry, with its audit store and a movable clock. */
function adminHost(
  registry: Registry = registryOf({ crm: new Hono().get("/x", (c) => c.text("x")) }),
) {
  let clock = Date.parse("2026-11-26T10:00:00Z");
  const now = () => clock;
  const store = new MemoryStore();
  const lifecycle = new PluginLifecycle(registry, store, { now });
  const audit = { recent: (limit: number) => store.recentAudit(limit) };
  const app = createApp(registry, {
    adminToken: TOKEN,
    lifecycle,
    now,
    port: 8000,
    hostname: "0.0.0.0",
  });
  return { app, audit, advance: (ms: number) => (clock += ms) };
}

/** Signs in and returns the session cookie (`name=value`). */
const signIn = (app: Hono, url?: string) => signInWith(app, TOKEN, url);

Deno.test("unauthenticated visits to /admin/* redirect to the sign-in page", async () => {
  const { app } = adminHost();
  for (
    const path of [
      "/admin",
      "/admin/plugins?status=error",
      "/admin/plugins/crm",
      "/admin/audit",
      "/admin/settings",
    ]
  ) {
    const response = await app.request(`${ORIGIN}${path}`);
    assert.equal(response.status, 303, path);
    assert.equal(
      response.headers.get("location"),
      `/admin/sign-in?next=${encodeURIComponent(path)}`,
    );
  }
  const page = await app.request(`${ORIGIN}/admin/sign-in`);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<label for="token">Admin token<\/label>/);
  assert.match(html, /<input id="token" name="token" type="password"/);
});

Deno.test("signing in sets a signed, expiring, HttpOnly, SameSite=Strict cookie and records the event", async () => {
  const { app, audit, advance } = adminHost();
  const wrong = await app.request(
    `${ORIGIN}/admin/sign-in`,
    form({ token: "not-the-token", next: "/admin/audit" }),
  );
  assert.equal(wrong.status, 401);
  assert.equal(wrong.headers.get("set-cookie"), null);
  assert.match(await wrong.text(), /role="alert">That token is not the admin token/);

  const right = await app.request(
    `${ORIGIN}/admin/sign-in`,
    form({ token: TOKEN, next: "/admin/audit" }),
  );
  assert.equal(right.status, 303);
  assert.equal(right.headers.get("location"), "/admin/audit");
  const cookie = right.headers.get("set-cookie")!;
  assert.match(cookie, /^hf_session=[^;]+; Max-Age=28800; Path=\/; HttpOnly; SameSite=Strict$/);
  assert.doesNotMatch(cookie, /Secure/, "not Secure over http");
  assert.ok(!cookie.includes(TOKEN));

  const https = await app.request(
    "https://admin.example/admin/sign-in",
    form({ token: TOKEN }, undefined, "https://admin.example"),
  );
  assert.match(https.headers.get("set-cookie")!, /; Secure/);

  // Failures are written once their minute is over, one row per client with the count.
  assert.deepEqual((await audit.recent(10)).map((e) => e.outcome), ["success", "success"]);
  advance(60_000);
  await app.request(`${ORIGIN}/admin/sign-in`);
  const events = await audit.recent(10);
  assert.deepEqual(events.map((e) => [e.action, e.outcome, e.actor]), [
    ["sign_in", "failure", "anonymous"],
    ["sign_in", "success", "admin"],
    ["sign_in", "success", "admin"],
  ]);
  assert.equal(events[0]!.time, "2026-11-26T10:00:00.000Z");
  assert.equal(events[0]!.detail, "1 failed sign-in in the minute (wrong admin token)");
});

Deno.test("the next parameter only leads inside this host", async () => {
  const { app } = adminHost();
  for (
    const next of [
      "https://evil.example/",
      "//evil.example/x",
      "/api/plugins",
      "javascript:alert(1)",
    ]
  ) {
    const response = await app.request(`${ORIGIN}/admin/sign-in`, form({ token: TOKEN, next }));
    assert.equal(response.headers.get("location"), "/admin/plugins", next);
  }
});

Deno.test("a session expires, and a tampered or foreign cookie is refused", async () => {
  const { app, advance } = adminHost();
  const cookie = await signIn(app);
  assert.equal((await app.request(`${ORIGIN}/admin/plugins`, { headers: { cookie } })).status, 200);

  const [name, value] = cookie.split("=");
  const [id, expires, signature] = value!.split(".");
  const forged = `${name}=${id}.${Number(expires) + 3600}.${signature}`;
  assert.equal(
    (await app.request(`${ORIGIN}/admin/plugins`, { headers: { cookie: forged } })).status,
    303,
  );

  const other = createApp(registryOf({}), { adminToken: "a-different-admin-token" });
  assert.equal(
    (await other.request(`${ORIGIN}/admin/plugins`, { headers: { cookie } })).status,
    303,
  );

  advance(SESSION_TTL_SECONDS * 1000 + 1);
  assert.equal((await app.request(`${ORIGIN}/admin/plugins`, { headers: { cookie } })).status, 303);
});

Deno.test("form posts need the session's CSRF token and a same-origin request", async () => {
  const { app, audit } = adminHost();
  const cookie = await signIn(app);
  const csrf = await csrfOf(app, cookie);
  assert.equal((await app.request(`${ORIGIN}/admin/sign-out`, form({}, cookie))).status, 403);
  assert.equal(
    (await app.request(`${ORIGIN}/admin/sign-out`, form({ csrf: "forged" }, cookie))).status,
    403,
  );
  assert.equal(
    (await app.request(`${ORIGIN}/admin/sign-out`, form({ csrf }, cookie, "https://evil.example")))
      .status,
    403,
  );
  assert.equal(
    (await app.request(
      `${ORIGIN}/admin/sign-in`,
      form({ token: TOKEN }, undefined, "https://evil.example"),
    )).status,
    403,
  );

  const out = await app.request(`${ORIGIN}/admin/sign-out`, form({ csrf }, cookie));
  assert.equal(out.status, 303);
  assert.equal(out.headers.get("location"), "/admin/sign-in");
  assert.match(out.headers.get("set-cookie")!, /^hf_session=; Max-Age=0; Path=\//);
  assert.deepEqual((await audit.recent(1)).map((e) => e.action), ["sign_out"]);
});

Deno.test("the Plugins page lists every plugin with source, status, a problem count and a status filter; the detail page lists the problems", async () => {
  using tree = makeTree({
    ...healthyPlugin("crm"),
    ...healthyPlugin("crm", "data/plugins"),
    ...healthyPlugin("finance", "data/plugins"),
    "data/plugins/broken/plugin.yaml": manifest(
      "broken",
      "routers:",
      "  - missing.ts:router",
      "# <script>alert(1)</script>",
    ),
    // A typo: `router` for `routers`, so the plugin mounts with no route and a warning.
    "data/plugins/typo/plugin.yaml": manifest("typo", "router:", "  - backend/main.ts:router"),
  });
  const { app } = adminHost(await loadRegistry(tree.root));
  const cookie = await signIn(app);
  const html = await (await app.request(`${ORIGIN}/admin/plugins`, { headers: { cookie } })).text();
  const rows = [...html.matchAll(/<tr data-plugin="([^"]+)" data-source="([^"]+)">(.*?)<\/tr>/g)];
  assert.deepEqual(rows.map((row) => [row[1], row[2]]), [
    ["broken", "data"],
    ["crm", "install"],
    ["crm", "data"],
    ["finance", "data"],
    ["typo", "data"],
  ]);
  assert.match(
    rows[0]![3]!,
    /<td>customer<\/td><td><span class="badge status-error">error<\/span><\/td><td><a class="badge problem-count has-errors" href="\/admin\/plugins\/broken#problems-data">1 error<\/a><\/td>/,
  );
  assert.ok(!rows[0]![3]!.includes("router.not_found"), "the problems are on the detail page");
  assert.match(
    rows[1]![3]!,
    /<td>bundled<\/td><td><span class="badge status-mounted">mounted<\/span><\/td><td><a [^>]*has-warnings[^>]*>1 warning<\/a>/,
  );
  assert.match(rows[2]![3]!, /status-shadowed">shadowed/);
  assert.match(
    rows[3]![3]!,
    /status-mounted">mounted<\/span><\/td><td><\/td>/,
    "no problem, no badge",
  );
  assert.match(
    rows[4]![3]!,
    /<span class="badge status-mounted-warning" title="[^"]+">mounted, no routes<\/span>.*1 warning/,
    "0 routes and a warning is not shown as healthy",
  );
  assert.match(html, /Registry fingerprint <code>sha256-[0-9a-f]{64}<\/code>/);

  const filtered =
    await (await app.request(`${ORIGIN}/admin/plugins?status=error`, { headers: { cookie } }))
      .text();
  assert.deepEqual([...filtered.matchAll(/<tr data-plugin="([^"]+)"/g)].map((row) => row[1]), [
    "broken",
  ]);
  assert.match(
    filtered,
    /<a href="\/admin\/plugins\?status=error" aria-current="true">Error \(1\)<\/a>/,
  );

  const broken =
    await (await app.request(`${ORIGIN}/admin/plugins/broken`, { headers: { cookie } }))
      .text();
  assert.match(
    broken,
    /<ul class="problems" id="problems-data"><li class="error"><strong>Error:<\/strong> plugin\.yaml:4:5 › routers\[0\]: .*router\.not_found/,
    "each problem with its file, line and column",
  );
  assert.match(
    broken,
    /<h3 id="manifest-data">plugin\.yaml as read<\/h3><div class="source-wrap"><ol class="source" aria-labelledby="manifest-data"><li><code>name: broken<\/code><\/li><li><code>version: 1\.0\.0<\/code><\/li><li><code>routers:<\/code><\/li><li><code> {2}- missing\.ts:router<\/code><\/li><li><code># &lt;script&gt;alert\(1\)&lt;\/script&gt;<\/code><\/li><\/ol>/,
    "the manifest as read, escaped, line by line",
  );
  assert.ok(!broken.includes("<script>alert"), "never raw");
  const detail = await (await app.request(`${ORIGIN}/admin/plugins/crm`, { headers: { cookie } }))
    .text();
  assert.match(detail, /crm <span class="meta">\(bundled\)<\/span>/);
  assert.match(detail, /crm <span class="meta">\(customer\)<\/span>/);
  assert.match(detail, /<td>GET<\/td><td><code>\/api\/crm\/ping<\/code><\/td>/);
  assert.equal(
    (await app.request(`${ORIGIN}/admin/plugins/nobody`, { headers: { cookie } })).status,
    404,
  );
});

Deno.test("the Plugins page searches by name, display name, status, source and package", async () => {
  using tree = makeTree({
    ...healthyPlugin("crm"),
    ...healthyPlugin("finance", "data/plugins"),
    "data/plugins/broken/plugin.yaml": manifest("broken", "routers:", "  - missing.ts:router"),
  });
  const { app } = adminHost(await loadRegistry(tree.root));
  const cookie = await signIn(app);
  const search = async (query: string) => {
    const html = await (await app.request(`${ORIGIN}/admin/plugins?${query}`, {
      headers: { cookie },
    })).text();
    return {
      html,
      rows: [...html.matchAll(/<tr data-plugin="([^"]+)"/g)].map((row) => row[1]),
    };
  };
  assert.deepEqual((await search("q=FIN")).rows, ["finance"], "by name, any case");
  assert.deepEqual((await search("q=error")).rows, ["broken"], "by status");
  assert.deepEqual((await search("q=bundled")).rows, ["crm"], "by source");
  assert.deepEqual((await search("q=customer")).rows, ["broken", "finance"]);
  const both = await search("q=customer&status=mounted");
  assert.deepEqual(both.rows, ["finance"], "with the status filter");
  assert.match(both.html, /<input id="plugin-search" type="search" name="q" value="customer"/);
  assert.match(
    both.html,
    /<a href="\/admin\/plugins\?q=customer&amp;status=error" ?>Error \(1\)<\/a>/,
  );
  const none = await search("q=%3Cscript%3E");
  assert.deepEqual(none.rows, []);
  assert.match(none.html, /No plugin matches/);
  assert.ok(!none.html.includes("<script>"), "the query is escaped");
});

Deno.test("with no plugin at all, the Plugins page says how to add the first one", async () => {
  const { app } = adminHost(registryOf({}));
  const cookie = await signIn(app);
  const html = await (await app.request(`${ORIGIN}/admin/plugins`, { headers: { cookie } })).text();
  assert.match(html, /<h2 id="no-plugins">No plugins yet<\/h2>/);
  assert.match(html, /npx deno task plugins new crm/);
  assert.ok(!html.includes("<table"), "no bare table header");
});

Deno.test("the layout has the Administration menu in order and the plugins' nav, and Settings hides the token", async () => {
  const { app } = adminHost();
  const cookie = await signIn(app);
  const settings = await (await app.request(`${ORIGIN}/admin/settings`, { headers: { cookie } }))
    .text();
  const menu = /<h2 id="menu-admin">Administration<\/h2>(.*?)<\/ul>/.exec(settings)![1]!;
  assert.deepEqual([...menu.matchAll(/<span>([^<]+)<\/span>/g)].map((m) => m[1]), [
    "Audit Log",
    "dbt",
    "Plugins",
    "Settings",
  ]);
  assert.match(settings, /<a href="\/admin\/settings" aria-current="page">/);
  assert.match(settings, /<dt>Admin token<\/dt><dd>configured \(value hidden\)<\/dd>/);
  assert.match(settings, /<dt>Listening on<\/dt><dd>0\.0\.0\.0:8000<\/dd>/);
  assert.match(settings, /<dt>Runtime<\/dt><dd>Deno\/\d/);
  assert.ok(!settings.includes(TOKEN));
});

Deno.test("with no admin token and no identity provider, sign-in is closed and says how to open it", async () => {
  const app = createApp(registryOf({}));
  assert.match(
    await (await app.request(`${ORIGIN}/admin/sign-in`)).text(),
    /no admin token and no identity provider is configured/,
  );
  assert.equal(
    (await app.request(`${ORIGIN}/admin/sign-in`, form({ token: "anything-at-all-here" }))).status,
    403,
  );
});

Deno.test("pages carry a strict Content-Security-Policy and the stylesheet is served by the app", async () => {
  const { app } = adminHost();
  const page = await app.request(`${ORIGIN}/admin/sign-in`);
  assert.match(
    page.headers.get("content-security-policy")!,
    /^default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; /,
    "scripts only from the host itself (plugins' bundled client modules), never inline",
  );
  const css = await app.request(`${ORIGIN}/assets/honeyframe.css`);
  assert.equal(css.headers.get("content-type"), "text/css; charset=utf-8");
  assert.match(await css.text(), /:focus-visible/);
});

Deno.test("the JSON API keeps accepting the bearer token and ignores the session cookie", async () => {
  const { app } = adminHost();
  const cookie = await signIn(app);
  assert.equal((await app.request(`${ORIGIN}/api/plugins`, { headers: { cookie } })).status, 401);
  assert.equal(
    (await app.request(`${ORIGIN}/api/plugins`, { headers: { authorization: `Bearer ${TOKEN}` } }))
      .status,
    200,
  );
});

Deno.test("enable and disable ask for confirmation, from the Plugins page and the detail page, and change only on the CSRF-protected POST", async () => {
  const { app, audit } = adminHost();
  const cookie = await signIn(app);
  const csrf = await csrfOf(app, cookie);
  const get = async (path: string) => {
    const response = await app.request(`${ORIGIN}${path}`, { headers: { cookie } });
    return {
      status: response.status,
      location: response.headers.get("location"),
      html: await response.text(),
    };
  };
  const link =
    /<a class="button disable" href="\/admin\/plugins\/crm\/disable" aria-label="Disable crm">Disable<\/a>/;
  assert.match((await get("/admin/plugins")).html, link);
  assert.match((await get("/admin/plugins/crm")).html, link, "on the detail page too");

  const confirm = await get("/admin/plugins/crm/disable");
  assert.equal(confirm.status, 200);
  assert.match(confirm.html, /<h1>Disable crm\?<\/h1>/);
  assert.match(
    confirm.html,
    /<form method="post" action="\/admin\/plugins\/crm\/disable"><input type="hidden" name="csrf" value="[^"]+"><button type="submit" class="disable">Disable crm<\/button> <a href="\/admin\/plugins\/crm">Cancel<\/a>/,
  );
  assert.equal((await app.request(`${ORIGIN}/api/crm/x`)).status, 200, "asking changed nothing");

  assert.equal(
    (await app.request(`${ORIGIN}/admin/plugins/crm/disable`, form({}, cookie))).status,
    403,
  );
  assert.equal((await app.request(`${ORIGIN}/api/crm/x`)).status, 200);
  const disabled = await app.request(`${ORIGIN}/admin/plugins/crm/disable`, form({ csrf }, cookie));
  assert.deepEqual([disabled.status, disabled.headers.get("location")], [303, "/admin/plugins"]);
  assert.equal((await app.request(`${ORIGIN}/api/crm/x`)).status, 404);
  assert.match(
    (await get("/admin/plugins?status=disabled")).html,
    /<tr data-plugin="crm".*status-disabled">disabled<.*aria-label="Enable crm">Enable</,
  );
  // Asking to disable it again leads to where it stands.
  assert.deepEqual(
    [
      (await get("/admin/plugins/crm/disable")).status,
      (await get("/admin/plugins/crm/disable")).location,
    ],
    [303, "/admin/plugins/crm"],
  );
  assert.match((await get("/admin/plugins/crm/enable")).html, /<h1>Enable crm\?<\/h1>/);
  assert.equal((await get("/admin/plugins/nobody/enable")).status, 404);

  assert.equal(
    (await app.request(`${ORIGIN}/admin/plugins/crm/enable`, form({ csrf }, cookie))).status,
    303,
  );
  assert.equal((await app.request(`${ORIGIN}/api/crm/x`)).status, 200);
  assert.deepEqual((await audit.recent(2)).map((e) => [e.action, e.target]), [["enable", "crm"], [
    "disable",
    "crm",
  ]]);
});
