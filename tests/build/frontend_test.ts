import assert from "node:assert/strict";
import { join } from "node:path";
import { discover, verify } from "../../src/build/mod.ts";
import { createApp } from "../../src/runtime/mod.ts";
import { loadRegistry } from "../helpers/build.ts";
import { codes } from "../helpers/problems.ts";
import { makeTree, manifest } from "../helpers/tree.ts";
import { ORIGIN, signInWith } from "../helpers/admin_forms.ts";

const TOKEN = "frontend-test-admin-token-0123";

const PAGES = `import type { PluginPageProps } from "@honeyframe/edge";
const Home = (props: PluginPageProps) => <h1>Home of {props.plugin.display_name}</h1>;
const Customers = (props: PluginPageProps) => <p>Customers, page {props.url.searchParams.get("page") ?? "1"}</p>;
export const pages = { "/": Home, "/customers": Customers };
`;

function crmTree(pages: string, ...navLines: string[]) {
  return makeTree({
    "data/plugins/crm/plugin.yaml": manifest(
      "crm",
      "display_name: CRM",
      "frontend_entry: frontend/pages.tsx",
      ...navLines,
    ),
    "data/plugins/crm/frontend/pages.tsx": pages,
  });
}

Deno.test("a customer plugin's pages are verified, imported by the registry and served in the layout", async () => {
  using tree = crmTree(
    PAGES,
    "nav:",
    "  - label: Customers",
    "    path: /customers",
    "    icon: users",
  );
  const registry = await loadRegistry(tree.root);
  const [crm] = registry.plugins;
  assert.deepEqual([crm!.status, crm!.warnings], ["mounted", []]);
  assert.deepEqual(Object.keys(crm!.pages), ["/", "/customers"]);

  const app = createApp(registry);
  const page = await app.request("/plugins/crm/customers?page=3");
  assert.equal(page.status, 200);
  const text = await page.text();
  assert.match(text, /^<!DOCTYPE html><html lang="en">/);
  assert.match(text, /<p>Customers, page 3<\/p>/);
  assert.match(
    text,
    /<a href="\/plugins\/crm\/customers" aria-current="page">/,
    "the nav entry links to the page",
  );
  assert.match(await (await app.request("/plugins/crm/")).text(), /<h1>Home of CRM<\/h1>/);
  const bare = await app.request("/plugins/crm");
  assert.deepEqual([bare.status, bare.headers.get("location")], [301, "/plugins/crm/"]);
  assert.equal((await app.request("/plugins/crm/nope")).status, 404);
});

Deno.test("nav entries without a page are build warnings", async () => {
  using tree = crmTree(
    PAGES,
    "nav:",
    "  - label: Home",
    "    path: /",
    "  - label: Reports",
    "    path: /reports",
  );
  const [crm] = await verify(
    discover({ installDir: join(tree.root, "none"), dataDir: join(tree.root, "data") }),
  );
  assert.equal(crm!.status, "mounted");
  assert.deepEqual(codes(crm!.warnings), ["nav.no_page"]);
  assert.equal(crm!.warnings[0]!.path, "nav[1].path");
  assert.match(crm!.warnings[0]!.message, /`\/reports` has no page \(pages: \/, \/customers\)/);
});

Deno.test("a frontend entry without a valid pages export is an error", async () => {
  const cases: [string, string, RegExp][] = [
    ["export const views = {};\n", "frontend_entry.export_not_found", /no export `pages`/],
    [
      "export const pages = { '/': 'not a component' };\n",
      "frontend_entry.invalid_pages",
      /is an object, not a map of pages/,
    ],
    ["export const pages = () => null;\n", "frontend_entry.invalid_pages", /is a function/],
    [
      "export const pages = { customers: () => null };\n",
      "frontend_entry.invalid_pages",
      /is an object, not a map of pages \(`\{ "\/": Home/,
    ],
    ["throw new Error('no pages today');\n", "frontend_entry.import_failed", /no pages today/],
  ];
  for (const [source, code, message] of cases) {
    using tree = crmTree(source);
    const [crm] = await verify(
      discover({ installDir: join(tree.root, "none"), dataDir: join(tree.root, "data") }),
    );
    assert.deepEqual(codes(crm!.errors), [code], source);
    assert.match(crm!.errors[0]!.message, message);
    assert.equal(crm!.errors[0]!.path, "frontend_entry");
  }
});

Deno.test("pages and nav entries may need a permission the plugin declares: signed out, people are sent to sign in; the admin token opens them; the menu shows only what they may open", async () => {
  using tree = crmTree(
    `import type { PluginPageProps } from "@honeyframe/edge";
const Home = (props: PluginPageProps) => <h1>Home of {props.plugin.display_name}</h1>;
export const pages = {
  "/": Home,
  "/reports": () => <p>Reports</p>,
  "/audit": { component: () => <p>Audit trail</p>, permission: "crm.audit" },
};
`,
    "permissions: [crm.report, crm.audit]",
    "nav:",
    "  - label: Home",
    "    path: /",
    "  - label: Reports",
    "    path: /reports",
    "    permission: crm.report",
  );
  const registry = await loadRegistry(tree.root);
  const [crm] = registry.plugins;
  assert.deepEqual([crm!.status, crm!.errors], ["mounted", []]);
  assert.deepEqual(crm!.page_permissions, { "/audit": "crm.audit" });
  assert.deepEqual(crm!.nav.map((entry) => entry.permission), [undefined, "crm.report"]);

  const app = createApp(registry, { adminToken: TOKEN });
  const home = await (await app.request(`${ORIGIN}/plugins/crm/`)).text();
  assert.match(home, /<h1>Home of CRM<\/h1>/, "a page without a permission is public");
  assert.match(home, /<span>Home<\/span>/);
  assert.doesNotMatch(
    home,
    /<span>Reports<\/span>/,
    "signed out: no entry that needs a permission",
  );
  for (const path of ["/plugins/crm/reports", "/plugins/crm/audit?x=1"]) {
    const response = await app.request(`${ORIGIN}${path}`);
    assert.deepEqual(
      [response.status, response.headers.get("location")],
      [303, `/admin/sign-in?next=${encodeURIComponent(path)}`],
      path,
    );
  }
  const cookie = await signInWith(app, TOKEN);
  const reports = await app.request(`${ORIGIN}/plugins/crm/reports`, { headers: { cookie } });
  assert.equal(reports.status, 200);
  const text = await reports.text();
  assert.match(text, /<p>Reports<\/p>/);
  assert.match(text, /<span>Reports<\/span>/, "the admin token sees every entry");
  const audit = await app.request(`${ORIGIN}/plugins/crm/audit`, { headers: { cookie } });
  assert.match(await audit.text(), /<p>Audit trail<\/p>/);
});

Deno.test("a page that needs a permission the plugin does not declare is an error", async () => {
  using tree = crmTree(
    `export const pages = { "/": { component: () => <p>x</p>, permission: "crm.secret" } };\n`,
    "permissions: [crm.read]",
  );
  const [crm] = await verify(
    discover({ installDir: join(tree.root, "none"), dataDir: join(tree.root, "data") }),
  );
  assert.deepEqual(codes(crm!.errors), ["frontend_entry.undeclared_permission"]);
  assert.match(crm!.errors[0]!.message, /page `\/` needs undeclared `crm\.secret`/);
});
