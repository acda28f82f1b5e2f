/**
 * Runtime targets (issue 34, point 4): the build notes what each plugin's server code needs of its
 * runtime, warns for each targeted runtime that lacks it (`runtime.unsupported`, at the use's line
 * and column), records where the plugin cannot load, and a server on such a runtime marks it error
 * without importing it.
 */
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { buildRegistry, readUnloadableModules } from "../../src/build/mod.ts";
import { readTargets } from "../../src/build/runtime_targets.ts";
import { ConfigError } from "../../src/env/mod.ts";
import { type GeneratedRegistry, importPlugins } from "../../src/runtime/mod.ts";
import { cli, treeFlags } from "../helpers/cli.ts";
import { buildTree } from "../helpers/build.ts";
import { makeTree, manifest, pingRouter } from "../helpers/tree.ts";

const router = (name: string, body: string) => ({
  [`plugins/${name}/plugin.yaml`]: manifest(name, "routers:", "  - backend/router.ts:router"),
  [`plugins/${name}/backend/router.ts`]: body,
});

const FILES: Record<string, string> = {
  // node:path is imported by a helper the router imports: the graph is followed.
  ...router(
    "pathy",
    `import { Hono } from "hono";\nimport { joined } from "./paths.ts";\n` +
      `export const router = new Hono().get("/ping", (c) => c.text(joined));\n`,
  ),
  "plugins/pathy/backend/paths.ts":
    `// Joins.\nexport { joined };\nimport { join } from "node:path";\n` +
    `const joined = join("a", "b");\n`,
  ...router(
    "denoish",
    `import { Hono } from "hono";\n(globalThis as Record<string, unknown>).denoishImported = true;\n` +
      `export const router = new Hono().get("/ping", (c) => c.text(Deno.env.get("X") ?? ""));\n`,
  ),
  // Feature detection through globalThis loads everywhere; a test file is no server code.
  ...router(
    "guarded",
    `import { Hono } from "hono";\nconst pid = (globalThis as { Deno?: { pid: number } }).Deno?.pid;\n` +
      `export const router = new Hono().get("/ping", (c) => c.json({ pid }));\n`,
  ),
  "plugins/guarded/tests/x_test.ts":
    `import { join } from "node:path";\nDeno.test("x", () => {});\n`,
  // The client entry runs in the browser: what it names is no runtime's business.
  "plugins/portable/plugin.yaml": manifest(
    "portable",
    "routers:",
    "  - backend/router.ts:router",
    "client_entry: frontend/client.ts",
  ),
  "plugins/portable/backend/router.ts": pingRouter("portable"),
  "plugins/portable/frontend/client.ts":
    `export const bun = typeof Bun === "undefined" ? 0 : Bun.version;\n`,
  // A customer plugin runs isolated: in the Deno plugin process under Node and Bun.
  "data/plugins/boxed/plugin.yaml": manifest("boxed", "routers:", "  - router.ts:router"),
  "data/plugins/boxed/router.ts": `import { Hono } from "hono";\n` +
    `export const router = new Hono().get("/ping", (c) => c.text(String(Deno.pid)));\n`,
};

