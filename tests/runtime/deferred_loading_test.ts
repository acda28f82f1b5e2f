/**
 * Plugins imported on first use (`HONEYFRAME_PLUGIN_LOADING` `lazy` and `background`): the app is
 * made from the build's route table and outlines, a plugin's code is imported when a request first
 * needs it (only that plugin's), requests wait for it, and a plugin whose import throws or whose
 * routers serve routes the build did not see answers 500 and is marked `error` and audited while
 * the others serve. Under `background`, `/readyz` is 503 until every import has finished.
 */
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { buildTree } from "../helpers/build.ts";
import { makeTree, manifest } from "../helpers/tree.ts";
import { createLogger } from "../../src/log/mod.ts";
import {
  createApp,
  DeferredPlugins,
  type GeneratedRegistry,
  PluginLifecycle,
  type PluginLoading,
  startPlugins,
} from "../../src/runtime/mod.ts";
import { MemoryStore } from "../../src/state/mod.ts";

const TOKEN = "deferred-admin-token-0123456789";

/** True in the server, false in the build's import worker. */
const IN_SERVER = `typeof (globalThis as any).WorkerGlobalScope === "undefined"`;

/** The plugins' modules record their import here, by test. */
type Imports = Record<string, string[]>;

/** A plugin with one router whose module records its import (after `atImport`) under `key`. */
function plugin(
  name: string,
  key: string,
  atImport = "",
  routes = `.get("/x", (c) => c.text("${name}"))`,
) {
  return {
    [`plugins/${name}/plugin.yaml`]: manifest(name, "routers:", "  - r.ts:router"),
    [`plugins/${name}/r.ts`]: `import { Hono } from "hono";
${atImport}
const imports = ((globalThis as any).deferredImports ??= {});
(imports[${JSON.stringify(key)}] ??= []).push(${JSON.stringify(name)});
export const router = new Hono()${routes};
`,
  };
}

function importsOf(key: string): string[] {
  return ((globalThis as { deferredImports?: Imports }).deferredImports?.[key] ?? []).sort();
}

/** Builds the tree and makes the host app over its registry, its plugins left to first use. */
async function deferredApp(root: string, loading: PluginLoading) {
  const { outFile } = await buildTree(root);
  const generated = (await import(pathToFileURL(outFile).href)).registry as GeneratedRegistry;
  const lines: string[] = [];
  const log = createLogger({ format: "json", write: (line) => lines.push(line) });
  const { registry, deferred } = await startPlugins(generated, { loading, log, timeoutMs: 2_000 });
  const store = new MemoryStore();
  const lifecycle = new PluginLifecycle(registry, store, { log });
  await lifecycle.ready();
  const app = createApp(registry, { lifecycle, log, deferred, loading, adminToken: TOKEN });
  const report = async () =>
    (await (await app.request("/api/plugins", {
      headers: { Authorization: `Bearer ${TOKEN}` },
    })).json()) as { plugins: { name: string; status: string; errors: { code: string }[] }[] };
  return { app, deferred, store, lines, report };
}

Deno.test("a first request imports only its plugin's code, waits for it, and answers from it", async () => {
  using tree = makeTree({
    ...plugin("slow", "first-use", "await new Promise((resolve) => setTimeout(resolve, 300));"),
    ...plugin("other", "first-use"),
  });
  const { app, deferred } = await deferredApp(tree.root, "lazy");
  assert.deepEqual(importsOf("first-use"), [], "nothing imported when the app is made");
  assert.equal(deferred.size, 2);
  const response = await app.request("/api/slow/x");
  assert.equal(response.status, 200);
  assert.equal(await response.text(), "slow");
  assert.deepEqual(importsOf("first-use"), ["slow"], "only the plugin asked for");
  // Concurrent first requests share one import.
  const both = await Promise.all([app.request("/api/other/x"), app.request("/api/other/x")]);
  assert.deepEqual(await Promise.all(both.map((r) => r.text())), ["other", "other"]);
  assert.deepEqual(importsOf("first-use"), ["other", "slow"]);
  assert.equal(deferred.settled, true);
});

