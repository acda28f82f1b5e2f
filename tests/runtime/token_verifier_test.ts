/**
 * The JWT matrix: `exp` required (or not), expired and not-yet-valid tokens with and without the
 * 30 s clock skew, `iss` and `aud` pinned, wrong secrets and algorithms; and the configuration that
 * turns each rule on, through a real app.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { sign } from "hono/jwt";
import { ConfigError } from "../../src/env/mod.ts";
import { createApp, readConfig } from "../../src/runtime/mod.ts";
import { CLOCK_SKEW_SECONDS, tokenVerifier } from "../../src/runtime/token_verifier.ts";
import { SILENT_LOGGER } from "../../src/log/mod.ts";
import { requirePermission } from "../../src/runtime/permissions.ts";
import { MemoryStore } from "../../src/state/mod.ts";
import { PluginLifecycle } from "../../src/runtime/lifecycle.ts";
import { registryOf } from "../helpers/registry.ts";
import { JWT_SECRET } from "../helpers/jwt.ts";

const NOW = Date.parse("2026-11-27T12:00:00Z");
const seconds = NOW / 1000;
const identity = { org: "default", groups: ["viewers"] };
const token = (claims: Record<string, unknown>, secret = JWT_SECRET) =>
  sign({ ...identity, ...claims }, secret, "HS256");

Deno.test("exp is required unless switched off, and expired tokens are refused beyond the skew", async () => {
  const strict = tokenVerifier({ secret: JWT_SECRET, requireExp: true }, () => NOW);
  const lenient = tokenVerifier({ secret: JWT_SECRET, requireExp: false }, () => NOW);
  const cases: [string, Record<string, unknown>, boolean, boolean][] = [
    ["no exp", {}, false, true],
    ["exp in an hour", { exp: seconds + 3600 }, true, true],
    ["expired 1 s ago (within the skew)", { exp: seconds - 1 }, true, true],
    [
      `expired ${CLOCK_SKEW_SECONDS - 1} s ago`,
      { exp: seconds - CLOCK_SKEW_SECONDS + 1 },
      true,
      true,
    ],
    [
      `expired ${CLOCK_SKEW_SECONDS + 1} s ago`,
      { exp: seconds - CLOCK_SKEW_SECONDS - 1 },
      false,
      false,
    ],
    ["exp not a number", { exp: "tomorrow" }, false, false],
    ["nbf 29 s ahead", { exp: seconds + 60, nbf: seconds + 29 }, true, true],
    ["nbf 31 s ahead", { exp: seconds + 60, nbf: seconds + 31 }, false, false],
    ["iat 31 s ahead", { exp: seconds + 60, iat: seconds + 31 }, false, false],
    ["iat an hour ago", { exp: seconds + 60, iat: seconds - 3600 }, true, true],
  ];
  for (const [what, claims, strictly, leniently] of cases) {
    const jwt = await token(claims);
    assert.equal((await strict(jwt)) !== undefined, strictly, `${what}, exp required`);
    assert.equal((await lenient(jwt)) !== undefined, leniently, `${what}, exp optional`);
  }
});

Deno.test("iss and aud are enforced when configured, and ignored otherwise", async () => {
  const exp = seconds + 600;
  const pinned = tokenVerifier(
    { secret: JWT_SECRET, requireExp: true, issuer: "https://id.example", audience: "honeyframe" },
    () => NOW,
  );
  const open = tokenVerifier({ secret: JWT_SECRET, requireExp: true }, () => NOW);
  const cases: [string, Record<string, unknown>, boolean][] = [
    ["right iss and aud", { iss: "https://id.example", aud: "honeyframe" }, true],
    ["aud in a list", { iss: "https://id.example", aud: ["other", "honeyframe"] }, true],
    ["wrong iss", { iss: "https://evil.example", aud: "honeyframe" }, false],
    ["no iss", { aud: "honeyframe" }, false],
    ["wrong aud", { iss: "https://id.example", aud: "other" }, false],
    ["no aud", { iss: "https://id.example" }, false],
  ];
  for (const [what, claims, expected] of cases) {
    const jwt = await token({ exp, ...claims });
    assert.equal((await pinned(jwt)) !== undefined, expected, what);
    assert.ok((await open(jwt)) !== undefined, `${what}: accepted when nothing is pinned`);
  }
});

Deno.test("a token signed with another secret or algorithm, or without org and groups, is refused", async () => {
  const verify = tokenVerifier({ secret: JWT_SECRET, requireExp: true }, () => NOW);
  const exp = seconds + 600;
  assert.equal(await verify(await token({ exp }, "another-secret-of-32-characters-xx")), undefined);
  assert.equal(await verify(await sign({ ...identity, exp }, JWT_SECRET, "HS512")), undefined);
  assert.equal(await verify(await sign({ groups: ["viewers"], exp }, JWT_SECRET)), undefined);
  assert.equal(await verify("not.a.jwt"), undefined);
  const unsigned = `${btoa('{"alg":"none","typ":"JWT"}')}.${
    btoa(JSON.stringify({ ...identity, exp }))
  }.`;
  assert.equal(await verify(unsigned), undefined);
  assert.deepEqual(await verify(await token({ exp, sub: "ana" })), { ...identity, subject: "ana" });
});

Deno.test("the environment switches the rules on for plugin routes, and refuses a bad value", async () => {
  const config = readConfig({
    HONEYFRAME_JWT_SECRET: JWT_SECRET,
    HONEYFRAME_JWT_ISSUER: "https://id.example",
    HONEYFRAME_JWT_AUDIENCE: "honeyframe",
  });
  assert.deepEqual(
    [config.jwtRequireExp, config.jwtIssuer, config.jwtAudience],
    [true, "https://id.example", "honeyframe"],
  );
  assert.equal(readConfig({ HONEYFRAME_JWT_REQUIRE_EXP: "false" }).jwtRequireExp, false);
  assert.throws(
    () => readConfig({ HONEYFRAME_JWT_REQUIRE_EXP: "no" }),
    (error) => error instanceof ConfigError && /must be true or false/.test(error.message),
  );

  const registry = registryOf({
    crm: new Hono().get("/x", requirePermission("crm.read"), (c) => c.text("granted")),
  });
  const store = new MemoryStore();
  await store.putGroup("default", "viewers", ["crm.read"], "test", new Date(NOW).toISOString());
  const lifecycle = new PluginLifecycle(registry, store);
  const app = createApp(registry, { ...config, lifecycle, log: SILENT_LOGGER });
  const ask = async (claims: Record<string, unknown>) =>
    (await app.request("/api/crm/x", {
      headers: { authorization: `Bearer ${await token(claims)}` },
    })).status;
  const exp = Math.floor(Date.now() / 1000) + 600;
  assert.equal(await ask({ exp, iss: "https://id.example", aud: "honeyframe" }), 200);
  assert.equal(await ask({ exp, iss: "https://evil.example", aud: "honeyframe" }), 401);
  assert.equal(await ask({ exp, iss: "https://id.example", aud: "other" }), 401);
  assert.equal(await ask({ iss: "https://id.example", aud: "honeyframe" }), 401, "no exp");
});

Deno.test("a token may live at most HONEYFRAME_JWT_MAX_TTL_S: exp: 1e308 is refused", async () => {
  const verify = tokenVerifier({ secret: JWT_SECRET, requireExp: true }, () => NOW);
  const day = 86_400;
  const cases: [string, Record<string, unknown>, boolean][] = [
    ["exp: 1e308", { exp: 1e308 }, false],
    ["exp a day from now, no iat", { exp: seconds + day }, true],
    ["exp two days from now, no iat", { exp: seconds + 2 * day }, false],
    ["iat an hour ago, exp 23 h ahead", { iat: seconds - 3600, exp: seconds + day - 3600 }, true],
    ["iat an hour ago, exp 24 h ahead", { iat: seconds - 3600, exp: seconds + day + 60 }, false],
  ];
  for (const [name, claims, valid] of cases) {
    assert.equal((await verify(await token(claims))) !== undefined, valid, name);
  }
  const longer = tokenVerifier(
    { secret: JWT_SECRET, requireExp: true, maxTtlSeconds: 7 * day },
    () => NOW,
  );
  assert.ok(await longer(await token({ exp: seconds + 2 * day })), "the operator's limit");
  assert.equal(readConfig({}).jwtMaxTtlS, day);
  assert.equal(readConfig({ HONEYFRAME_JWT_MAX_TTL_S: "604800" }).jwtMaxTtlS, 7 * day);
});

Deno.test("a polluted Object.prototype.secret is no JWT secret: with none configured, every token is refused", async () => {
  const chosen = "a-secret-the-plugin-chose-0123456789";
  const prototype = Object.prototype as Record<string, unknown>;
  prototype.secret = chosen;
  try {
    const verify = tokenVerifier({ requireExp: true }, () => NOW);
    assert.equal(await verify(await token({ exp: seconds + 60 }, chosen)), undefined);
  } finally {
    delete prototype.secret;
  }
});
