/**
 * Attack: secrets leaking into build outputs and logs. A plugin problem whose text contains the
 * value of a secret variable reaches neither the CLI output, nor the registry (and so neither
 * `dist/`, `GET /api/plugins` nor the admin UI); a running server's log never shows its tokens,
 * secrets or database password, in either format.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { redactSecrets, secretValues } from "../../src/log/mod.ts";
import { createApp, type Registry } from "../../src/runtime/mod.ts";
import { buildServerEntry, loadRegistry } from "../helpers/build.ts";
import { cli } from "../helpers/cli.ts";
import { sandboxedDenoServer, startServer } from "../helpers/process.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

const ENV = {
  HONEYFRAME_DATABASE_URL: "postgres://app:s3cret-pw@db:5432/hf",
  PAYMENTS_API_TOKEN: "tok_live_1234567890",
  REDIS_URL: "redis://:redis-pass-77@cache:6379",
  PATH: "/usr/bin",
};

Deno.test("secretValues() takes secret-named variables and URLs with credentials, nothing else", () => {
  assert.deepEqual(
    secretValues({
      DB: "postgres://honeyframe@127.0.0.1:5432/hf",
      GIT: "https://ghp_0123456789abcdef0123@github.com/x.git",
    }).sort(),
    ["ghp_0123456789abcdef0123", "https://ghp_0123456789abcdef0123@github.com/x.git"],
    "a plain user name is no secret; a token in its place is",
  );
  assert.deepEqual(secretValues(ENV).sort(), [
    "postgres://app:s3cret-pw@db:5432/hf",
    "redis-pass-77",
    "redis://:redis-pass-77@cache:6379",
    "s3cret-pw",
    "tok_live_1234567890",
  ]);
});

Deno.test("a problem quoting secret values is redacted in the CLI output, the registry and the admin API", async () => {
  const leak = `could not reach ${ENV.HONEYFRAME_DATABASE_URL} (password s3cret-pw) with ` +
    `${ENV.PAYMENTS_API_TOKEN} or redis-pass-77`;
  using tree = makeTree({
    "data/plugins/leaky/plugin.yaml": manifest("leaky", "routers:", "  - r.ts:router"),
    "data/plugins/leaky/r.ts": `throw new Error(${JSON.stringify(leak)});\n`,
  });
  const outFile = join(tree.root, ".gen/registry.ts");
  const run = await cli(
    ["build", "--install-dir", tree.root, "--data-dir", join(tree.root, "data"), "--out", outFile],
    ENV,
  );
  const printed = [...run.out, ...run.err].join("\n");
  const registrySource = readFileSync(outFile, "utf8");
  const { registry } = await import(pathToFileURL(outFile).href) as { registry: Registry };
  const token = "secrets-attack-admin-token";
  const report = await (await createApp(registry, { adminToken: token }).request("/api/plugins", {
    headers: { Authorization: `Bearer ${token}` },
  })).text();
  for (const [where, text] of [["CLI", printed], ["registry", registrySource], ["API", report]]) {
    assert.match(text!, /\[redacted\]/, `${where} shows the problem`);
    for (const secret of ["s3cret-pw", "tok_live_1234567890", "redis-pass-77"]) {
      assert.ok(!text!.includes(secret), `${where} leaks ${secret}`);
    }
  }
});

Deno.test("a running server never logs its secrets, even when a plugin's error spells them out", async () => {
  const secrets = {
    HONEYFRAME_ADMIN_TOKEN: "admin-token-never-logged-1",
    HONEYFRAME_JWT_SECRET: "jwt-secret-never-logged-0123456789abcdef",
    HONEYFRAME_METRICS_TOKEN: "metrics-token-never-logged",
    // Kept in memory (HONEYFRAME_STORE wins), so the URL is only a secret the process holds.
    HONEYFRAME_DATABASE_URL: "postgres://app:pg-password-4711@db.invalid:5432/hf",
    HONEYFRAME_STORE: "memory",
  };
  using tree = makeTree({
    "data/plugins/careless/plugin.yaml": manifest("careless", "routers:", "  - r.ts:router"),
    "data/plugins/careless/r.ts": `import { Hono } from "hono";
export const router = new Hono().get("/boom", (c) => {
  // The environment is revoked before plugin code runs; what a plugin learned another way (here:
  // from the request) still never reaches the log.
  throw new Error("config dump: " + c.req.header("x-dump"));
});
`,
  });
  const entry = await buildServerEntry(tree.root);
  for (const format of ["json", "text"]) {
    await using server = await startServer(sandboxedDenoServer(entry, {
      PORT: "0",
      HOST: "127.0.0.1",
      HONEYFRAME_LOG_FORMAT: format,
      HONEYFRAME_ACCESS_LOG: "1",
      ...secrets,
    }));
    const response = await fetch(`${server.url}/api/careless/boom`, {
      headers: { "x-dump": JSON.stringify(secrets) },
    });
    assert.equal(response.status, 500);
    await response.body?.cancel();
    await server[Symbol.asyncDispose]();
    const log = server.output();
    assert.match(log, /config dump/, `${format}: the failure is logged`);
    assert.match(log, /\[redacted\]/);
    const never = [
      secrets.HONEYFRAME_ADMIN_TOKEN,
      secrets.HONEYFRAME_JWT_SECRET,
      secrets.HONEYFRAME_METRICS_TOKEN,
      secrets.HONEYFRAME_DATABASE_URL,
      "pg-password-4711",
    ];
    for (const value of never) {
      assert.ok(!log.includes(value), `${format}: the log leaks ${value}`);
    }
  }
});

Deno.test("credentials in any URL a plugin's message spells out are redacted, whatever the host's variables", async () => {
  const plugin = "postgres://svc:plugin-own-pw-42@warehouse:5432/crm";
  const token = "https://ghp_plugintoken0123456789@git.example/x";
  assert.equal(
    redactSecrets(`cannot reach ${plugin} nor ${token}; see https://docs.example/a@b`, []),
    "cannot reach postgres://svc:[redacted]@warehouse:5432/crm nor https://[redacted]@git.example/x; " +
      "see https://docs.example/a@b",
  );
  // At build time (an import that throws) and at start (the same in the server).
  using tree = makeTree({
    "data/plugins/talky/plugin.yaml": manifest("talky", "routers:", "  - r.ts:router"),
    "data/plugins/talky/r.ts": `import { Hono } from "hono";
if (Deno.permissions.querySync({ name: "net" }).state === "granted") {
  throw new Error(${JSON.stringify(`cannot reach ${plugin}`)});
}
export const router = new Hono();
`,
    "data/plugins/noisy/plugin.yaml": manifest("noisy", "routers:", "  - r.ts:router"),
    "data/plugins/noisy/r.ts": `throw new Error(${JSON.stringify(`cannot reach ${plugin}`)});\n`,
  });
  const registry = await loadRegistry(tree.root);
  for (const name of ["talky", "noisy"]) {
    const found = registry.plugins.find((entry) => entry.name === name)!;
    assert.equal(found.status, "error", name);
    const text = JSON.stringify(found.errors);
    assert.match(text, /postgres:\/\/svc:\[redacted\]@warehouse/, name);
    assert.ok(!text.includes("plugin-own-pw-42"), name);
  }
});
