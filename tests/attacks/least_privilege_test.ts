/**
 * Attack: a hostile customer plugin. At import and in a handler it tries to read each of the
 * host's secrets from the environment, read the SQLite file and list the data directory, write a
 * file, run a process, and connect to a host `HONEYFRAME_PLUGIN_NET` does not list. Under
 * `deno task start` (what `npm start` runs), where it runs in a worker of the plugin process, and
 * under the bundled Deno server with plugins in its own process, every attempt is refused and the
 * healthy plugin keeps answering; under Node with its permission model (plugins in process there,
 * `HONEYFRAME_ISOLATION=none`), the test records what that model stops (and that the network stays
 * open there).
 */
import assert from "node:assert/strict";
import { Miniflare } from "npm:miniflare@4.20260426.0";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Hono } from "hono";
import { workerHandler } from "../../src/adapters/worker/mod.ts";
import { bundle } from "../../src/build/bundle.ts";
import { serverEntrySource } from "../../src/build/mod.ts";
import { serverNetAllowList, serverVariables } from "../../src/env/mod.ts";
import { defineRegistry, MODULE_POLICY_VERSION } from "../../src/runtime/mod.ts";
import { buildServerEntry, rebuildProjectRegistry } from "../helpers/build.ts";
import { type RunningServer, startServer } from "../helpers/process.ts";
import { registryOf } from "../helpers/registry.ts";
import { makeTree, manifest, pingRouter, type Tree } from "../helpers/tree.ts";

const SECRETS = {
  HONEYFRAME_ADMIN_TOKEN: "admin-token-the-spy-wants-1234",
  HONEYFRAME_JWT_SECRET: "jwt-secret-the-spy-wants-0123456789abcdef",
  HONEYFRAME_METRICS_TOKEN: "metrics-token-the-spy-wants",
  HONEYFRAME_DATABASE_URL: "postgres://app:pg-password-the-spy-wants@db.invalid:5432/hf",
};

/** What the spy tries; `listed_host` is allowed, to show the list is a list. */
const ATTEMPTS = [
  "admin_token",
  "jwt_secret",
  "metrics_token",
  "database_url",
  "sqlite_file",
  "data_dir",
  "write_file",
  "subprocess",
  "unlisted_host",
  "listed_host",
] as const;

type Outcome = { value: string | null } | { refused: string };

/** The spy plugin, written with `node:` APIs so that the same code runs on Deno and Node. */
function spyPlugin(dataDir: string, listed: string, unlisted: string): Record<string, string> {
  return {
    "plugins/spy/plugin.yaml": manifest("spy", "routers:", "  - r.ts:router"),
    "plugins/spy/r.ts": `import { Hono } from "hono";
import process from "node:process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

const data = ${JSON.stringify(dataDir)};
const attempts: Record<string, () => unknown> = {
  admin_token: () => process.env.HONEYFRAME_ADMIN_TOKEN,
  jwt_secret: () => process.env.HONEYFRAME_JWT_SECRET,
  metrics_token: () => process.env.HONEYFRAME_METRICS_TOKEN,
  database_url: () => process.env.HONEYFRAME_DATABASE_URL,
  sqlite_file: () => readFileSync(data + "/honeyframe.db").length,
  data_dir: () => readdirSync(data).join(","),
  write_file: () => writeFileSync(data + "/planted.txt", "x"),
  subprocess: () => execFileSync("id").toString(),
  unlisted_host: async () => (await fetch(${JSON.stringify(unlisted)})).status,
  listed_host: async () => await (await fetch(${JSON.stringify(listed)})).text(),
};

async function tryAll() {
  const outcomes: Record<string, unknown> = {};
  for (const [name, attempt] of Object.entries(attempts)) {
    try {
      const value = await attempt();
      outcomes[name] = { value: value === undefined ? null : String(value) };
    } catch (error) {
      const { name: kind, code } = error as { name?: string; code?: string };
      outcomes[name] = { refused: code ?? kind ?? "Error" };
    }
  }
  return outcomes;
}

const atImport = await tryAll();

export const router = new Hono()
  .get("/import", (c) => c.json(atImport))
  .get("/handler", async (c) => c.json(await tryAll()))
  .get("/uncaught", () => new Response(process.env.HONEYFRAME_ADMIN_TOKEN ?? "none"));
`,
    "plugins/ok/plugin.yaml": manifest("ok", "routers:", "  - r.ts:router"),
    "plugins/ok/r.ts": pingRouter("ok"),
  };
}

/** A server on 127.0.0.1 the spy may reach by the name `localhost`. */
function echoServer(): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response("echo"),
  );
}

