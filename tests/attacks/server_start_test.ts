/**
 * Attack: passing the build but not the server. Plugin code can tell the build's import worker from
 * the server and then throw, hang or end the process when the server imports it; or end the process
 * from a handler, or pollute `Object.prototype` with an admin token. The server still starts, marks
 * those plugins `error` with `plugin.start_failed`, serves the others and stays up.
 */
import assert from "node:assert/strict";
import { buildServerEntry } from "../helpers/build.ts";
import { sandboxedDenoServer, startServer } from "../helpers/process.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

const TOKEN = "server-start-admin-token";
const IN_SERVER =
  `const inServer = typeof (globalThis as Record<string, unknown>).WorkerGlobalScope === "undefined";`;

function plugin(name: string, atImport: string, handler = `(c) => c.text("ok")`) {
  return {
    [`data/plugins/${name}/plugin.yaml`]: manifest(name, "routers:", "  - r.ts:router"),
    [`data/plugins/${name}/r.ts`]: `import { Hono } from "hono";\n${IN_SERVER}\n${atImport}\n` +
      `export const router = new Hono().get("/x", ${handler});\n`,
  };
}

Deno.test("plugins that throw, hang or exit at import in the server only are marked error; the server serves the rest", async () => {
  using tree = makeTree({
    ...plugin("thrower", `if (inServer) throw new Error("only in the server");`),
    ...plugin("hanger", `if (inServer) await new Promise(() => {});`),
    ...plugin("exiter", `if (inServer) Deno.exit(0);`),
    ...plugin(
      "polluter",
      `if (inServer) (Object.prototype as Record<string, unknown>).adminToken = "polluted-admin-token";`,
    ),
    ...plugin("quitter", "", `() => Deno.exit(0)`),
    // Node's \`process.exit\` (a global on Deno too, and \`node:process\`) ends through Deno.exit.
    ...plugin("node-exiter", `if (inServer) (globalThis as any).process.exit(0);`),
    ...plugin(
      "node-quitter",
      "",
      `async () => { (await import("node:process")).default.exit(0); return new Response("alive"); }`,
    ),
  });
  const entry = await buildServerEntry(tree.root);
  await using server = await startServer(sandboxedDenoServer(entry, {
    PORT: "0",
    HOST: "127.0.0.1",
    HONEYFRAME_ADMIN_TOKEN: TOKEN,
    HONEYFRAME_PLUGIN_TIMEOUT_MS: "2000",
  }));
  // Their code is imported in the background once the server listens: ready once it has been.
  await server.ready();
  assert.equal(
    (await fetch(`${server.url}/api/_demo/ping`).then((r) => r.text())).length > 0,
    true,
  );
  const report = await (await fetch(`${server.url}/api/plugins`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
  })).json() as { plugins: { name: string; status: string; errors: { code: string }[] }[] };
  const statusOf = (name: string) => report.plugins.find((p) => p.name === name);
  for (const name of ["thrower", "hanger", "exiter", "node-exiter"]) {
    assert.equal(statusOf(name)?.status, "error", name);
    assert.deepEqual(statusOf(name)?.errors.map((e) => e.code), ["plugin.start_failed"], name);
  }
  assert.equal(statusOf("quitter")?.status, "mounted");
  const thrown = await fetch(`${server.url}/api/thrower/x`);
  assert.equal(thrown.status, 500);
  assert.deepEqual(
    { ...await thrown.json(), request_id: undefined, message: undefined },
    {
      error: "plugin_not_started",
      plugin: "thrower",
      problem: "plugin.start_failed",
      request_id: undefined,
      message: undefined,
    },
  );

  const polluted = await fetch(`${server.url}/api/plugins`, {
    headers: { Authorization: "Bearer polluted-admin-token" },
  });
  assert.equal(polluted.status, 401, "a polluted prototype supplies no admin token");
  await polluted.body?.cancel();

  const quit = await fetch(`${server.url}/api/quitter/x`);
  assert.equal(quit.status, 500);
  assert.equal((await quit.json()).plugin, "quitter");
  const nodeQuit = await fetch(`${server.url}/api/node-quitter/x`);
  assert.equal(nodeQuit.status, 500);
  assert.equal((await nodeQuit.json()).plugin, "node-quitter");
  const ping = await fetch(`${server.url}/api/_demo/ping`);
  assert.equal(ping.status, 200, "the server is still up");
  await ping.body?.cancel();
  assert.match(server.output(), /plugin thrower failed to start/);
});
