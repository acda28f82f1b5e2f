import assert from "node:assert/strict";
import { Hono } from "hono";
import { createApp } from "../../src/runtime/mod.ts";
import { PluginLifecycle } from "../../src/runtime/lifecycle.ts";
import { MemoryStore } from "../../src/state/mod.ts";
import { registryOf } from "../helpers/registry.ts";

const MIB = 1024 * 1024;

/** How many times the plugin's `POST /notes` ran. */
let reads = 0;

/** The host as a server serves it: its plugin state loaded before the first request. */
async function app() {
  const crm = new Hono()
    .get("/ping", (c) => c.json({ pong: true }))
    .post("/notes", async (c) => {
      reads++;
      return c.json({ length: (await c.req.arrayBuffer()).byteLength });
    })
    .post("/ignored", (c) => c.text("never read"));
  const registry = registryOf({ crm });
  const lifecycle = new PluginLifecycle(registry, new MemoryStore());
  await lifecycle.ready();
  return createApp(registry, { lifecycle, pluginBodyMaxMb: 1, metricsToken: "m" });
}

/** A body of `size` bytes sent as a stream (no `Content-Length`), in 64 KiB chunks. */
function streamed(size: number): RequestInit {
  let left = size;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (left <= 0) return controller.close();
      const chunk = new Uint8Array(Math.min(64 * 1024, left));
      left -= chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { method: "POST", body, duplex: "half" } as RequestInit;
}

Deno.test("a plugin route is one handler with nothing in front: a synchronous handler is answered synchronously", async () => {
  const host = await app();
  const matched = host.router.match("GET", "/api/crm/ping")[0];
  assert.equal(matched.length, 1, "no middleware runs before a plugin's GET route");
  const answer = host.fetch(new Request("http://h/api/crm/ping"));
  assert.ok(answer instanceof Response, "no promise: the request spans no await");
  assert.equal(answer.status, 200);
  assert.ok(answer.headers.get("X-Request-Id"));
});

Deno.test("plugin bodies are held to HONEYFRAME_PLUGIN_BODY_MAX_MB by the host, declared or streamed", async (t) => {
  const host = await app();
  await t.step("a declared length over the limit: 413 before the plugin runs", async () => {
    const response = await host.request("/api/crm/notes", {
      method: "POST",
      headers: { "Content-Length": String(2 * MIB) },
      body: new Uint8Array(2 * MIB),
    });
    assert.equal(response.status, 413);
    assert.equal(reads, 0, "the plugin never ran");
    assert.equal((await response.json()).error, "body_too_large");
  });
  await t.step("a streamed body that passes the limit while the plugin reads it: 413", async () => {
    const response = await host.request("/api/crm/notes", streamed(2 * MIB));
    assert.equal(response.status, 413);
    assert.equal((await response.json()).error, "body_too_large");
    assert.ok(response.headers.get("X-Request-Id"));
  });
  await t.step("bodies within the limit reach the plugin whole", async () => {
    const declared = await host.request("/api/crm/notes", {
      method: "POST",
      body: new Uint8Array(MIB),
    });
    assert.deepEqual(await declared.json(), { length: MIB });
    const stream = await host.request("/api/crm/notes", streamed(MIB - 1));
    assert.deepEqual(await stream.json(), { length: MIB - 1 });
  });
  await t.step("a plugin that never reads a long streamed body answers as it likes", async () => {
    const response = await host.request("/api/crm/ignored", streamed(2 * MIB));
    assert.equal(response.status, 200);
  });
  await t.step(
    "streamed requests count in the plugin's metrics (the declared one never reached it)",
    async () => {
      const text = await (await host.request("/metrics", {
        headers: { Authorization: "Bearer m" },
      })).text();
      const line = text.split("\n").find((l) =>
        l.startsWith("honeyframe_plugin_requests_total") && l.includes('plugin="crm"') &&
        l.includes('class="4xx"')
      );
      assert.equal(line?.split(" ").at(-1), "1", `one 413 counted for crm in:\n${text}`);
    },
  );
});
