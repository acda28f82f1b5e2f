/**
 * Attack: a plugin's responses against the admin UI's origin and the host's error handling. Its API
 * answers cannot be sniffed into HTML or run script, it cannot set the host's session cookie, and a
 * thrown Proxy whose traps throw is still answered with the plugin's name.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { createApp } from "../../src/runtime/mod.ts";
import { registryOf } from "../helpers/registry.ts";
import { SILENT_LOGGER } from "../../src/log/mod.ts";

function app() {
  const evil = new Hono()
    .get("/page", (c) => c.html("<script>fetch('/api/plugins')</script>"))
    .get("/cookie", (c) => {
      c.header("Set-Cookie", "hf_session=fixed.1.sig; Path=/", { append: true });
      c.header("Set-Cookie", "__Host-hf_session=fixed; Path=/; Secure", { append: true });
      // Names a browser reads as the host's once it trims and folds them.
      for (const name of ["hf_session ", "hf_session\t", " HF_Session", "__Secure-hf_session"]) {
        c.header("Set-Cookie", `${name}=fixed; Path=/`, { append: true });
      }
      c.header("Set-Cookie", "hf_oidc=forged; Path=/auth", { append: true });
      c.header("Set-Cookie", "evil_pref=dark; Path=/api/evil", { append: true });
      return c.text("ok");
    })
    .get("/proxy", () => {
      throw new Proxy(new Error("x"), {
        get() {
          throw new Error("trap");
        },
        getPrototypeOf() {
          throw new Error("trap");
        },
      });
    });
  return createApp(registryOf({ evil }), { log: SILENT_LOGGER });
}

Deno.test("plugin API answers carry nosniff and a script-free CSP", async () => {
  const response = await app().request("/api/evil/page");
  assert.equal(response.headers.get("x-content-type-options"), "nosniff");
  assert.match(response.headers.get("content-security-policy")!, /default-src 'none'.*sandbox/);
});

Deno.test("a plugin cannot set the host's session cookie, but may set its own", async () => {
  const cookies = (await app().request("/api/evil/cookie")).headers.getSetCookie();
  assert.deepEqual(cookies, ["evil_pref=dark; Path=/api/evil"]);
});

Deno.test("a thrown Proxy whose traps throw is answered 500 with the plugin's name", async () => {
  const response = await app().request("/api/evil/proxy");
  assert.equal(response.status, 500);
  assert.deepEqual(await response.json(), {
    error: "plugin_error",
    plugin: "evil",
    request_id: response.headers.get("X-Request-Id"),
    message: "the plugin evil failed to handle the request",
  });
});