/** A tree whose data directory holds the spy and a healthy plugin; the echo server's addresses. */
function hostileTree(
  echoPort: number,
): { tree: Tree; dataDir: string; env: Record<string, string> } {
  const tree = makeTree();
  const dataDir = join(tree.root, "data");
  tree.write(
    Object.fromEntries(
      Object.entries(
        spyPlugin(dataDir, `http://localhost:${echoPort}/`, `http://127.0.0.2:${echoPort}/`),
      ).map(([path, text]) => [`data/${path}`, text]),
    ),
  );
  const env = {
    ...SECRETS,
    DATA_DIR: dataDir,
    PORT: "0",
    HOST: "127.0.0.1",
    HONEYFRAME_STORE: "sqlite",
    HONEYFRAME_PLUGIN_NET: `localhost:${echoPort}`,
    PATH: Deno.env.get("PATH") ?? "",
  };
  return { tree, dataDir, env };
}

/**
 * Every attempt refused by Deno's permissions, the healthy plugin up. In the host's process the
 * listed host is reached; in a worker of the plugin process it is not, since `localhost` is
 * loopback, which an isolated plugin never reaches whatever the operator lists.
 */
async function assertEverythingRefused(
  server: RunningServer,
  dataDir: string,
  isolation: "worker" | "in_process",
): Promise<void> {
  for (const when of ["import", "handler"]) {
    const outcomes: Record<string, Outcome> = await (await fetch(`${server.url}/api/spy/${when}`))
      .json();
    for (const attempt of ATTEMPTS) {
      const expected = attempt === "listed_host" && isolation === "in_process"
        ? { value: "echo" }
        : { refused: "NotCapable" };
      assert.deepEqual(
        outcomes[attempt],
        expected,
        `${attempt} at ${when}: ${JSON.stringify(outcomes)}\n${server.output()}`,
      );
    }
  }
  const uncaught = await fetch(`${server.url}/api/spy/uncaught`);
  const body = await uncaught.json();
  assert.deepEqual([uncaught.status, body.error, body.plugin], [500, "plugin_error", "spy"]);
  assert.equal((await fetch(`${server.url}/api/ok/ping`)).status, 200, "the healthy plugin");
  assert.equal(existsSync(join(dataDir, "planted.txt")), false, "nothing was written");
  assert.ok(existsSync(join(dataDir, "honeyframe.db")), "the host's own store is in use");
  assert.match(server.output(), /Plugins run without environment, file reads, file writes/);
  assert.match(server.output(), /network: localhost:\d+/);
  assert.match(
    server.output(),
    isolation === "worker"
      ? /Plugins: 2 isolated in the plugin process, a worker each \(ok, spy\)/
      : /Plugins: every mounted plugin runs in the host's process/,
  );
  for (const secret of Object.values(SECRETS)) {
    assert.ok(!server.output().includes(secret), "no secret in the log");
  }
}

Deno.test("deno task start: a hostile customer plugin, isolated by default, gets no secret, file, process or host", async () => {
  await using echo = echoServer();
  const { tree, dataDir, env } = hostileTree(echo.addr.port);
  using _tree = tree;
  try {
    await using server = await startServer(
      new Deno.Command(Deno.execPath(), {
        args: ["task", "start"],
        env,
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }),
      60_000,
    );
    await assertEverythingRefused(server, dataDir, "worker");
  } finally {
    await rebuildProjectRegistry();
  }
});

Deno.test("the bundled Deno server, plugins in its process: the same plugin gets nothing but the listed host, whether its code is imported in the background or on first use", async () => {
  await using echo = echoServer();
  const { tree, dataDir, env: customer } = hostileTree(echo.addr.port);
  using _tree = tree;
  const entry = await buildServerEntry(tree.root);
  const output = join(tree.root, "server.js");
  bundle({ entry, output });
  for (const loading of ["background", "lazy"]) {
    const env = { ...customer, HONEYFRAME_ISOLATION: "none", HONEYFRAME_PLUGIN_LOADING: loading };
    await using server = await startServer(
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--no-prompt",
          "--no-config",
          "--unstable-no-legacy-abort",
          `--allow-read=${dataDir}`,
          `--allow-write=${dataDir}`,
          `--allow-net=${serverNetAllowList(env)}`,
          `--allow-env=${serverVariables().join(",")}`,
          output,
        ],
        env,
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }),
    );
    await assertEverythingRefused(server, dataDir, "in_process");
    assert.match(
      server.output(),
      loading === "lazy"
        ? /Plugin code: 3 plugins, each imported on its first use only/
        : /Plugin code: 3 plugins, each imported on its first use or in the background/,
    );
  }
});

Deno.test("a server told to narrow the network but started with all of it refuses to start", async () => {
  await using echo = echoServer();
  const { tree, env } = hostileTree(echo.addr.port);
  using _tree = tree;
  const entry = await buildServerEntry(tree.root);
  const run = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--config", join(Deno.cwd(), "deno.json"), entry],
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(run.stdout) + new TextDecoder().decode(run.stderr);
  assert.equal(run.code, 1, text);
  assert.match(
    text,
    /cannot start: HONEYFRAME_PLUGIN_NET is set, but this process may connect to any host/,
  );
});

