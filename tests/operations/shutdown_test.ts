/**
 * Real signals to real servers on 127.0.0.1: `SIGTERM` during a slow request lets it finish, the
 * process exits 0 within the shutdown timeout and frees its port, a request that outlives the
 * timeout is cut off, a taken port is one line and exit 1, and `npm start` stopped by a signal
 * leaves no process behind. Bounded in time; every process is killed at the end.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundle } from "../../src/build/bundle.ts";
import { serverEntrySource } from "../../src/build/server_entry.ts";
import { buildServerEntry } from "../helpers/build.ts";
import {
  alive,
  descendants,
  exited,
  type RunningServer,
  sandboxedDenoServer,
  startServer,
} from "../helpers/process.ts";
import { makeTree, manifest, type Tree } from "../helpers/tree.ts";
import { needs } from "../helpers/system_tools.ts";
import { freePort } from "../helpers/ports.ts";

const SLOW_PLUGIN = {
  "data/plugins/slow/plugin.yaml": manifest("slow", "routers:", "  - r.ts:router"),
  "data/plugins/slow/r.ts": `import { Hono } from "hono";
export const router = new Hono()
  .get("/wait/:ms", async (c) => {
    const ms = Number(c.req.param("ms"));
    await new Promise((resolve) => setTimeout(resolve, ms));
    return c.text(\`done after \${ms} ms\`);
  })
  .get("/forever", () => new Promise<Response>(() => {}));
`,
};

type Runtime = "deno" | "node";

/** The slow plugin's server entry for each runtime: a Deno module, and the Node bundle. */
async function serverEntries(tree: Tree): Promise<Record<Runtime, string>> {
  const deno = await buildServerEntry(tree.root);
  const nodeEntry = join(tree.root, "gen/server_node.ts");
  writeFileSync(
    nodeEntry,
    serverEntrySource(join(tree.root, "gen/registry.ts"), nodeEntry, "node"),
  );
  const node = join(tree.root, "gen/server.mjs");
  bundle({ entry: nodeEntry, output: node });
  return { deno, node };
}

function serverCommand(runtime: Runtime, entry: string, env: Record<string, string>) {
  // The slow plugin runs in the host's process: these tests are about the host's own shutdown.
  const base = { PORT: "0", HOST: "127.0.0.1", HONEYFRAME_ISOLATION: "none", ...env };
  if (runtime === "deno") return sandboxedDenoServer(entry, base);
  return new Deno.Command("node", {
    args: [entry],
    env: { ...base, PATH: Deno.env.get("PATH") ?? "" },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  });
}

function portIsFree(port: number): boolean {
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
    return true;
  } catch {
    return false;
  }
}

async function refusesConnections(port: number): Promise<boolean> {
  try {
    (await Deno.connect({ hostname: "127.0.0.1", port })).close();
    return false;
  } catch (error) {
    return error instanceof Deno.errors.ConnectionRefused;
  }
}

const tree = makeTree(SLOW_PLUGIN);
globalThis.addEventListener("unload", () => tree[Symbol.dispose]());
const entries = await serverEntries(tree);

