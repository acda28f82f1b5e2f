/**
 * Browsers get pages, not JSON: an unknown URL under `/admin` or `/plugins` answers a 404 page in
 * the layout (the API keeps its JSON 404), and a nav entry whose path has no page is not a link.
 */
import assert from "node:assert/strict";
import { createApp, PluginLifecycle } from "../../src/runtime/mod.ts";
import { MemoryStore } from "../../src/state/mod.ts";
import { form, ORIGIN, signInWith } from "../helpers/admin_forms.ts";
import { loadRegistry } from "../helpers/build.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

const TOKEN = "not-found-admin-token-0123";

Deno.test("unknown pages under /admin and /plugins are 404 pages in the layout; /api stays JSON", async () => {
  using tree = makeTree({
    "plugins/crm/plugin.yaml": manifest(
      "crm",
      "frontend_entry: pages.tsx",
      "nav:",
      "  - label: Customers",
      "    path: /",
      "  - label: Later",
      "    path: /later",
    ),
    "plugins/crm/pages.tsx": "export const pages = { '/': () => <p>customers</p> };\n",
  });
  const registry = await loadRegistry(tree.root);
  const lifecycle = new PluginLifecycle(registry, new MemoryStore());
  const app = createApp(registry, { adminToken: TOKEN, lifecycle });
  const cookie = await signInWith(app, TOKEN);
  const get = (path: string) => app.request(`${ORIGIN}${path}`, { headers: { cookie } });

  for (const path of ["/admin/nope", "/admin/plugins/nobody", "/plugins/crm/nope", "/plugins/x"]) {
    const response = await get(path);
    assert.equal(response.status, 404, path);
    assert.match(response.headers.get("content-type") ?? "", /text\/html/, path);
    const page = await response.text();
    assert.match(page, /<h1>Page not found<\/h1>/, path);
    assert.match(page, new RegExp(`There is no page at <code>${path}</code>`), path);
    assert.match(page, /<h2 id="menu-admin">Administration<\/h2>/, `${path}: inside the layout`);
  }
  const api = await get("/api/nope");
  assert.equal(api.status, 404);
  assert.equal((await api.json()).error, "not_found");

  const home = await (await get("/plugins/crm/")).text();
  assert.match(home, /<a href="\/plugins\/crm\/"[^>]*>.*<span>Customers<\/span><\/a>/s);
  assert.match(home, /<span class="nav-missing"[^>]*>.*<span>Later<\/span><\/span>/s);
  assert.doesNotMatch(home, /href="\/plugins\/crm\/later"/, "no link to a page that is not there");

  await lifecycle.setEnabled("crm", false, "admin");
  const disabled = await get("/plugins/crm/");
  assert.equal(disabled.status, 404);
  assert.match(await disabled.text(), /<h1>Page not found<\/h1>/);
  const unsigned = await app.request(`${ORIGIN}/admin/nope`);
  assert.equal(unsigned.status, 303, "the admin 404 page is behind the session like the rest");
});

Deno.test("every page shows who is signed in and the sign-out control, plugin pages and the dashboard included; signed out, a sign-in link that comes back", async () => {
  using tree = makeTree({
    "plugins/crm/plugin.yaml": manifest("crm", "frontend_entry: pages.tsx"),
    "plugins/crm/pages.tsx": "export const pages = { '/': () => <p>customers</p> };\n",
  });
  const registry = await loadRegistry(tree.root);
  const app = createApp(registry, {
    adminToken: TOKEN,
    lifecycle: new PluginLifecycle(registry, new MemoryStore()),
  });
  const cookie = await signInWith(app, TOKEN);
  for (const path of ["/plugins/crm/", "/dashboard", "/plugins/crm/nope", "/admin/plugins"]) {
    const page = await (await app.request(`${ORIGIN}${path}`, { headers: { cookie } })).text();
    assert.match(
      page,
      /<div class="who"><p>Signed in as <strong>admin<\/strong> <span class="meta">\(admin token\)<\/span><\/p><form method="post" action="\/admin\/sign-out"><input type="hidden" name="csrf" value="[^"]+"><button type="submit">Sign out<\/button><\/form><\/div>/,
      path,
    );
    const anonymous = await (await app.request(`${ORIGIN}${path}`)).text();
    if (path.startsWith("/admin")) continue; // admin pages send anonymous visitors to sign in
    assert.doesNotMatch(anonymous, /Sign out/, path);
    assert.match(
      anonymous,
      new RegExp(`<a href="/admin/sign-in\\?next=${encodeURIComponent(path)}">Sign in</a>`),
      path,
    );
  }
});

Deno.test("signing in from the dashboard's Sign in link comes back to the dashboard", async () => {
  using tree = makeTree();
  const registry = await loadRegistry(tree.root);
  const app = createApp(registry, {
    adminToken: TOKEN,
    lifecycle: new PluginLifecycle(registry, new MemoryStore()),
  });
  const response = await app.request(
    `${ORIGIN}/admin/sign-in`,
    form({ token: TOKEN, next: "/dashboard" }),
  );
  assert.deepEqual([response.status, response.headers.get("location")], [303, "/dashboard"]);
  const outside = await app.request(
    `${ORIGIN}/admin/sign-in`,
    form({ token: TOKEN, next: "/dashboardx//evil" }),
  );
  assert.equal(outside.headers.get("location"), "/admin/plugins");
});
