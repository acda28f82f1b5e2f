/**
 * `/` is a landing page, not a redirect to a closed sign-in page: a visitor finds the dashboard,
 * the plugin pages anyone may open and a way to sign in; signed in, the pages and admin tools
 * their grants allow.
 */
import assert from "node:assert/strict";
import { ORIGIN, signInWith } from "../helpers/admin_forms.ts";
import { createApp } from "../../src/runtime/mod.ts";
import { loadRegistry } from "../helpers/build.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

const TOKEN = "home-page-test-token-0123";

Deno.test("/ leads to the dashboard, the plugin pages one may open, and sign-in", async () => {
  using tree = makeTree({
    "plugins/crm/plugin.yaml": manifest(
      "crm",
      "frontend_entry: pages.tsx",
      "permissions: [crm.read]",
      "nav:",
      "  - { label: Overview, path: / }",
      "  - { label: Customers, path: /customers, permission: crm.read }",
    ),
    "plugins/crm/pages.tsx":
      `export const pages = { "/": () => <h1>Overview</h1>, "/customers": () => <h1>Customers</h1> };`,
  });
  const registry = await loadRegistry(tree.root);
  const app = createApp(registry, { adminToken: TOKEN });
  const anonymous = await app.request(`${ORIGIN}/`);
  assert.equal(anonymous.status, 200);
  const html = await anonymous.text();
  assert.match(html, /<h1>Honeyframe Edge<\/h1>/);
  assert.match(html, /<a href="\/dashboard">Dashboard<\/a>/);
  assert.match(html, /<a href="\/plugins\/crm\/">Overview<\/a>/);
  assert.doesNotMatch(html, /href="\/plugins\/crm\/customers"/, "a page that needs crm.read");
  assert.doesNotMatch(html, /\(admin\)/);
  assert.match(html, /<a href="\/admin\/sign-in\?next=%2Fdashboard">Sign in<\/a>/);

  const cookie = await signInWith(app, TOKEN);
  const signedIn = await (await app.request(`${ORIGIN}/`, { headers: { cookie } })).text();
  assert.match(signedIn, /<a href="\/plugins\/crm\/customers">Customers<\/a>/);
  assert.match(signedIn, /<a href="\/admin\/plugins">Plugins<\/a> \(admin\)/);
  assert.doesNotMatch(signedIn, />Sign in<\/a>/);
});
