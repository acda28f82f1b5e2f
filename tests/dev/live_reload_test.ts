/**
 * The dev loop in headless Chromium (issue 34, point 7): an open page reloads by itself after a
 * save; a save that breaks the plugin shows an overlay with the file, line, column and source line
 * while the page keeps showing the last good version; the next good save reloads the page and the
 * overlay is gone; under `--check` a type error breaks a save the same way. Loopback only, every
 * wait bounded.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { startServer } from "../helpers/process.ts";
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
      new Deno.Command(Deno.execPath(), {
        args: ["task", "dev", "--out", join(tree.root, "gen/registry.ts"), "--check"],
        env: {
          INSTALL_DIR: tree.root,
          DATA_DIR: join(tree.root, "data"),
          PORT: "0",
          HOST: "127.0.0.1",
          NO_COLOR: "1",
        },
        stdout: "piped",
        stderr: "piped",
      }),
      60_000,
    );
    const browser = new Deno.Command("node", {
      args: [
        resolve("tests/dev/live_reload.mjs"),
        dev.url,
        join(tree.root, "plugins/crm/frontend/pages.tsx"),
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const killer = setTimeout(() => browser.kill("SIGKILL"), 120_000);
    const output = await browser.output();
    clearTimeout(killer);
    const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, `${text}\n--- dev:\n${dev.output()}`);
    assert.match(text, /live reload e2e: all steps passed/);
  },
);
