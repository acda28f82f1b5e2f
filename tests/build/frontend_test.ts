import assert from "node:assert/strict";
import { join } from "node:path";
import { discover, verify } from "../../src/build/mod.ts";
import { createApp } from "../../src/runtime/mod.ts";
import { loadRegistry } from "../helpers/build.ts";
import { codes } from "../helpers/problems.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

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
