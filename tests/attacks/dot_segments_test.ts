/**
 * Attack: a raw request line `GET /api/a/../_demo/ping` reached plugin `a` (Hono matches the path as
 * sent; every URL parser and proxy on the way resolves it to `_demo`'s). The host now answers 400 to
 * a path with a `.` or `..` segment, percent-encoded or not; the build refuses routes that have one
 * (the corpus's `router-dot-segment`).
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { createApp } from "../../src/runtime/mod.ts";
import { registryOf } from "../helpers/registry.ts";

async function rawGet(port: number, path: string): Promise<string> {
  const connection = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await connection.write(
      new TextEncoder().encode(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
    );
    let text = "";
    const buffer = new Uint8Array(4096);
    for (
      let read = await connection.read(buffer);
      read !== null;
      read = await connection.read(buffer)
    ) {
      text += new TextDecoder().decode(buffer.subarray(0, read));
    }
    return text;
  } finally {
    connection.close();
  }
}

Deno.test("a raw path with dot segments is refused, never answered by the plugin it names first", async () => {
  const a = new Hono().get("*", (c) => c.text("plugin a answered"));
  const demo = new Hono().get("/ping", (c) => c.text("pong"));
  const app = createApp(registryOf({ a, _demo: demo }));
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    app.fetch,
  );
  for (
    const path of ["/api/a/../_demo/ping", "/api/a/%2e%2e/_demo/ping", "/api/a/./x", "/api/a/%2E/x"]
  ) {
    const response = await rawGet(server.addr.port, path);
    assert.match(response, /^HTTP\/1\.1 400 /, path);
    assert.doesNotMatch(response, /plugin a answered/, path);
    assert.match(response, /"error":"bad_path"/, path);
  }
  assert.match(await rawGet(server.addr.port, "/api/_demo/ping"), /^HTTP\/1\.1 200 [\s\S]*pong/);
  assert.match(
    await rawGet(server.addr.port, "/api/a/..x/.y"),
    /plugin a answered/,
    "dots in names",
  );
});
