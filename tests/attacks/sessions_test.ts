/**
 * Attack: sessions and sign-in. Sign-out ends a session at once, "sign out everywhere" ends all,
 * malformed cookies and CR/LF in `next` are plain bad input (no 500, no log flood), and failed
 * sign-ins are throttled per client and in all, with one audit row per client and minute.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { createApp, PluginLifecycle } from "../../src/runtime/mod.ts";
import { MemoryStore } from "../../src/state/mod.ts";
import { registryOf } from "../helpers/registry.ts";
import { createLogger } from "../../src/log/mod.ts";

const TOKEN = "sessions-attack-admin-token";
const ORIGIN = "http://localhost";

function host() {
  let clock = Date.parse("2026-11-26T10:00:00Z");
  const now = () => clock;
  const registry = registryOf({ crm: new Hono().get("/x", (c) => c.text("x")) });
  const store = new MemoryStore();
  const lines: string[] = [];
  const app = createApp(registry, {
    adminToken: TOKEN,
    lifecycle: new PluginLifecycle(registry, store, { now }),
    now,
    log: createLogger({ write: (line) => lines.push(line) }),
  });
  return { app, store, lines, advance: (ms: number) => (clock += ms) };
}

function post(fields: Record<string, string>, cookie?: string): RequestInit {
  return {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: ORIGIN,
      ...(cookie ? { cookie } : {}),
    },
  };
}

/** The Deno adapter's shape of the connection info: the client's address. */
const from = (address: string) => ({
  remoteAddr: { hostname: address, port: 1, transport: "tcp" },
});

async function signIn(app: Hono): Promise<{ cookie: string; csrf: string }> {
  const response = await app.request(`${ORIGIN}/admin/sign-in`, post({ token: TOKEN }));
  assert.equal(response.status, 303);
  const cookie = response.headers.get("set-cookie")!.split(";")[0]!;
  const page = await (await app.request(`${ORIGIN}/admin/plugins`, { headers: { cookie } }))
    .text();
  return { cookie, csrf: /name="csrf" value="([^"]+)"/.exec(page)![1]! };
}

const signedIn = async (app: Hono, cookie: string) =>
  (await app.request(`${ORIGIN}/admin/plugins`, { headers: { cookie } })).status === 200;

Deno.test("after sign-out the old cookie opens no page and passes no CSRF-checked form", async () => {
  const { app } = host();
  const { cookie, csrf } = await signIn(app);
  const out = await app.request(`${ORIGIN}/admin/sign-out`, post({ csrf }, cookie));
  assert.equal(out.status, 303);
  assert.equal(await signedIn(app, cookie), false);
  const replay = await app.request(`${ORIGIN}/admin/plugins/crm/disable`, post({ csrf }, cookie));
  assert.equal(replay.status, 303);
  assert.match(replay.headers.get("location")!, /^\/admin\/sign-in/);
});

Deno.test("sign out everywhere ends every session at once and is audited", async () => {
  const { app, store } = host();
  const first = await signIn(app);
  const second = await signIn(app);
  const out = await app.request(
    `${ORIGIN}/admin/sign-out-everywhere`,
    post({ csrf: first.csrf }, first.cookie),
  );
  assert.equal(out.status, 303);
  assert.equal(await signedIn(app, first.cookie), false);
  assert.equal(await signedIn(app, second.cookie), false);
  const [event] = await store.recentAudit(1);
  assert.equal(event?.action, "sign_out_everywhere");
  assert.equal(event?.detail, "2 sessions ended");
});

Deno.test("malformed session cookies are no session: no 500, one log line a minute at most", async () => {
  const { app, lines, advance } = host();
  const bad = ["a", "..", "a.b", "a.1.!!", "a.1.b", "a.x.bbbb", "a.1.bbbb.c", "%ZZ", "a.1.b=="];
  for (const value of bad) {
    const response = await app.request(`${ORIGIN}/admin/plugins`, {
      headers: { cookie: `hf_session=${value}` },
    });
    assert.equal(response.status, 303, value);
  }
  assert.ok(lines.length <= 1, `logged ${lines.length} lines`);
  advance(61_000);
  await app.request(`${ORIGIN}/admin/plugins`, { headers: { cookie: "hf_session=a.1.b" } });
  assert.ok(lines.length <= 2);
});

Deno.test("CR/LF in next is ignored, not a 500", async () => {
  const { app } = host();
  const next = "/admin/plugins\r\nSet-Cookie: x=y";
  const page = await app.request(`${ORIGIN}/admin/sign-in?next=${encodeURIComponent(next)}`);
  assert.equal(page.status, 200);
  const response = await app.request(`${ORIGIN}/admin/sign-in`, post({ token: TOKEN, next }));
  assert.equal(response.status, 303);
  assert.equal(response.headers.get("location"), "/admin/plugins");
});

Deno.test("failed sign-ins are limited per client and in all, and audited once per client and minute", async () => {
  const { app, store, advance } = host();
  const attempt = async (client: string, token = "wrong-token"): Promise<Response> =>
    await app.request(`${ORIGIN}/admin/sign-in`, post({ token }), from(client));
  for (let i = 0; i < 10; i++) assert.equal((await attempt("127.0.0.2")).status, 401);
  const throttled = await attempt("127.0.0.2");
  assert.equal(throttled.status, 429);
  assert.ok(Number(throttled.headers.get("retry-after")) >= 1);
  assert.equal((await attempt("127.0.0.2", TOKEN)).status, 429, "even the right token waits");
  assert.equal((await attempt("127.0.0.3")).status, 401, "another client is not held up");

  // 2,000 attempts from 20 clients: at most 100 are checked in the minute, the rest get 429.
  const statuses = await Promise.all(
    Array.from({ length: 2_000 }, (_, i) => attempt(`127.0.1.${i % 20}`).then((r) => r.status)),
  );
  const checked = statuses.filter((status) => status === 401).length;
  assert.ok(checked <= 100 - 11, `${checked} were checked`);
  assert.ok(statuses.filter((status) => status === 429).length >= 1_900);
  assert.deepEqual(await store.recentAudit(10), [], "nothing is written during the minute");

  advance(60_000);
  assert.equal((await attempt("127.0.0.2", TOKEN)).status, 303, "a new minute, a new chance");
  const failures = (await store.recentAudit(100)).filter((event) => event.outcome === "failure");
  assert.ok(failures.length <= 22, `${failures.length} audit rows for 2,013 failures`);
  const mine = failures.find((event) => event.target === "127.0.0.2");
  assert.equal(mine?.detail, "12 failed sign-ins in the minute (wrong admin token)");
});

Deno.test("other clients' failures never refuse the right token: 12 addresses × 10 failures, then the admin from a fresh address signs in", async () => {
  const { app } = host();
  const attempt = async (client: string, token = "wrong-token"): Promise<Response> =>
    await app.request(`${ORIGIN}/admin/sign-in`, post({ token }), from(client));
  // 120 failures fill the global limit (100) and then some.
  for (let address = 0; address < 12; address++) {
    for (let i = 0; i < 10; i++) await attempt(`127.0.2.${address}`);
  }
  assert.equal((await attempt("127.0.2.0")).status, 429, "a client that failed waits");
  assert.equal((await attempt("127.0.3.1", TOKEN)).status, 303, "the right token gets in");
  // A fresh address is heard once while the limit is reached; after a failure it waits too.
  assert.equal((await attempt("127.0.3.2")).status, 401);
  assert.equal((await attempt("127.0.3.2")).status, 429);
  assert.equal((await attempt("127.0.3.2", TOKEN)).status, 429, "its own failure holds it");
});
