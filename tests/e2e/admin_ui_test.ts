/**
 * End to end in headless Chromium (Debian's, driven by playwright-core under Node): sign in, read
 * the plugin table with healthy, shadowed and broken customer plugins, open a detail page, follow
 * the `_demo` nav entry, sign out. Screenshots go to tests/.output/screenshots (gitignored).
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { buildTree } from "../helpers/build.ts";
import { startServer } from "../helpers/process.ts";
import { makeTree, manifest, pingRouter } from "../helpers/tree.ts";

const TOKEN = "e2e-admin-token-0123456789";
const SCREENSHOTS = resolve("tests/.output/screenshots");

Deno.test("the admin UI works in a real browser", async () => {
  using tree = makeTree({
    "data/plugins/finance/plugin.yaml": manifest(
      "finance",
      "display_name: Finance",
      "routers:",
      "  - r.ts:router",
    ),
    "data/plugins/finance/r.ts": pingRouter("finance"),
    "data/plugins/_demo/plugin.yaml": manifest("_demo", "display_name: Customer demo copy"),
    "data/plugins/broken/plugin.yaml": manifest(
      "broken",
      "routers:",
      "  - backend/missing.ts:router",
    ),
  });
  const outFile = join(tree.root, "gen/registry.ts");
  await buildTree(tree.root, { installDir: Deno.cwd(), outFile });
  const entry = join(tree.root, "gen/server.ts");
  writeFileSync(
    entry,
    `import { registry } from "./registry.ts";
import { serveWithDeno } from ${
      JSON.stringify(pathToFileURL(resolve("src/runtime/adapters/deno.ts")).href)
    };
serveWithDeno(registry, { PORT: "0", HOST: "127.0.0.1", HONEYFRAME_ADMIN_TOKEN: ${
      JSON.stringify(TOKEN)
    } });
`,
  );
  await using server = await startServer(
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--config",
        resolve("deno.json"),
        "--deny-read",
        "--allow-net=127.0.0.1",
        entry,
      ],
      stdout: "piped",
      stderr: "piped",
    }),
  );
  mkdirSync(SCREENSHOTS, { recursive: true });
  const browser = new Deno.Command("node", {
    args: [resolve("tests/e2e/admin_ui.mjs"), server.url, TOKEN, SCREENSHOTS],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const killer = setTimeout(() => browser.kill("SIGKILL"), 120_000);
  const output = await browser.output();
  clearTimeout(killer);
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, text);
  assert.match(text, /e2e: all steps passed/);
});
