/**
 * A plugin's own `console.*` output in the host's process: while its handler or page runs (across
 * its `await`s and timers), what it prints is a line of the host's log with its name and the request
 * id; the host's own lines, and anything printed outside a plugin's work, print as before. A Deno
 * server sets it up once it listens.
 */
import assert from "node:assert/strict";
import { AsyncLocalStorage } from "node:async_hooks";
import { Hono } from "hono";
import {
  attributeConsole,
  consoleToLog,
  createApp,
  defineRegistry,
  type PluginCall,
  PluginLifecycle,
} from "../../src/runtime/mod.ts";
import { createLogger } from "../../src/log/mod.ts";
import { MemoryStore } from "../../src/state/mod.ts";
import { registryOf } from "../helpers/registry.ts";
import { buildServerEntry } from "../helpers/build.ts";
import { sandboxedDenoServer, startServer } from "../helpers/process.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

Deno.test("what an in-process plugin prints is attributed to it and the request", async () => {
  const router = new Hono().get("/work", async (c) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    console.error("lost the connection", { retry: 2 });
    console.log(new Error("kept going"));
    return c.text("done");
  });
  const [crm] = registryOf({ crm: router }).plugins;
  const registry = defineRegistry({
    fingerprint: "sha256-console",
    permissions: [],
    plugins: [{
      ...crm!,
      pages: { "/": () => (console.warn("rendering the page"), "<p>home</p>") },
    }],
  });
  const lifecycle = new PluginLifecycle(registry, new MemoryStore());
  await lifecycle.ready();
  const lines: string[] = [];
  const log = createLogger({
    format: "json",
    write: (line) => (console.info(line), lines.push(line)),
  });
  const scope = new AsyncLocalStorage<PluginCall>();
  const printed: unknown[][] = [];
  const target = {
    ...console,
    log: (...args: unknown[]) => printed.push(args),
    info: (...args: unknown[]) => printed.push(args),
    warn: (...args: unknown[]) => printed.push(args),
    error: (...args: unknown[]) => printed.push(args),
    debug: (...args: unknown[]) => printed.push(args),
  } as Console;
  const restore = attributeConsole(target, scope, consoleToLog(log));
  const original = globalThis.console;
  globalThis.console = target;
  try {
    const app = createApp(registry, { lifecycle, log, pluginScope: scope });
    const response = await app.request("/api/crm/work", {
      headers: { "X-Request-Id": "req-console-1" },
    });
    assert.equal(await response.text(), "done");
    const page = await app.request("/plugins/crm/", {
      headers: { "X-Request-Id": "req-console-2" },
    });
    assert.equal(page.status, 200);
    target.log("the host itself");
  } finally {
    globalThis.console = original;
    restore();
  }
  const records = lines.map((line) => JSON.parse(line));
  const attributed = records.filter((record) => record.source === "console");
  assert.deepEqual(
    attributed.map((record) => [record.level, record.plugin, record.request_id]),
    [
      ["error", "crm", "req-console-1"],
      ["info", "crm", "req-console-1"],
      ["warn", "crm", "req-console-2"],
    ],
  );
  assert.equal(attributed[0].msg, 'plugin crm: lost the connection {"retry":2}');
  assert.match(attributed[1].msg, /^plugin crm: Error: kept going\n\s+at /);
  assert.ok(
    printed.some((args) => args[0] === "the host itself"),
    "outside a plugin's work, the console prints as it did",
  );
  assert.ok(
    printed.some((args) => typeof args[0] === "string" && args[0].includes('"source":"console"')),
    "the logger's own lines go through the console unchanged",
  );
  // Put back: the console's own methods again.
  assert.equal(target.log.name, "log");
});

Deno.test("a Deno server attributes an in-process plugin's console output once it listens", async () => {
  using tree = makeTree({
    "data/plugins/crm/plugin.yaml": manifest("crm", "routers:", "  - r.ts:router"),
    "data/plugins/crm/r.ts": `import { Hono } from "hono";
export const router = new Hono().get("/work", async (c) => {
  await Promise.resolve();
  console.warn("printed by the plugin");
  return c.text("done");
});`,
  });
  const entry = await buildServerEntry(tree.root);
  await using server = await startServer(
    sandboxedDenoServer(entry, { PORT: "0", HOST: "127.0.0.1", HONEYFRAME_LOG_FORMAT: "json" }),
  );
  const attributed = () =>
    server.output().split("\n").filter((line) => line.includes('"source":"console"'))
      .map((line) => JSON.parse(line));
  // The attribution is set up just after the listening line: a few requests at most find it off.
  const deadline = Date.now() + 5_000;
  let request = 0;
  while (attributed().length === 0 && Date.now() < deadline) {
    const response = await fetch(`${server.url}/api/crm/work`, {
      headers: { "X-Request-Id": `req-deno-${++request}` },
    });
    assert.equal(await response.text(), "done");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const [line] = attributed();
  assert.ok(line, server.output());
  assert.equal(line.level, "warn");
  assert.equal(line.plugin, "crm");
  assert.equal(line.request_id, `req-deno-${request}`);
  assert.equal(line.msg, "plugin crm: printed by the plugin");
});
