/**
 * The host's cookies stay with the host: a plugin's handler sees the request's other cookies, never
 * the session (nor any `hf_` cookie, whatever its `__Host-`/`__Secure-` prefix), and the request
 * keeps its id in the plugin's log lines.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { createApp, pluginContext, PluginLifecycle } from "../../src/runtime/mod.ts";
import { createLogger } from "../../src/log/mod.ts";
import { MemoryStore } from "../../src/state/mod.ts";
import { registryOf } from "../helpers/registry.ts";

Deno.test("a plugin never sees the host's cookies", async () => {
  const router = new Hono().get("/headers", (c) => {
    pluginContext(c).log.info("echoing");
    return c.json({ cookie: c.req.header("Cookie") ?? null });
  });
  const registry = registryOf({ echo: router });
  const lifecycle = new PluginLifecycle(registry, new MemoryStore());
  await lifecycle.ready();
  const lines: string[] = [];
  const app = createApp(registry, {
    lifecycle,
    log: createLogger({ format: "json", write: (line) => lines.push(line) }),
  });
  const cookieSeen = async (cookie?: string) => {
    const response = await app.request("/api/echo/headers", {
      headers: { "X-Request-Id": "req-cookies-1", ...(cookie ? { Cookie: cookie } : {}) },
    });
    assert.equal(response.status, 200);
    return (await response.json()).cookie;
  };
  assert.equal(
    await cookieSeen("hf_session=s3ss10n; theme=dark; __Host-hf_oidc=x; lang=en; HF_OTHER=1"),
    "theme=dark; lang=en",
  );
  assert.equal(await cookieSeen("hf_session=s3ss10n"), null, "no Cookie header is left");
  assert.equal(await cookieSeen("theme=dark"), "theme=dark");
  assert.equal(await cookieSeen(), null);
  const echoed = lines.map((line) => JSON.parse(line)).filter((line) => line.plugin === "echo");
  assert.ok(echoed.length >= 4);
  assert.ok(
    echoed.every((line) => line.request_id === "req-cookies-1"),
    "the request keeps its id",
  );
});
