/**
 * Attack: anonymous audit flooding through the OpenID Connect callback. 2,000 forged callbacks
 * wrote 2,001 audit rows in a second, and one flow cookie replayed with `?error=<6 KB>` wrote that
 * text on every call. Callback failures are now audited per client and minute with the token's, the
 * provider's error is cut, audit text is bounded, and a flow cookie is good for one callback.
 */
import assert from "node:assert/strict";
import { createApp, PluginLifecycle, readOidcConfig } from "../../src/runtime/mod.ts";
import { AUDIT_TEXT_LIMIT, MemoryStore } from "../../src/state/mod.ts";
import { ORIGIN } from "../helpers/admin_forms.ts";
import { startOidcProvider } from "../helpers/oidc.ts";
import { registryOf } from "../helpers/registry.ts";

const CLIENT_ID = "honeyframe-edge";
const CLIENT_SECRET = "oidc-flood-client-secret-0123456789";

function hostFor(issuer: string) {
  let clock = Date.parse("2026-11-26T10:00:00Z");
  const now = () => clock;
  const registry = registryOf({});
  const store = new MemoryStore();
  const app = createApp(registry, {
    lifecycle: new PluginLifecycle(registry, store, { now }),
    now,
    oidc: readOidcConfig({
      HONEYFRAME_OIDC_ISSUER: issuer,
      HONEYFRAME_OIDC_CLIENT_ID: CLIENT_ID,
      HONEYFRAME_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    })!,
  });
  return { app, store, advance: (ms: number) => (clock += ms) };
}

const from = (address: string) => ({
  remoteAddr: { hostname: address, port: 1, transport: "tcp" },
});

Deno.test("2,000 forged callbacks from one address write one audit row, after the minute", async () => {
  const { app, store, advance } = hostFor("http://127.0.0.1:9");
  for (let i = 0; i < 2_000; i++) {
    const response = await app.request(
      `${ORIGIN}/auth/callback?code=c&state=s`,
      {},
      from("127.0.4.1"),
    );
    assert.equal(response.status, 400);
    await response.body?.cancel();
  }
  assert.deepEqual(await store.recentAudit(10), [], "nothing during the minute");
  advance(60_000);
  await (await app.request(`${ORIGIN}/auth/callback`, {}, from("127.0.4.2"))).body?.cancel();
  const rows = await store.recentAudit(100);
  assert.equal(rows.length, 1);
  assert.deepEqual(
    [rows[0]!.target, rows[0]!.detail],
    ["127.0.4.1", "2000 failed sign-ins in the minute (oidc: no sign-in in progress)"],
  );
});

Deno.test("a flow cookie is good for one callback, and the provider's error text is cut", async () => {
  await using provider = await startOidcProvider(CLIENT_ID, CLIENT_SECRET);
  await provider.allowRedirect(`${ORIGIN}/auth/callback`);
  const { app, store, advance } = hostFor(provider.issuer);
  const start = await app.request(`${ORIGIN}/auth/sign-in`);
  assert.equal(start.status, 302);
  const state = new URL(start.headers.get("location")!).searchParams.get("state")!;
  const cookie = start.headers.get("set-cookie")!.split(";")[0]!;
  const error = "x".repeat(6_000);
  const callback = () =>
    app.request(`${ORIGIN}/auth/callback?error=${error}&state=${state}`, { headers: { cookie } });
  const first = await callback();
  assert.equal(first.status, 401);
  const page = await first.text();
  assert.match(page, /The identity provider refused the sign-in \(x{64}\)/);
  assert.ok(!page.includes("x".repeat(65)), "the error is cut on the page");
  for (let i = 0; i < 50; i++) {
    const replayed = await callback();
    assert.equal(replayed.status, 400, "the flow was used");
    await replayed.body?.cancel();
  }
  advance(60_000);
  await (await app.request(`${ORIGIN}/auth/callback`)).body?.cancel();
  const rows = await store.recentAudit(100);
  assert.equal(rows.length, 1);
  assert.match(
    rows[0]!.detail!,
    /^51 failed sign-ins in the minute \(oidc: the provider answered x{64}; oidc: no sign-in in progress\)$/,
  );
  assert.ok(rows[0]!.detail!.length <= AUDIT_TEXT_LIMIT);
});
