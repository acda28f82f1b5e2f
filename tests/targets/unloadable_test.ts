/**
 * A plugin that cannot load on Cloudflare Workers (issue 34, point 4): a `node:` import anywhere in a
 * Worker's bundle stops the whole Worker from loading, so the Worker bundle leaves that plugin's code
 * out, and the Worker marks it error and serves the others (workerd through Miniflare).
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { bundle } from "../../src/build/bundle.ts";
import { readUnloadableModules, serverEntrySource } from "../../src/build/mod.ts";
import { buildTree } from "../helpers/build.ts";
import { startServer } from "../helpers/process.ts";
import { makeTree, manifest, pingRouter } from "../helpers/tree.ts";

const TOKEN = "unloadable-test-admin-token";

function miniflare(worker: string) {
  return new Deno.Command("node", {
    args: [resolve("tests/targets/miniflare_host.mjs"), worker, TOKEN],
    // Miniflare names modules from its working folder.
    cwd: dirname(worker),
    env: { PATH: Deno.env.get("PATH") ?? "" },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  });
}

Deno.test("the Worker bundle leaves out a plugin importing node:path, marks it error and serves the rest", async () => {
  using tree = makeTree({
    "plugins/pathy/plugin.yaml": manifest("pathy", "routers:", "  - router.ts:router"),
    "plugins/pathy/router.ts": `import { Hono } from "hono";\nimport { join } from "node:path";\n` +
      `export const router = new Hono().get("/ping", (c) => c.text(join("a", "b")));\n`,
    "plugins/portable/plugin.yaml": manifest("portable", "routers:", "  - router.ts:router"),
    "plugins/portable/router.ts": pingRouter("portable"),
  });
  const { outFile } = await buildTree(tree.root);
  const entry = join(tree.root, ".gen/worker.ts");
  writeFileSync(entry, serverEntrySource(outFile, entry, "worker"));
  const leftOut = readUnloadableModules(outFile, "workerd");
  assert.deepEqual(leftOut, [join(tree.root, "plugins/pathy/router.ts")]);

  // Bundled whole, the Worker does not load at all: every plugin is lost with it.
  const whole = join(tree.root, "whole.js");
  bundle({ entry, output: whole });
  assert.match(readFileSync(whole, "utf8"), /"node:path"/);
  await assert.rejects(startServer(miniflare(whole), 60_000), /dependency "node:path"/);

  const worker = join(tree.root, "worker.js");
  bundle({ entry, output: worker }, Deno.cwd(), leftOut);
  assert.doesNotMatch(readFileSync(worker, "utf8"), /"node:path"/);
  await using server = await startServer(miniflare(worker), 60_000);
  const ping = await fetch(`${server.url}/api/portable/ping`);
  assert.equal(ping.status, 200);
  assert.deepEqual(await ping.json(), { pong: "portable" });
  const gone = await fetch(`${server.url}/api/pathy/ping`);
  assert.equal(gone.status, 404);
  await gone.body?.cancel();
  const listed = await fetch(`${server.url}/api/plugins`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  const body = await listed.json() as {
    plugins: {
      name: string;
      status: string;
      errors: { code: string; file?: string; line?: number }[];
    }[];
  };
  const pathy = body.plugins.find((plugin) => plugin.name === "pathy")!;
  assert.equal(pathy.status, "error");
  assert.deepEqual(
    pathy.errors.map((error) => [error.code, error.file, error.line]),
    [["runtime.unsupported", "router.ts", 2]],
  );
  assert.equal(body.plugins.find((plugin) => plugin.name === "portable")!.status, "mounted");
});