for (const runtime of ["deno", "node"] as const) {
  Deno.test(`${runtime}: SIGTERM lets an in-flight request finish, then exits 0 and frees the port`, async () => {
    await using server = await startServer(serverCommand(runtime, entries[runtime], {
      HONEYFRAME_SHUTDOWN_TIMEOUT_S: "10",
      HONEYFRAME_LOG_FORMAT: "json",
    }));
    const port = Number(new URL(server.url).port);
    const slow = fetch(`${server.url}/api/slow/wait/2000`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalled = Date.now();
    Deno.kill(server.pid, "SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(await refusesConnections(port), "no new connections once the signal arrived");
    const response = await slow;
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "done after 2000 ms");
    assert.ok(await exited(server.pid, 10_000), "the process exits within the timeout");
    assert.ok(Date.now() - signalled < 10_000);
    assert.ok(portIsFree(port), "the port is free");
    await server[Symbol.asyncDispose](); // collects the rest of its output
    const records = server.output().trim().split("\n").map((line) => JSON.parse(line));
    const messages = records.map((record) => record.msg);
    assert.ok(messages.some((msg) => /received SIGTERM/.test(msg)), messages.join("\n"));
    assert.equal(messages.at(-1), "Honeyframe Edge stopped");
  });

  Deno.test(`${runtime}: a request that outlives the shutdown timeout is cut off, and the process still exits 0`, async () => {
    await using server = await startServer(serverCommand(runtime, entries[runtime], {
      HONEYFRAME_SHUTDOWN_TIMEOUT_S: "1",
      HONEYFRAME_PLUGIN_TIMEOUT_MS: "600000",
    }));
    const forever = fetch(`${server.url}/api/slow/forever`).then(
      (response) => response.status,
      () => "cut off",
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalled = Date.now();
    Deno.kill(server.pid, "SIGINT");
    assert.equal(await forever, "cut off");
    assert.ok(await exited(server.pid, 5_000));
    assert.ok(Date.now() - signalled < 5_000, "bounded by the 1 s timeout");
    await server[Symbol.asyncDispose]();
    assert.match(server.output(), /requests still running after 1 s were cut off/);
    assert.match(server.output(), /Honeyframe Edge stopped/);
  });

  Deno.test(`${runtime}: a port in use is one line naming the port and PORT, and exit 1`, async () => {
    using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (taken.addr as Deno.NetAddr).port;
    const output = await serverCommand(runtime, entries[runtime], { PORT: String(port) }).output();
    const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 1, text);
    const errors = text.split("\n").filter((line) => / ERROR /.test(line));
    assert.equal(errors.length, 1, text);
    assert.match(
      errors[0]!,
      new RegExp(`Honeyframe Edge cannot start: port ${port} is already in use; set PORT$`),
    );
    assert.doesNotMatch(text, /\n\s+at |AddrInUse|Unhandled 'error' event|EADDRINUSE/);
  });
}

/** The README's two ways to run the host: the development server, and the host behind nginx. */
const NPM_SCRIPTS = [
  { script: "start", front: false },
  { script: "start:prod", front: true },
] as const;

for (const { script, front } of NPM_SCRIPTS) {
  Deno.test({
    name: `npm run ${script} stopped by SIGTERM exits 0 and leaves no process behind`,
    ...(front ? needs("nginx") : {}),
    async fn() {
      using data = makeTree();
      const parent = { ...Deno.env.toObject() };
      delete parent.INSTALL_DIR;
      let server: RunningServer | undefined;
      let chain: number[] = [];
      try {
        server = await startServer(
          new Deno.Command("npm", {
            args: ["run", script, "--silent"],
            env: {
              ...parent,
              DATA_DIR: data.root,
              // nginx needs a port of its own; the development server takes any.
              PORT: front ? String(freePort()) : "0",
              HOST: "127.0.0.1",
            },
            clearEnv: true,
            stdout: "piped",
            stderr: "piped",
          }),
          60_000,
        );
        const port = Number(new URL(server.url).port);
        const ping = await fetch(`${server.url}/api/_demo/ping`);
        await ping.body?.cancel();
        assert.equal(ping.status, 200);
        if (front) assert.match(ping.headers.get("Server") ?? "", /^nginx/, "nginx answers");
        const tree = chain = descendants(server.pid);
        assert.ok(tree.length >= 2, "npm started a chain of processes");
        Deno.kill(server.pid, "SIGTERM");
        assert.ok(await exited(server.pid, 10_000), "npm exits");
        assert.equal((await server.status).code, 0, "the exit code is the host's: 0");
        const deadline = Date.now() + 10_000;
        while (tree.some(alive) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        assert.deepEqual(tree.filter(alive), [], "no process of the chain survives");
        assert.ok(portIsFree(port));
        await server[Symbol.asyncDispose]();
        assert.match(server.output(), /Honeyframe Edge stopped/);
      } finally {
        // Survivors hold the output pipes open: end them so that the test itself ends.
        for (const pid of chain.filter(alive)) Deno.kill(pid, "SIGKILL");
        await server?.[Symbol.asyncDispose]();
      }
    },
  });
}
