/**
 * A folder plugin's own npm dependencies (issue 34, point 1): `zod` from the plugin's
 * `package.json`, installed by the build (no lifecycle script runs; again only when `package.json`
 * changes) and bundled with the plugin, `hono` the host's; the route validates a request on Deno,
 * on Node (its bundle) and in workerd (Miniflare). A dependency the plugin does not declare is still
 * refused by the module policy, and a dependency that cannot be installed is a problem at
 * `package.json`. Needs the npm registry (or npm's cache).
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { bundle } from "../../src/build/bundle.ts";
import { serverEntrySource } from "../../src/build/mod.ts";
import { createApp, type GeneratedRegistry, importPlugins } from "../../src/runtime/mod.ts";
import { buildTree } from "../helpers/build.ts";
import { startServer } from "../helpers/process.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

const ROUTER = `import { Hono } from "hono";
import { z } from "zod";

const Signup = z.object({ email: z.email(), seats: z.number().int().min(1) });

export const router = new Hono().post("/signup", async (c) => {
  const parsed = Signup.safeParse(await c.req.json());
  if (!parsed.success) return c.json({ ok: false, issues: parsed.error.issues.map((issue) => issue.path.join(".")) }, 422);
  return c.json({ ok: true, seats: parsed.data.seats });
});
`;

async function signups(url: string): Promise<[number, unknown][]> {
  const post = async (body: unknown) => {
    const response = await fetch(`${url}/api/shop/signup`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    return [response.status, await response.json()] as [number, unknown];
  };
  return [
    await post({ email: "ada@example.com", seats: 3 }),
    await post({ email: "no", seats: 0 }),
  ];
}

const EXPECTED = [[200, { ok: true, seats: 3 }], [422, { ok: false, issues: ["email", "seats"] }]];

Deno.test("a folder plugin's own zod is installed, bundled with it, and validates on Deno, Node and workerd", async () => {
  using tree = makeTree({
    "plugins/shop/plugin.yaml": manifest("shop", "routers:", "  - backend/router.ts:router"),
    "plugins/shop/package.json": JSON.stringify({
      name: "shop",
      private: true,
      // A lifecycle script that would leave a mark: it never runs.
      scripts: { postinstall: "touch SCRIPT_RAN" },
      dependencies: { zod: "^4.1.0" },
    }),
    "plugins/shop/backend/router.ts": ROUTER,
    // The same import without declaring it: refused as before.
    "plugins/bare/plugin.yaml": manifest("bare", "routers:", "  - router.ts:router"),
    "plugins/bare/router.ts": ROUTER,
    "plugins/broken/plugin.yaml": manifest("broken", "routers:", "  - router.ts:router"),
    "plugins/broken/package.json": JSON.stringify({
      dependencies: { "honeyframe-no-such-package-0b7c": "^1.0.0" },
    }),
    "plugins/broken/router.ts": `export { Hono as router } from "hono";\n`,
  });
  const result = await buildTree(tree.root);
  const byName = new Map(result.plugins.map((plugin) => [plugin.name, plugin]));
  assert.equal(byName.get("shop")!.status, "mounted", JSON.stringify(byName.get("shop")!.errors));
  assert.ok(existsSync(join(tree.root, "plugins/shop/node_modules/zod/package.json")));
  assert.ok(!existsSync(join(tree.root, "plugins/shop/SCRIPT_RAN")), "no lifecycle script ran");
  assert.ok(!existsSync(join(tree.root, "plugins/shop/package-lock.json")), "no lockfile written");
  assert.deepEqual(
    byName.get("bare")!.errors.map((error) => [error.code, error.file, error.line]),
    [["module.undeclared_dependency", "router.ts", 2]],
  );
  const [broken] = byName.get("broken")!.errors;
  assert.deepEqual([broken!.code, broken!.file], ["plugin.dependencies_failed", "package.json"]);
  assert.match(broken!.message, /npm install` of its dependencies failed/);

  // Installed once: a build with the same package.json does not run npm again.
  const stamp = join(tree.root, "plugins/shop/node_modules/.honeyframe-installed");
  const installedAt = statSync(stamp).mtimeMs;
  await buildTree(tree.root);
  assert.equal(statSync(stamp).mtimeMs, installedAt);

  // The bundle the registry imports holds zod, and imports hono from the host.
  const served = readFileSync(
    join(tree.root, ".gen/registry.packages/shop/backend/router.ts"),
    "utf8",
  );
  assert.match(served, /from "hono"/);
  assert.doesNotMatch(served, /from "zod"/);

  // Deno, in process.
  const { registry } = await import(pathToFileURL(result.outFile).href) as {
    registry: GeneratedRegistry;
  };
  const app = createApp(await importPlugins(registry));
  const inDeno = await Promise.all([
    app.request("/api/shop/signup", {
      method: "POST",
      body: JSON.stringify({ email: "ada@example.com", seats: 3 }),
    }),
  ]);
  assert.deepEqual(await inDeno[0]!.json(), { ok: true, seats: 3 });

  // Node, from its bundle; workerd, from the Worker bundle.
  const nodeEntry = join(tree.root, ".gen/node_server.ts");
  writeFileSync(nodeEntry, serverEntrySource(result.outFile, nodeEntry, "node"));
  const nodeBundle = join(tree.root, "server.mjs");
  bundle({ entry: nodeEntry, output: nodeBundle });
  {
    await using node = await startServer(
      new Deno.Command("node", {
        args: [nodeBundle],
        env: {
          PORT: "0",
          HOST: "127.0.0.1",
          PATH: Deno.env.get("PATH") ?? "",
          DATA_DIR: join(tree.root, "data"),
        },
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }),
    );
    assert.deepEqual(await signups(node.url), EXPECTED);
  }
  const workerEntry = join(tree.root, ".gen/worker.ts");
  writeFileSync(workerEntry, serverEntrySource(result.outFile, workerEntry, "worker"));
  const worker = join(tree.root, "worker.js");
  bundle({ entry: workerEntry, output: worker });
  await using workerd = await startServer(
    new Deno.Command("node", {
      args: [resolve("tests/targets/miniflare_host.mjs"), worker, "own-dependencies-token"],
      cwd: dirname(worker),
      env: { PATH: Deno.env.get("PATH") ?? "" },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }),
    60_000,
  );
  assert.deepEqual(await signups(workerd.url), EXPECTED);
});
