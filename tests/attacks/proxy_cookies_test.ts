/**
 * The session cookie behind a TLS-terminating proxy: `__Host-` and `Secure` when the public URL is
 * https or a trusted proxy says the client used https; a proxy header is not believed unless
 * `HONEYFRAME_TRUST_PROXY=1`; and the cookie of one scheme is not accepted under the other name.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { SILENT_LOGGER } from "../../src/log/mod.ts";
import { createApp, readConfig } from "../../src/runtime/mod.ts";
import { registryOf } from "../helpers/registry.ts";

const TOKEN = "proxy-cookie-test-token-0123";

function host(env: Record<string, string>) {
  const config = readConfig({ HONEYFRAME_ADMIN_TOKEN: TOKEN, ...env });
  return createApp(registryOf({ crm: new Hono() }), { ...config, log: SILENT_LOGGER });
}

/** Signs in at the backend's own http:// URL, as a proxy would forward the browser's request. */
function signIn(app: Hono, origin: string, headers: Record<string, string> = {}) {
  return app.request("http://backend.internal:8000/admin/sign-in", {
    method: "POST",
    body: new URLSearchParams({ token: TOKEN }),
    headers: { "content-type": "application/x-www-form-urlencoded", origin, ...headers },
  });
}

/** The cookie's `name=value` and its attributes. */
function parse(setCookie: string): { pair: string; attributes: string[] } {
  const [pair, ...attributes] = setCookie.split("; ");
  return { pair: pair!, attributes };
}

Deno.test("behind a trusted proxy saying https, the cookie is __Host- and Secure, and works", async () => {
  const app = host({ HONEYFRAME_TRUST_PROXY: "1" });
  const https = { "X-Forwarded-Proto": "https" };
  const response = await signIn(app, "https://backend.internal:8000", https);
  assert.equal(response.status, 303);
  const { pair, attributes } = parse(response.headers.get("set-cookie")!);
  assert.match(pair, /^__Host-hf_session=/);
  assert.deepEqual(attributes.sort(), [
    "HttpOnly",
    "Max-Age=28800",
    "Path=/",
    "SameSite=Strict",
    "Secure",
  ]);
  const page = await app.request("http://backend.internal:8000/admin/plugins", {
    headers: { cookie: pair, ...https },
  });
  assert.equal(page.status, 200, "the session is read back under the same scheme");

  // The same cookie value under the plain name, or the __Host- cookie over plain http: no session.
  const value = pair.slice(pair.indexOf("=") + 1);
  for (
    const [cookie, headers] of [
      [`hf_session=${value}`, https],
      [pair, {}],
    ] as const
  ) {
    const refused = await app.request("http://backend.internal:8000/admin/plugins", {
      headers: { cookie, ...headers },
    });
    assert.equal(refused.status, 303, `${cookie.split("=")[0]} with ${JSON.stringify(headers)}`);
    assert.match(refused.headers.get("location")!, /^\/admin\/sign-in/);
  }
});

Deno.test("an untrusted X-Forwarded-Proto changes nothing: no Secure cookie, and its origin is refused", async () => {
  const app = host({});
  const forged = await signIn(app, "https://backend.internal:8000", {
    "X-Forwarded-Proto": "https",
  });
  assert.equal(forged.status, 403, "the https origin does not match the http request");
  const plain = await signIn(app, "http://backend.internal:8000", { "X-Forwarded-Proto": "https" });
  assert.equal(plain.status, 303);
  const { pair, attributes } = parse(plain.headers.get("set-cookie")!);
  assert.match(pair, /^hf_session=/);
  assert.ok(!attributes.includes("Secure"), "over http without a trusted proxy");
});

Deno.test("an https public URL makes the cookie __Host- and Secure and its origin welcome", async () => {
  const app = host({ HONEYFRAME_PUBLIC_URL: "https://edge.example.com" });
  const response = await signIn(app, "https://edge.example.com");
  assert.equal(response.status, 303);
  const { pair, attributes } = parse(response.headers.get("set-cookie")!);
  assert.match(pair, /^__Host-hf_session=/);
  assert.ok(attributes.includes("Secure"));
  const out = await app.request("http://backend.internal:8000/admin/plugins", {
    headers: { cookie: pair },
  });
  assert.equal(out.status, 200);
  assert.throws(
    () => readConfig({ HONEYFRAME_PUBLIC_URL: "edge.example.com" }),
    /http:\/\/ or https:\/\//,
  );
});
