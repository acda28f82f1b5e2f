/**
 * The dev loop in headless Chromium (issue 34, point 7): an open page reloads by itself after a
 * save; a save that breaks the plugin shows an overlay with the file, line, column and source line
 * while the page keeps showing the last good version; the next good save reloads the page and the
 * overlay is gone; under `--check` a type error breaks a save the same way. Loopback only, every
 * wait bounded.
 */
import { runBrowserScript } from "../helpers/browser.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { devTask, startServer } from "../helpers/process.ts";
import { makeTree, manifest } from "../helpers/tree.ts";
import { needs } from "../helpers/system_tools.ts";

Deno.test(
  "deno task dev reloads an open page after a save and overlays a broken one",
  needs("chromium"),
  async () => {
    const page = (title: string) =>
      `export const pages = { "/": () => <h1 id="title">${title}</h1> };\n`;
    using tree = makeTree({
      "plugins/crm/plugin.yaml": manifest("crm", "frontend_entry: frontend/pages.tsx"),
      "plugins/crm/frontend/pages.tsx": page("one"),
    });
    await using dev = await startServer(
      devTask(tree.root, ["--check"]),
      60_000,
    );
    const { code, text } = await runBrowserScript(
      "tests/dev/live_reload.mjs",
      [dev.url, join(tree.root, "plugins/crm/frontend/pages.tsx")],
      120_000,
    );
    assert.equal(code, 0, `${text}\n--- dev:\n${dev.output()}`);
    assert.match(text, /live reload e2e: all steps passed/);
  },
);