Deno.test("a plugin whose deferred import throws answers 500 plugin.start_failed, is marked error and audited; the others serve", async () => {
  using tree = makeTree({
    // Only in the server (the build imports it in a worker, where it passes).
    ...plugin("broken", "throws", `if (${IN_SERVER}) throw new Error("no database at import");`),
    ...plugin("fine", "throws"),
  });
  const { app, store, lines, report } = await deferredApp(tree.root, "lazy");
  assert.equal((await report()).plugins.find((p) => p.name === "broken")?.status, "mounted");
  for (let attempt = 0; attempt < 2; attempt++) {
    const failed = await app.request("/api/broken/x");
    assert.equal(failed.status, 500);
    const body = await failed.json();
    assert.deepEqual([body.error, body.plugin, body.problem], [
      "plugin_not_started",
      "broken",
      "plugin.start_failed",
    ]);
    assert.doesNotMatch(body.message, /no database/, "the error stays in the log");
  }
  const fine = await app.request("/api/fine/x");
  assert.equal(await fine.text(), "fine");
  const broken = (await report()).plugins.find((p) => p.name === "broken")!;
  assert.equal(broken.status, "error");
  assert.deepEqual(broken.errors.map((e) => e.code), ["plugin.start_failed"]);
  const audit = await store.recentAudit(10);
  const event = audit.find((e) => e.target === "broken" && e.action === "plugin_start_failed");
  assert.ok(event, JSON.stringify(audit));
  assert.match(event.detail ?? "", /no database at import/);
  assert.equal(
    lines.filter((line) => /plugin broken failed to start/.test(line)).length,
    1,
    "logged once",
  );
});

Deno.test("a router that serves routes the build's route table lacks is marked error (router.routes_changed) when imported", async () => {
  using tree = makeTree({
    // Only in the server (the build imports it in a worker): a route the build never saw.
    ...plugin(
      "sly",
      "sly",
      "",
      `.get("/x", (c) => c.text("x"));
if (${IN_SERVER}) router.get("/hidden", (c) => c.text("hidden"))`,
    ),
  });
  const { app, report } = await deferredApp(tree.root, "lazy");
  const hidden = await app.request("/api/sly/hidden");
  assert.equal(hidden.status, 500);
  assert.equal((await hidden.json()).problem, "router.routes_changed");
  assert.equal((await app.request("/api/sly/x")).status, 500, "none of its routes is served");
  const sly = (await report()).plugins.find((p) => p.name === "sly")!;
  assert.equal(sly.status, "error");
  assert.deepEqual(sly.errors.map((e) => e.code), ["router.routes_changed"]);
});

Deno.test("under background, /readyz is 503 until every plugin's code is imported, 200 after; a request meanwhile is answered", async () => {
  using tree = makeTree({
    ...plugin("late", "background", "await new Promise((resolve) => setTimeout(resolve, 400));"),
    ...plugin("quick", "background"),
  });
  const { app, deferred } = await deferredApp(tree.root, "background");
  assert.equal((await app.request("/readyz")).status, 503, "before the background imports");
  const importing = deferred.loadAll();
  const waiting = await app.request("/readyz");
  assert.equal(waiting.status, 503);
  assert.match((await waiting.json()).reason, /being imported \(\d of 2\)/);
  assert.equal(await (await app.request("/api/quick/x")).text(), "quick");
  await importing;
  assert.deepEqual(importsOf("background"), ["late", "quick"]);
  const ready = await app.request("/readyz");
  assert.equal(ready.status, 200);
  assert.equal(await (await app.request("/api/late/x")).text(), "late");
});

Deno.test("a deferred plugin's page, block and health check import its code and render its own", async () => {
  using tree = makeTree({
    "plugins/shop/plugin.yaml": manifest(
      "shop",
      "routers:",
      "  - r.ts:router",
      "frontend_entry: pages.tsx",
    ),
    "plugins/shop/r.ts": `import { Hono } from "hono";
export const router = new Hono().get("/x", (c) => c.text("x"));
export function health() { return { ok: true, detail: "stock counted" }; }`,
    "plugins/shop/pages.tsx": `
function Orders(props: { path: string }) { return <p>orders page at {props.path}</p>; }
async function Summary() { return <p>summary block</p>; }
export const pages = { "/orders": Orders };
export const blocks = { summary: { title: "Summary", component: Summary } };`,
  });
  const { app } = await deferredApp(tree.root, "lazy");
  const page = await app.request("/plugins/shop/orders");
  assert.equal(page.status, 200);
  assert.match(await page.text(), /orders page at \/orders/);
  assert.match(await (await app.request("/dashboard")).text(), /summary block/);
  const health = await app.request("/api/plugins/shop/health", {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  assert.match(await health.text(), /stock counted/);
});

Deno.test("a plugin whose routes the app refuses is failed, not left pending: readiness still comes", async () => {
  assert.equal(new DeferredPlugins([], { timeoutMs: 1_000 }).settled, true, "nothing to import");
  using tree = makeTree(plugin("refused", "refused"));
  const { outFile } = await buildTree(tree.root);
  const generated = (await import(pathToFileURL(outFile).href)).registry as GeneratedRegistry;
  const { deferred: some } = await startPlugins(generated, { loading: "lazy" });
  const failures: string[] = [];
  some.listen({
    loaded: () => {
      throw new Error("Can not add a route since the matcher is already built.");
    },
    failed: (name, problem) => failures.push(`${name} ${problem.code}`),
  });
  assert.equal(await some.load("refused"), undefined);
  assert.deepEqual(failures, ["refused plugin.start_failed"]);
  assert.equal(some.pending("refused"), undefined, "nothing left to wait for");
});