Deno.test("the Node bundle under Node's permission model: secrets gone, files and processes denied, network open", async () => {
  await using echo = echoServer();
  const { tree, dataDir, env } = hostileTree(echo.addr.port);
  using _tree = tree;
  const registry = join(tree.root, "gen/registry.ts");
  await buildServerEntry(tree.root);
  const entry = join(tree.root, "gen/node_server.ts");
  writeFileSync(entry, serverEntrySource(registry, entry, "node"));
  const output = join(tree.root, "server.mjs");
  bundle({ entry, output });
  // Node 20 has no SQLite: the state stays in memory (the database URL is then only a secret).
  const { HONEYFRAME_PLUGIN_NET: _, ...rest } = env;
  const nodeEnv = { ...rest, HONEYFRAME_STORE: "memory", HONEYFRAME_ISOLATION: "none" };
  await using server = await startServer(
    new Deno.Command("node", {
      args: ["--experimental-permission", `--allow-fs-read=${output}`, output],
      env: nodeEnv,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }),
  );
  const expected: Record<(typeof ATTEMPTS)[number], Outcome> = {
    admin_token: { value: null },
    jwt_secret: { value: null },
    metrics_token: { value: null },
    database_url: { value: null },
    sqlite_file: { refused: "ERR_ACCESS_DENIED" },
    data_dir: { refused: "ERR_ACCESS_DENIED" },
    write_file: { refused: "ERR_ACCESS_DENIED" },
    subprocess: { refused: "ERR_ACCESS_DENIED" },
    // Node's model has no network permission: the connection is attempted (and refused by the
    // loopback address nobody listens on), and the listed host is reached like any other.
    unlisted_host: { refused: "TypeError" },
    listed_host: { value: "echo" },
  };
  for (const when of ["import", "handler"]) {
    const outcomes = await (await fetch(`${server.url}/api/spy/${when}`)).json();
    assert.deepEqual(outcomes, expected, when);
  }
  assert.equal(await (await fetch(`${server.url}/api/spy/uncaught`)).text(), "none");
  assert.equal((await fetch(`${server.url}/api/ok/ping`)).status, 200);
  assert.equal(existsSync(join(dataDir, "planted.txt")), false);
  assert.match(
    server.output(),
    /Plugins cannot read the host's variables \(removed from process\.env\)/,
  );
});

Deno.test("on Workers, plugins get the bindings without the host's tokens, secrets, D1 database and service bindings to plugin Workers", async () => {
  const app = new Hono().get("/bindings", (c) => c.json(Object.keys(c.env as object).sort()));
  const { routers: _, pages: __, health: ___, ...record } = registryOf({ spy: app }).plugins[0]!;
  const generated = defineRegistry({
    fingerprint: "sha256-handwritten",
    modulePolicy: MODULE_POLICY_VERSION,
    permissions: [],
    plugins: [{
      ...record,
      load: () =>
        Promise.resolve({ routers: [{ spec: "router.ts:router", app }], pages: {}, health: [] }),
    }],
  });
  // In this test's own process, which must keep its rights; `deno serve` and Bun drop them.
  const handler = workerHandler(generated, { dropPrivileges: false });
  // A real D1 database in workerd, as the host's store binding.
  const miniflare = new Miniflare({
    modules: true,
    script: "export default { fetch: () => new Response(null, { status: 204 }) };",
    compatibilityDate: "2026-04-01",
    d1Databases: ["HONEYFRAME_D1"],
  });
  try {
    const bindings = {
      ...SECRETS,
      HONEYFRAME_D1: await miniflare.getD1Database("HONEYFRAME_D1"),
      CUSTOMER_KV: "a binding of theirs",
      // A service binding to an isolated plugin's Worker, which trusts what comes through it.
      HONEYFRAME_PLUGIN_BILLING: { fetch: () => Promise.resolve(new Response("billing")) },
      // The plugin runs in the host Worker here: what it sees of the bindings is the question.
      HONEYFRAME_ISOLATION: "none",
    };
    const response = await handler.fetch(new Request("http://edge/api/spy/bindings"), bindings);
    assert.deepEqual(await response.json(), ["CUSTOMER_KV"]);
    const admin = await handler.fetch(
      new Request("http://edge/api/plugins", {
        headers: { Authorization: `Bearer ${SECRETS.HONEYFRAME_ADMIN_TOKEN}` },
      }),
      bindings,
    );
    assert.equal(admin.status, 200, "the host still reads its own bindings");
    await admin.body?.cancel();
  } finally {
    await miniflare.dispose();
  }
});
