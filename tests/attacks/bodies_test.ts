/**
 * Attack: bodies without a size limit. Every body the host itself reads is refused with 413 past
 * its limit, before it is read, signed in or not; plugin routes still read their own bodies.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { createApp } from "../../src/runtime/mod.ts";
import { FORM_BODY_LIMIT, JSON_BODY_LIMIT } from "../../src/runtime/body_limits.ts";
import { registryOf } from "../helpers/registry.ts";
import { SILENT_LOGGER } from "../../src/log/mod.ts";

const TOKEN = "body-limit-admin-token";

function app() {
  return createApp(
    registryOf({
      echo: new Hono().post("/size", async (c) => c.json({ bytes: (await c.req.text()).length })),
    }),
    { adminToken: TOKEN, log: SILENT_LOGGER },
  );
}

/** A body that streams `total` bytes without announcing its length. */
function streamOf(total: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      const chunk = new Uint8Array(Math.min(64 * 1024, total - sent)).fill(97);
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
}

Deno.test("an oversized sign-in form is refused with 413, announced or streamed", async () => {
  const headers = {
    "Content-Type": "application/x-www-form-urlencoded",
    Origin: "http://localhost",
  };
  const announced = await app().request("http://localhost/admin/sign-in", {
    method: "POST",
    headers,
    body: `token=${"a".repeat(FORM_BODY_LIMIT * 10)}`,
  });
  assert.equal(announced.status, 413);
  const streamed = await app().request("http://localhost/admin/sign-in", {
    method: "POST",
    headers,
    body: streamOf(50 * 1024 * 1024),
  });
  assert.equal(streamed.status, 413);
});

Deno.test("an oversized admin API body is refused with 413 even with the token", async () => {
  const response = await app().request("/api/orgs/acme/groups/viewers", {
    method: "PUT",
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify({ permissions: ["x".repeat(JSON_BODY_LIMIT)] }),
  });
  assert.equal(response.status, 413);
  assert.equal((await response.json()).error, "body_too_large");
});

Deno.test("a plugin route still reads a body larger than the host's own limits", async () => {
  const response = await app().request("/api/echo/size", {
    method: "POST",
    body: "b".repeat(JSON_BODY_LIMIT * 4),
  });
  assert.deepEqual(await response.json(), { bytes: JSON_BODY_LIMIT * 4 });
});
