/**
 * Sign-in with OpenID Connect, in process against a real provider on 127.0.0.1: the settings, the
 * redirect (authorization code with PKCE, state and nonce) on Deno, from the Node bundle and in
 * workerd, and every refusal, audited. The whole browser flow is tests/e2e/oidc_test.ts.
 */
import assert from "node:assert/strict";
import { createApp, PluginLifecycle, readOidcConfig } from "../../src/runtime/mod.ts";
import { ConfigError } from "../../src/env/mod.ts";
import { MemoryStore } from "../../src/state/mod.ts";
import { type Person, sessionManager } from "../../src/runtime/admin/session.ts";
import { Hono } from "hono";
import { registryOf } from "../helpers/registry.ts";
import { ORIGIN } from "../helpers/admin_forms.ts";
import { startOidcProvider } from "../helpers/oidc.ts";
import { startServer } from "../helpers/process.ts";
import { bundle } from "../../src/build/bundle.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Miniflare } from "npm:miniflare@4.20260426.0";

const CLIENT_ID = "honeyframe-edge";
const CLIENT_SECRET = "oidc-unit-client-secret-0123456789";

Deno.test("the OpenID Connect settings come all together, over https (http only on this machine)", () => {
  assert.equal(readOidcConfig({}), undefined);
  const settings = {
    HONEYFRAME_OIDC_ISSUER: "https://id.example.com/realms/acme",
    HONEYFRAME_OIDC_CLIENT_ID: CLIENT_ID,
    HONEYFRAME_OIDC_CLIENT_SECRET: CLIENT_SECRET,
  };
  const config = readOidcConfig(settings)!;
  assert.equal(config.issuer.href, "https://id.example.com/realms/acme");
  assert.equal(config.groupsClaim, "groups");
  assert.equal(
    readOidcConfig({ ...settings, HONEYFRAME_OIDC_GROUPS_CLAIM: "roles" })!.groupsClaim,
    "roles",
  );
  assert.throws(
    () => readOidcConfig({ HONEYFRAME_OIDC_ISSUER: settings.HONEYFRAME_OIDC_ISSUER }),
    (error: Error) =>
      error instanceof ConfigError &&
      /missing: HONEYFRAME_OIDC_CLIENT_ID, HONEYFRAME_OIDC_CLIENT_SECRET$/.test(error.message),
  );
  assert.throws(
    () => readOidcConfig({ ...settings, HONEYFRAME_OIDC_ISSUER: "http://id.example.com" }),
    /must be https:\/\/ \(http:\/\/ only on 127\.0\.0\.1 or localhost\)/,
  );
  assert.throws(
    () => readOidcConfig({ ...settings, HONEYFRAME_OIDC_ISSUER: "not a url" }),
    /HONEYFRAME_OIDC_ISSUER must be a URL/,
  );
  assert.equal(
    readOidcConfig({ ...settings, HONEYFRAME_OIDC_ISSUER: "http://127.0.0.1:9000" })!.issuer.host,
    "127.0.0.1:9000",
  );
});

/** An app whose people sign in through `issuer`, and its audit log. */
function hostFor(issuer: string) {
  let clock = Date.now();
  const now = () => clock;
  const registry = registryOf({});
  const store = new MemoryStore();
  const app = createApp(registry, {
    now,
    lifecycle: new PluginLifecycle(registry, store, { now }),
    oidc: readOidcConfig({
      HONEYFRAME_OIDC_ISSUER: issuer,
      HONEYFRAME_OIDC_CLIENT_ID: CLIENT_ID,
      HONEYFRAME_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    })!,
  });
  // Failures are audited per client and minute: the audit is read once the minute is over.
  const audit = async () => {
    clock += 60_000;
    await (await app.request(`${ORIGIN}/auth/callback`)).body?.cancel();
    return (await store.recentAudit(10)).map((event) =>
      `${event.actor} ${event.action} ${event.outcome} ${event.detail ?? ""}`.trim()
    );
  };
  return { app, audit };
}