Deno.test("each targeted runtime that lacks what server code uses is a runtime.unsupported warning at the use", async () => {
  using tree = makeTree(FILES);
  const result = await buildTree(tree.root);
  const byName = new Map(result.plugins.map((plugin) => [plugin.name, plugin]));
  const unsupported = (name: string) =>
    byName.get(name)!.warnings.filter((warning) => warning.code === "runtime.unsupported");
  // All mounted: each loads somewhere.
  assert.deepEqual(
    result.plugins.map((plugin) => [plugin.name, plugin.status]),
    [
      ["boxed", "mounted"],
      ["denoish", "mounted"],
      ["guarded", "mounted"],
      ["pathy", "mounted"],
      ["portable", "mounted"],
    ],
  );
  const [onWorkers, ...rest] = unsupported("pathy");
  assert.equal(rest.length, 0);
  assert.deepEqual(
    [onWorkers!.file, onWorkers!.line, onWorkers!.column],
    ["backend/paths.ts", 3, 22],
  );
  assert.match(
    onWorkers!.message,
    /^`node:path` is not available on Cloudflare Workers \(workerd\): the Worker bundle leaves the plugin out/,
  );
  // Deno.env: Node, Bun and Workers lack it, each named once, at the use.
  assert.deepEqual(
    unsupported("denoish").map((warning) => [
      /on (Node\.js|Bun|Cloudflare Workers)/.exec(warning.message)![1],
      warning.file,
      warning.line,
      warning.column,
    ]),
    [
      ["Node.js", "backend/router.ts", 3, 61],
      ["Bun", "backend/router.ts", 3, 61],
      ["Cloudflare Workers", "backend/router.ts", 3, 61],
    ],
  );
  assert.match(
    unsupported("denoish")[0]!.message,
    /^`Deno\.\*` is not available on Node\.js: a server on Node\.js marks the plugin error without importing it/,
  );
  assert.deepEqual(unsupported("guarded"), []);
  assert.deepEqual(unsupported("portable"), []);
  // Isolated, its code runs in the Deno plugin process under Node and Bun: only Workers lack Deno.
  assert.deepEqual(unsupported("boxed").length, 1);
  assert.match(unsupported("boxed")[0]!.message, /Cloudflare Workers \(workerd\)/);
  // The registry records where each cannot load; the Worker's leave-out list names their modules.
  const { registry } = await import(pathToFileURL(result.outFile).href) as {
    registry: GeneratedRegistry;
  };
  const recorded = Object.fromEntries(
    registry.plugins.map((plugin) => [plugin.name, Object.keys(plugin.unsupported ?? {})]),
  );
  assert.deepEqual(recorded, {
    boxed: ["workerd"],
    denoish: ["node", "bun", "workerd"],
    guarded: [],
    pathy: ["workerd"],
    portable: [],
  });
  assert.deepEqual(
    readUnloadableModules(result.outFile, "workerd").map((file) => file.slice(tree.root.length))
      .sort(),
    [
      "/data/plugins/boxed/router.ts",
      "/plugins/denoish/backend/router.ts",
      "/plugins/pathy/backend/router.ts",
    ],
  );
  assert.deepEqual(
    readUnloadableModules(result.outFile, "node").map((file) => file.slice(tree.root.length)),
    ["/plugins/denoish/backend/router.ts"],
  );
  assert.deepEqual(readUnloadableModules(result.outFile, "deno"), []);

  // A server on Node marks denoish error with the build's problem, without importing its code.
  delete (globalThis as Record<string, unknown>).denoishImported;
  const onNode = await importPlugins(registry, { runtime: "node" });
  const denoish = onNode.plugins.find((plugin) => plugin.name === "denoish")!;
  assert.equal(denoish.status, "error");
  assert.equal(denoish.errors.at(-1)!.code, "runtime.unsupported");
  assert.equal(denoish.errors.at(-1)!.line, 3);
  assert.equal((globalThis as Record<string, unknown>).denoishImported, undefined);
  assert.equal(onNode.plugins.find((plugin) => plugin.name === "pathy")!.status, "mounted");
  // On Deno it is served.
  const onDeno = await importPlugins(registry, { runtime: "deno" });
  assert.equal(onDeno.plugins.find((plugin) => plugin.name === "denoish")!.status, "mounted");
  assert.equal((globalThis as Record<string, unknown>).denoishImported, true);
});

Deno.test("HONEYFRAME_TARGETS narrows what is reported, not what is recorded", async () => {
  using tree = makeTree(FILES);
  const result = await buildRegistry({
    installDir: tree.root,
    dataDir: `${tree.root}/data`,
    outFile: `${tree.root}/.gen/registry.ts`,
    env: { HONEYFRAME_TARGETS: "deno, node" },
  });
  const warned = result.plugins.flatMap((plugin) =>
    plugin.warnings.filter((warning) => warning.code === "runtime.unsupported")
      .map((warning) => `${plugin.name}: ${/on ([A-Za-z.]+)/.exec(warning.message)![1]}`)
  );
  assert.deepEqual(warned, ["denoish: Node.js"]);
  assert.deepEqual(Object.keys(result.unloadable).sort(), ["bun", "node", "workerd"]);
  assert.deepEqual(readTargets({}), ["deno", "node", "bun", "workerd"]);
  assert.deepEqual(readTargets({ HONEYFRAME_TARGETS: "Workerd,deno" }), ["deno", "workerd"]);
  assert.throws(
    () => readTargets({ HONEYFRAME_TARGETS: "deno,cloudflare" }),
    (error: Error) =>
      error instanceof ConfigError &&
      error.message ===
        "HONEYFRAME_TARGETS names `cloudflare`, not a runtime; it takes a comma-separated list of deno, node, bun, workerd",
  );
  assert.throws(() => readTargets({ HONEYFRAME_TARGETS: " , " }), /names no runtime/);
});

Deno.test("plugins verify fails on a plugin that cannot load on a target, and passes when the targets leave that runtime out", async () => {
  using tree = makeTree(
    Object.fromEntries(Object.entries(FILES).filter(([path]) => path.startsWith("plugins/pathy/"))),
  );
  assert.equal((await cli(["build", ...treeFlags(tree.root)])).code, 0);
  const failed = await cli(["verify", ...treeFlags(tree.root)]);
  assert.equal(failed.code, 1);
  assert.ok(
    failed.out.some((line) =>
      line.includes("backend/paths.ts:3:22") && line.includes("[runtime.unsupported]")
    ),
    failed.out.join("\n"),
  );
  assert.match(failed.out.at(-1)!, /^FAILED: .*1 that cannot load on every target/);
  const strict = await cli(["build", "--strict", ...treeFlags(tree.root)]);
  assert.equal(strict.code, 1);
  const narrowed = { HONEYFRAME_TARGETS: "deno,node,bun" };
  assert.equal((await cli(["build", ...treeFlags(tree.root)], narrowed)).code, 0);
  const passed = await cli(["verify", ...treeFlags(tree.root)], narrowed);
  assert.equal(passed.code, 0, passed.out.join("\n"));
});
