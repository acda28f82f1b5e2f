/**
 * The dev proxy in front of a real server: a sign-in form posted from the proxy's own origin gets
 * in (every form POST through it answered 403), one from another origin is still refused.
 */
import assert from "node:assert/strict";
import { startProxy } from "../../src/dev/proxy.ts";
import { createApp } from "../../src/runtime/mod.ts";
import { SILENT_LOGGER } from "../../src/log/mod.ts";
import { form } from "../helpers/admin_forms.ts";
import { registryOf } from "../helpers/registry.ts";

const TOKEN = "dev-proxy-test-token-0123";

Deno.test("forms posted through the dev proxy from its own origin work; other origins are refused", async () => {
  const app = createApp(registryOf({}), { adminToken: TOKEN, log: SILENT_LOGGER });
  await using backend = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    app.fetch,
  );
  await using proxy = startProxy("127.0.0.1", 0);
  proxy.target = backend.addr.port;
  const origin = `http://127.0.0.1:${proxy.addr.port}`;
  const signIn = (from: string) =>
    fetch(`${origin}/admin/sign-in`, {
      ...form({ token: TOKEN }, undefined, from),
      redirect: "manual",
    });
  const ours = await signIn(origin);
  assert.equal(ours.status, 303);
  assert.match(ours.headers.get("set-cookie") ?? "", /^hf_session=/);
  await ours.body?.cancel();
  const theirs = await signIn("http://evil.example");
  assert.equal(theirs.status, 403);
  await theirs.body?.cancel();
});