Deno.test("sign-in goes to the provider with PKCE, state and nonce; the callback refuses what it cannot check, audited", async () => {
  await using provider = await startOidcProvider(CLIENT_ID, CLIENT_SECRET);
  await provider.allowRedirect(`${ORIGIN}/auth/callback`);
  const { app, audit } = hostFor(provider.issuer);

  const page = await (await app.request(`${ORIGIN}/admin/sign-in?next=%2Fadmin%2Faudit`)).text();
  const host = new URL(provider.issuer).host;
  assert.match(
    page,
    new RegExp(
      `<a class="button primary" href="/auth/sign-in\\?next=%2Fadmin%2Faudit">Sign in with ${host}</a>`,
    ),
  );
  assert.doesNotMatch(page, /Admin token/, "no token form without an admin token");

  const start = await app.request(`${ORIGIN}/auth/sign-in?next=%2Fadmin%2Faudit`);
  assert.equal(start.status, 302);
  const to = new URL(start.headers.get("location")!);
  assert.equal(to.origin, provider.issuer);
  assert.equal(to.searchParams.get("client_id"), CLIENT_ID);
  assert.equal(to.searchParams.get("redirect_uri"), `${ORIGIN}/auth/callback`);
  assert.equal(to.searchParams.get("response_type"), "code");
  assert.equal(to.searchParams.get("code_challenge_method"), "S256");
  assert.match(to.searchParams.get("code_challenge")!, /^[\w-]{43}$/);
  assert.match(to.searchParams.get("scope")!, /^openid email profile groups$/);
  const state = to.searchParams.get("state")!;
  assert.ok(state && to.searchParams.get("nonce"));
  const flowCookie = start.headers.get("set-cookie")!;
  assert.match(flowCookie, /^hf_oidc=[^;]+; Max-Age=600; Path=\/auth; HttpOnly; SameSite=Lax/);
  let cookie = flowCookie.split(";")[0]!;

  const callback = (query: string, withCookie = true) =>
    app.request(`${ORIGIN}/auth/callback?${query}`, {
      headers: withCookie ? { cookie } : {},
    });
  const refused = await callback(`error=access_denied&state=${state}`);
  assert.equal(refused.status, 401);
  assert.match(await refused.text(), /The identity provider refused the sign-in \(access_denied\)/);
  const used = await callback(`error=access_denied&state=${state}`);
  assert.equal(used.status, 400, "a flow cookie is good for one callback");
  await used.body?.cancel();
  // A new flow for each of the next refusals.
  cookie = (await app.request(`${ORIGIN}/auth/sign-in`)).headers.get("set-cookie")!.split(";")[0]!;
  const forged = await callback(`code=forged&state=not-the-state`);
  assert.equal(forged.status, 401);
  assert.match(await forged.text(), /The sign-in could not be completed; sign in again/);
  const stray = await callback(`code=x&state=${state}`, false);
  assert.equal(stray.status, 400);
  assert.match(await stray.text(), /This sign-in expired or was started in another browser/);
  // One row for the client and the minute, with the count and the first reasons.
  const events = await audit();
  assert.equal(events.length, 1);
  assert.match(
    events[0]!,
    /^anonymous sign_in failure 4 failed sign-ins in the minute \(oidc: the provider answered access_denied; oidc: no sign-in in progress; oidc: .+\)$/,
  );
});

Deno.test("a provider that cannot be reached gets a page that says so on every attempt, audited with the count", async () => {
  const { app, audit } = hostFor("http://127.0.0.1:9");
  for (let attempt = 0; attempt < 2; attempt++) {
    const response = await app.request(`${ORIGIN}/auth/sign-in`);
    assert.equal(response.status, 502);
    assert.match(
      await response.text(),
      /The identity provider \(127\.0\.0\.1:9\) cannot be reached; try again later\./,
    );
  }
  assert.deepEqual(await audit(), [
    "anonymous sign_in failure 2 failed sign-ins in the minute (oidc: the provider cannot be reached)",
  ]);
});

