/**
 * End to end in headless Chromium (Debian's, driven by playwright-core under Node): sign in, read
 * the plugin table with healthy, shadowed and broken customer plugins, open a detail page, follow
 * the `_demo` nav entry and click its client-side counter, read the dashboard's blocks, set a
 * plugin's settings in its Settings form (a bad value refused at its field, the secret write-only),
 * sign out. Screenshots go to tests/.output/screenshots (gitignored).
 */
import { runBrowserScript } from "../helpers/browser.ts";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { buildServerEntry } from "../helpers/build.ts";
import { sandboxedDenoServer, startServer } from "../helpers/process.ts";
import { makeTree, manifest, pingRouter } from "../helpers/tree.ts";
import { needs } from "../helpers/system_tools.ts";

const TOKEN = "e2e-admin-token-0123456789";
const SECRET = "sk_live_e2e-secret-0123456789";
const SCREENSHOTS = resolve("tests/.output/screenshots");

Deno.test("the admin UI works in a real browser", needs("chromium"), async () => {
  using tree = makeTree({
    "data/plugins/finance/plugin.yaml": manifest(
      "finance",
      "display_name: Finance",
      "routers:",
      "  - r.ts:router",
      "frontend_entry: blocks.tsx",
    ),
    "data/plugins/finance/r.ts": pingRouter("finance"),
    "data/plugins/finance/blocks.tsx": `export const pages = { "/": () => <h1>Finance</h1> };
export const blocks = {
  crash: { title: "Crash", component: () => { throw new Error("a block that fails"); } },
};
`,
    "data/plugins/crm/plugin.yaml": manifest(
      "crm",
      "routers:",
      "  - r.ts:router",
      "config:",
      "  api_url: { type: url, required: true, description: CRM API base URL }",
      "  api_key: { type: string, secret: true, required: true }",
      "  page_size: { type: number, default: 50 }",
      "  region: { type: enum, values: [eu, us], default: eu }",
    ),
    "data/plugins/crm/r.ts": `import { Hono } from "hono";
import { pluginContext } from "@honeyframe/edge";
export const router = new Hono().get("/settings", (c) => c.json(pluginContext(c).config));`,
    "data/plugins/_demo/plugin.yaml": manifest("_demo", "display_name: Customer demo copy"),
    "data/plugins/broken/plugin.yaml": manifest(
      "broken",
      "routers:",
      "  - backend/missing.ts:router",
    ),
  });
  const entry = await buildServerEntry(tree.root);
  await using server = await startServer(
    sandboxedDenoServer(entry, {
      PORT: "0",
      HOST: "127.0.0.1",
      HONEYFRAME_ADMIN_TOKEN: TOKEN,
      HONEYFRAME_SECRETS_KEY: btoa(String.fromCharCode(...new Uint8Array(32).fill(5))),
    }),
  );
  mkdirSync(SCREENSHOTS, { recursive: true });
  const { code, text } = await runBrowserScript(
    "tests/e2e/admin_ui.mjs",
    [server.url, TOKEN, SCREENSHOTS, SECRET],
    120_000,
  );
  assert.equal(code, 0, text);
  assert.match(text, /e2e: all steps passed/);
});
