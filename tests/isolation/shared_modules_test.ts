/**
 * Isolated plugins' workers share what they have in common: the registry holds the runtime (the
 * worker bootstrap, the serving loop, hono) once, each plugin only its own entry, and the plugin
 * process links them. The bootstrap still runs before any plugin code: a worker starts from a main
 * module that imports the bootstrap's graph before the plugin's entry.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startTestPluginProcess } from "../helpers/plugin_process.ts";
import { SharedModules } from "../../src/adapters/plugin_process/shared_modules.ts";
import { IsolatedPlugins, WORKER_BOOTSTRAP } from "../../src/runtime/plugins/mod.ts";
import { type GeneratedRegistry, importPlugins } from "../../src/runtime/mod.ts";
import { buildTree } from "../helpers/build.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

function plugin(name: string) {
  return {
    [`data/plugins/${name}/plugin.yaml`]: manifest(name, "routers:", "  - r.ts:router"),
    // At its top level, it records whether the bootstrap had already taken `Deno.exit` away.
    [`data/plugins/${name}/r.ts`]: `import { Hono } from "hono";
const exitTakenFirst = Object.getOwnPropertyDescriptor(Deno, "exit")?.configurable === false;
export const router = new Hono().get("/first", (c) => c.json({ plugin: "${name}", exitTakenFirst }));`,
  };
}

Deno.test("the registry holds the workers' shared code once; each worker runs the bootstrap before its plugin", async () => {
  using tree = makeTree({
    ...plugin("one"),
    ...plugin("two"),
    ...plugin("three"),
  });
  const { source } = await buildTree(tree.root);
  const { registry } = await import(join(tree.root, ".gen/registry.ts"));
  const code = await registry.workerCode();
  const shared = code.modules as Record<string, string>;
  const unpackedSize = JSON.stringify(code).length;
  assert.ok(
    source.length < unpackedSize,
    `the registry (${source.length} B) carries the worker code (${unpackedSize} B) packed`,
  );
  assert.ok(!source.includes("serveInWorker"), "no entry is in the registry's text");
  assert.ok(WORKER_BOOTSTRAP in shared, "the bootstrap is a shared module");
  const sharedSize = Object.values(shared).reduce((sum, code) => sum + code.length, 0);
  const entries = Object.values(code.entries) as string[];
  assert.equal(entries.length, 3);
  for (const entry of entries) {
    assert.ok(
      entry.length * 20 < sharedSize,
      `an entry (${entry.length} B) is a small part of the shared code (${sharedSize} B)`,
    );
    assert.ok(!entry.includes("is not available to plugins"), "no entry carries the bootstrap");
  }

  await using process = await startTestPluginProcess(code.process);
  const plugins = new IsolatedPlugins(
    process,
    { timeoutMs: 10_000, maxRestarts: 0, windowMs: 1 },
    {},
    shared,
  );
  for (const p of registry.plugins) {
    await plugins.load({
      name: p.name,
      display_name: p.name,
      code: code.entries[p.name],
      net: [],
      permissions: [],
      outline: p.outline,
    });
  }
  for (const name of ["one", "two", "three"]) {
    const answer = await plugins.fetch(name, new Request(`http://host/api/${name}/first`));
    assert.deepEqual(await answer.json(), { plugin: name, exitTakenFirst: true });
  }
});

Deno.test("a worker's main runs the bootstrap's graph before the entry's, whatever order the entry imports in", async () => {
  const modules = new SharedModules();
  modules.add(WORKER_BOOTSTRAP, `(globalThis.order ??= []).push("bootstrap");`);
  modules.add("chunk-AAAA.js", `(globalThis.order ??= []).push("shared chunk");`);
  // A bundler may put a chunk of plugin code ahead of the bootstrap's in an entry's imports.
  const url = modules.mainUrl(
    `import "./chunk-AAAA.js";\nimport './__bootstrap.js';\nself.postMessage(globalThis.order);\nexport default null;\n`,
  );
  const worker = new Worker(url, { type: "module" });
  try {
    const order = await new Promise((resolve, reject) => {
      worker.onmessage = (event) => resolve(event.data);
      worker.onerror = (event) => {
        event.preventDefault();
        reject(new Error(event.message));
      };
    });
    assert.deepEqual(order, ["bootstrap", "shared chunk"]);
  } finally {
    worker.terminate();
  }
});

Deno.test("the worker code is read only by a host that isolates plugins, and once", async () => {
  using tree = makeTree({ ...plugin("one"), ...plugin("two") });
  await buildTree(tree.root);
  const { registry } = await import(join(tree.root, ".gen/registry.ts"));
  let reads = 0;
  const counted: GeneratedRegistry = {
    ...registry,
    workerCode: () => {
      reads++;
      return registry.workerCode();
    },
  };
  const inProcess = await importPlugins(counted, { isolation: { policy: "none" } });
  assert.deepEqual(inProcess.plugins.map((p) => [p.name, p.status]), [
    ["one", "mounted"],
    ["two", "mounted"],
  ]);
  assert.equal(reads, 0, "running every plugin in process, the host never reads the worker code");
  assert.ok(
    registry.plugins.every((p: { outline?: unknown }) => p.outline !== undefined),
    "each plugin's record says it has a worker entry",
  );
  // Isolated but with no plugin process here: each plugin's entry is looked up (the code is read
  // once for both), and they are refused rather than run in process.
  const refused = await importPlugins(counted, { isolation: { policy: "all" } });
  assert.equal(reads, 1);
  assert.deepEqual(refused.plugins.map((p) => [p.name, p.status, p.errors.at(-1)?.code]), [
    ["one", "error", "plugin.isolation_unavailable"],
    ["two", "error", "plugin.isolation_unavailable"],
  ]);
  assert.match(refused.plugins[0]!.errors.at(-1)!.message, /without a plugin process/);
});
