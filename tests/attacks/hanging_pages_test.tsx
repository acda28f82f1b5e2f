/**
 * Attack: a plugin whose dashboard block never resolves made the public `/dashboard` hang for
 * everyone, and a page that never resolves held its request for ever. Blocks and pages now render
 * within the plugin time limit: the block becomes an error card naming it, the page a 504 page
 * naming the plugin; a page that throws is a 500 page, not JSON.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { createApp, defineRegistry, PluginLifecycle } from "../../src/runtime/mod.ts";
import { MemoryStore } from "../../src/state/mod.ts";
import { registryOf } from "../helpers/registry.ts";

const never = () => new Promise<never>(() => {});
const TIMEOUT_MS = 300;

function hangingHost() {
  const [plugin] = registryOf({ stall: new Hono() }).plugins;
  const registry = defineRegistry({
    fingerprint: "sha256-handwritten",
    permissions: [],
    plugins: [{
      ...plugin!,
      pages: {
        "/": async () => <p>{await never()}</p>,
        "/broken": () => {
          throw new Error("the page broke on purpose");
        },
        "/fine": () => <p>fine page</p>,
      },
      blocks: [
        { id: "stuck", title: "Stuck", size: "small" },
        { id: "quick", title: "Quick", size: "small" },
      ],
      blockComponents: {
        stuck: async () => <p>{await never()}</p>,
        quick: () => <p>quick block</p>,
      },
    }],
  });
  const lifecycle = new PluginLifecycle(registry, new MemoryStore());
  return createApp(registry, { lifecycle, pluginTimeoutMs: TIMEOUT_MS });
}

Deno.test("/dashboard answers despite a block that never resolves, with an error card naming it", async () => {
  const app = hangingHost();
  const started = performance.now();
  const response = await app.request("http://localhost/dashboard");
  const html = await response.text();
  assert.equal(response.status, 200);
  assert.ok(performance.now() - started < 10_000, "bounded by the plugin time limit");
  assert.match(
    html,
    /The block <code>stuck<\/code> of the plugin <code>stall<\/code> did not render within 300 ms/,
  );
  assert.match(html, /<p>quick block<\/p>/, "the other block is there");
});

Deno.test("a plugin page that never resolves is a 504 page naming the plugin; one that throws a 500 page", async () => {
  const app = hangingHost();
  const stuck = await app.request("http://localhost/plugins/stall/");
  assert.equal(stuck.status, 504);
  assert.match(stuck.headers.get("content-type")!, /^text\/html/);
  assert.match(
    await stuck.text(),
    /The page of the plugin <code>stall<\/code> did not render within 300 ms/,
  );
  const broken = await app.request("http://localhost/plugins/stall/broken");
  assert.equal(broken.status, 500);
  const text = await broken.text();
  assert.match(text, /The page of the plugin <code>stall<\/code> failed to render/);
  assert.doesNotMatch(text, /broke on purpose/, "the error stays in the log");
  const fine = await app.request("http://localhost/plugins/stall/fine");
  assert.equal(fine.status, 200);
  assert.match(await fine.text(), /<p>fine page<\/p>/);
});
