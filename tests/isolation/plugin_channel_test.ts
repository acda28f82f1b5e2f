/**
 * The host's line to its plugin process: the plugin process connects to a port of 127.0.0.1 the
 * host listens on, and only a connection that greets it with the token the host handed the process
 * (through the supervisor's pipe) becomes the link. An impostor on the same port — without the
 * token, or once the process is connected — is closed and never reaches a plugin.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startTestPluginProcess } from "../helpers/plugin_process.ts";
import { IsolatedPlugins } from "../../src/runtime/plugins/mod.ts";
import { buildTree } from "../helpers/build.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

/** Connects to `port`, sends `greeting`, and resolves with whether the host closed the connection. */
async function closedAfterGreeting(port: number, greeting: string): Promise<boolean> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(greeting));
  const closed = await Promise.race([
    conn.read(new Uint8Array(16)).then((read) => read === null, () => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), 2_000)),
  ]);
  conn.close();
  return closed;
}

Deno.test("only the plugin process, with the host's token, becomes the host's link", async () => {
  using tree = makeTree({
    "data/plugins/p/plugin.yaml": manifest("p", "routers:", "  - r.ts:router"),
    "data/plugins/p/r.ts": `import { Hono } from "hono";
export const router = new Hono().get("/ping", (c) => c.text("pong"));`,
  });
  await buildTree(tree.root);
  const { registry } = await import(join(tree.root, ".gen/registry.ts"));
  const p = registry.plugins.find((plugin: { name: string }) => plugin.name === "p");
  const code = await registry.workerCode();
  await using process = await startTestPluginProcess(code.process);
  const port = Number(/--allow-net=127\.0\.0\.1:(\d+)/.exec(process.flags.join(" "))?.[1]);
  assert.ok(port > 0, "the plugin process may reach only the host's port on loopback");
  assert.equal(
    await closedAfterGreeting(port, "0".repeat(64)),
    true,
    "a wrong token is closed",
  );
  const plugins = new IsolatedPlugins(
    process,
    { timeoutMs: 5_000, maxRestarts: 0, windowMs: 1 },
    {},
    code.modules,
  );
  await plugins.load({
    name: "p",
    display_name: "p",
    code: code.entries.p,
    net: [],
    permissions: [],
    outline: p.outline,
  });
  const answer = await plugins.fetch("p", new Request("http://host/api/p/ping"));
  assert.equal(await answer.text(), "pong");
  assert.equal(
    await closedAfterGreeting(port, "0".repeat(64)),
    true,
    "a second connection, once the process is connected, is closed",
  );
  assert.equal(
    await (await plugins.fetch("p", new Request("http://host/api/p/ping"))).text(),
    "pong",
    "the process's link is untouched",
  );
});
