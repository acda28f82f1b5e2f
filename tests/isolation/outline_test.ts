/**
 * An isolated plugin is mounted from what the build recorded of it (its pages, blocks and health
 * checks), and its worker starts on first use: the registry carries the outline, and the page,
 * block and health check it lists are served from inside the plugin's worker (they see the worker's
 * name) by a Deno server on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { buildServerEntry } from "../helpers/build.ts";
import { isolatingDenoServer, startServer } from "../helpers/process.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

const TOKEN = "outline-admin-token-0123456789ab";
/** What a module says about where it runs: the plugin process names a worker after its plugin. */
const WHERE = `(globalThis as { name?: string }).name ?? "the host"`;

Deno.test("an isolated plugin's pages, blocks and health checks are recorded at build and served from its worker", async () => {
  using tree = makeTree({
    "data/plugins/shop/plugin.yaml": manifest(
      "shop",
      "routers:",
      "  - r.ts:router",
      "frontend_entry: pages.tsx",
    ),
    "data/plugins/shop/r.ts": `import { Hono } from "hono";
export const router = new Hono().get("/where", (c) => c.text(${WHERE}));
export function health() { return { ok: true, detail: "checked in " + ${WHERE} }; }`,
    "data/plugins/shop/pages.tsx": `
function Orders() { return <p>orders rendered in {${WHERE}}</p>; }
function Summary() { return <p>summary rendered in {${WHERE}}</p>; }
export const pages = { "/": Orders, "/orders": Orders };
export const blocks = { summary: { title: "Summary", component: Summary } };`,
  });
  const entry = await buildServerEntry(tree.root);
  const { registry } = await import(join(tree.root, "gen/registry.ts"));
  const shop = registry.plugins.find((plugin: { name: string }) => plugin.name === "shop");
  assert.deepEqual(shop.outline, { pages: ["/", "/orders"], blocks: ["summary"], health: 1 });
  assert.equal(typeof (await registry.workerCode()).entries.shop, "string");

  await using server = await startServer(isolatingDenoServer(entry, {
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: join(tree.root, "data"),
    HONEYFRAME_ADMIN_TOKEN: TOKEN,
  }));
  const text = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${server.url}${path}`, init);
    assert.equal(response.status, 200, path);
    return await response.text();
  };
  // The host's pages frame them; the frames' documents are rendered in the worker.
  assert.match(await text("/plugins/shop/orders"), /src="\/frames\/shop\/page\/orders"/);
  assert.match(await text("/frames/shop/page/orders"), /orders rendered in shop/);
  assert.match(await text("/dashboard"), /src="\/frames\/shop\/block\//);
  assert.match(await text("/frames/shop/block/summary"), /summary rendered in shop/);
  const health = await text("/api/plugins/shop/health", {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  assert.match(health, /checked in shop/);
  assert.equal(await text("/api/shop/where"), "shop");
});