Deno.test("the Node bundle and the Worker bundle in workerd send people to the provider too", async () => {
  await using provider = await startOidcProvider(CLIENT_ID, CLIENT_SECRET);
  await provider.allowRedirect(`${ORIGIN}/auth/callback`);
  const dir = mkdtempSync(join(tmpdir(), "honeyframe-oidc-"));
  const settings = {
    HONEYFRAME_OIDC_ISSUER: provider.issuer,
    HONEYFRAME_OIDC_CLIENT_ID: CLIENT_ID,
    HONEYFRAME_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    HONEYFRAME_PUBLIC_URL: ORIGIN,
  };
  const assertSentToProvider = (response: Response, runtime: string) => {
    assert.equal(response.status, 302, runtime);
    const to = new URL(response.headers.get("location")!);
    assert.equal(to.origin, provider.issuer, runtime);
    assert.equal(to.searchParams.get("code_challenge_method"), "S256", runtime);
    assert.equal(to.searchParams.get("redirect_uri"), `${ORIGIN}/auth/callback`, runtime);
  };
  try {
    const node = join(dir, "server.mjs");
    bundle({ entry: resolve("main_node.ts"), output: node });
    {
      await using server = await startServer(
        new Deno.Command("node", {
          args: [node],
          env: { PORT: "0", HOST: "127.0.0.1", PATH: Deno.env.get("PATH") ?? "", ...settings },
          clearEnv: true,
          stdout: "piped",
          stderr: "piped",
        }),
      );
      assertSentToProvider(
        await fetch(`${server.url}/auth/sign-in`, { redirect: "manual" }),
        "node",
      );
    }
    const worker = join(dir, "worker.js");
    bundle({ entry: resolve("main_worker.ts"), output: worker });
    const miniflare = new Miniflare({
      modules: true,
      scriptPath: worker,
      modulesRoot: dir,
      compatibilityDate: "2026-04-01",
      bindings: settings,
    });
    try {
      const response = await miniflare.dispatchFetch(`${ORIGIN}/auth/sign-in`, {
        redirect: "manual",
      });
      assertSentToProvider(response as unknown as Response, "workerd");
    } finally {
      await miniflare.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

Deno.test("a person rides in the signed session cookie, and one with too many groups is refused before any session starts", async () => {
  const store = new MemoryStore();
  const sessions = sessionManager(CLIENT_SECRET, store);
  const app = new Hono()
    .post("/start", async (c) => {
      const person = await c.req.json<Person>();
      try {
        await sessions.start(c, person);
        return c.text("started");
      } catch (error) {
        return c.text((error as Error).name, 400);
      }
    })
    .get("/read", async (c) => c.json((await sessions.read(c))?.person ?? null));
  const alice: Person = {
    subject: "alice",
    email: "alice@example.com",
    name: "Alice",
    org: "default",
    groups: ["crm_admin", "crm_viewer"],
  };
  const started = await app.request("/start", { method: "POST", body: JSON.stringify(alice) });
  assert.equal(await started.text(), "started");
  const cookie = started.headers.get("set-cookie")!.split(";")[0]!;
  assert.ok(cookie.length < 4_000);
  assert.deepEqual(await (await app.request("/read", { headers: { cookie } })).json(), alice);
  // A changed byte breaks the signature: no session at all.
  const at = cookie.length - 5; // inside the signature, before its `%3D` padding
  const forged = cookie.slice(0, at) + (cookie[at] === "A" ? "B" : "A") + cookie.slice(at + 1);
  assert.equal(await (await app.request("/read", { headers: { cookie: forged } })).json(), null);

  const crowd = { ...alice, groups: Array.from({ length: 400 }, (_, i) => `group_${i}`) };
  const refused = await app.request("/start", { method: "POST", body: JSON.stringify(crowd) });
  assert.deepEqual([refused.status, await refused.text()], [400, "PersonTooLarge"]);
  assert.equal(refused.headers.get("set-cookie"), null, "no cookie");
  assert.equal(await store.endAllSessions(), 1, "only alice's session was recorded");
});
