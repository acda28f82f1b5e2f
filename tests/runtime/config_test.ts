import assert from "node:assert/strict";
import { ConfigError } from "../../src/env/mod.ts";
import { MIN_ADMIN_TOKEN_LENGTH, readConfig } from "../../src/runtime/mod.ts";
import { workerHandler } from "../../src/adapters/worker/mod.ts";
import { registryOf } from "../helpers/registry.ts";

Deno.test("readConfig() applies defaults and reads records, get() sources and bindings alike", () => {
  const defaults = {
    pluginTimeoutMs: 30_000,
    pluginStorageMb: 10,
    logFormat: "text",
    accessLog: false,
    jwtRequireExp: true,
    jwtMaxTtlS: 86_400,
    trustProxy: false,
    pluginBodyMaxMb: 10,
    dbt: { command: "dbt", timeoutMs: 3_600_000, installDir: ".", dataDir: "./data" },
  };
  assert.deepEqual(readConfig({}), { port: 8000, hostname: "127.0.0.1", ...defaults });
  const token = "x".repeat(MIN_ADMIN_TOKEN_LENGTH);
  const expected = {
    port: 9000,
    hostname: "0.0.0.0",
    adminToken: token,
    ...defaults,
  };
  const values: Record<string, string> = {
    PORT: "9000",
    HOST: "0.0.0.0",
    HONEYFRAME_ADMIN_TOKEN: token,
  };
  assert.deepEqual(readConfig(values), expected);
  assert.deepEqual(readConfig({ get: (name: string) => values[name] }), expected);
  assert.deepEqual(readConfig({ ...values, KV: { binding: true } }), expected);
  assert.deepEqual(readConfig({ PORT: "  ", HONEYFRAME_ADMIN_TOKEN: "" }), {
    port: 8000,
    hostname: "127.0.0.1",
    ...defaults,
  });
});

Deno.test("readConfig() refuses a bad port and a short admin token without echoing it", () => {
  for (const port of ["http", "-1", "70000", "80.5"]) {
    assert.throws(() => readConfig({ PORT: port }), ConfigError);
  }
  const short = "hunter2hunter2";
  assert.throws(
    () => readConfig({ HONEYFRAME_ADMIN_TOKEN: short }),
    (error: Error) =>
      error instanceof ConfigError && /at least 16/.test(error.message) &&
      !error.message.includes(short),
  );
});

Deno.test("HONEYFRAME_PLUGIN_ORIGIN is another origin, and needs HONEYFRAME_PUBLIC_URL", () => {
  const publicUrl = { HONEYFRAME_PUBLIC_URL: "https://edge.example.com" };
  assert.equal(
    readConfig({ ...publicUrl, HONEYFRAME_PLUGIN_ORIGIN: "https://plugins.example.com/x" })
      .pluginOrigin?.href,
    "https://plugins.example.com/",
  );
  const refused = (env: Record<string, string>, message: RegExp) =>
    assert.throws(
      () => readConfig(env),
      (error: Error) => error instanceof ConfigError && message.test(error.message),
    );
  refused(
    { HONEYFRAME_PLUGIN_ORIGIN: "https://plugins.example.com" },
    /needs HONEYFRAME_PUBLIC_URL/,
  );
  refused(
    { ...publicUrl, HONEYFRAME_PLUGIN_ORIGIN: "https://edge.example.com/plugins" },
    /must be another origin/,
  );
  refused({ ...publicUrl, HONEYFRAME_PLUGIN_ORIGIN: "plugins" }, /http:\/\/ or https:\/\//);
});

Deno.test("a server refuses to start with a short admin token and says why", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { readConfigOrExit } from "${new URL(
        "../../src/runtime/config.ts",
        import.meta.url,
      )}"; readConfigOrExit(Deno.env, Deno.exit); console.log("started");`,
    ],
    env: { HONEYFRAME_ADMIN_TOKEN: "too-short" },
  }).output();
  assert.equal(output.code, 1);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.match(
    stderr,
    /^\S+ ERROR Honeyframe Edge cannot start: HONEYFRAME_ADMIN_TOKEN is 9 characters long; use at least 16/,
  );
  assert.ok(!stderr.includes("too-short"));
  assert.doesNotMatch(new TextDecoder().decode(output.stdout), /started/);
});

Deno.test("the worker handler answers 500 without details when its bindings are invalid", async () => {
  const handler = workerHandler(registryOf({}), { dropPrivileges: false });
  const originalError = console.error;
  const logged: string[] = [];
  console.error = (line: string) => logged.push(line);
  try {
    const response = await handler.fetch(new Request("http://x/healthz"), {
      HONEYFRAME_ADMIN_TOKEN: "short",
    });
    assert.equal(response.status, 500);
    assert.deepEqual(await response.json(), {
      error: "misconfigured",
      message: "the server is misconfigured; see its log",
    });
    assert.match(logged[0] ?? "", /HONEYFRAME_ADMIN_TOKEN is 5 characters long/);
  } finally {
    console.error = originalError;
  }
  const healthy = workerHandler(registryOf({}), { dropPrivileges: false });
  assert.equal(
    (await healthy.fetch(new Request("http://x/healthz"), {
      HONEYFRAME_ADMIN_TOKEN: "a".repeat(16),
    })).status,
    200,
  );
});
