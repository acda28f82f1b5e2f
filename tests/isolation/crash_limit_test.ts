/**
 * A customer plugin whose worker crashes again and again: after `HONEYFRAME_PLUGIN_MAX_RESTARTS`
 * restarts within a minute it is given up — `503 plugin_unavailable`, `error` with
 * `plugin.crashed` in `/api/plugins` and `/metrics`, audited as `plugin_crashed` — and the server
 * serves the rest.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { buildServerEntry } from "../helpers/build.ts";
import { isolatingDenoServer, startServer } from "../helpers/process.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

const TOKEN = "crash-limit-test-admin-token";
const admin = { headers: { Authorization: `Bearer ${TOKEN}` } };

Deno.test("an isolated plugin that keeps crashing is given up, shown as error and audited", async () => {
  using tree = makeTree({
    "data/plugins/crasher/plugin.yaml": manifest("crasher", "routers:", "  - r.ts:router"),
    "data/plugins/crasher/r.ts": `import { Hono } from "hono";
export const router = new Hono()
  .get("/ping", (c) => c.text("pong"))
  .get("/boom", () => new Promise<Response>(() => {
    setTimeout(() => { throw new Error("boom from a timer"); }, 0);
  }));
`,
  });
  const entry = await buildServerEntry(tree.root);
  await using server = await startServer(isolatingDenoServer(entry, {
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: join(tree.root, "data"),
    HONEYFRAME_ADMIN_TOKEN: TOKEN,
    HONEYFRAME_PLUGIN_MAX_RESTARTS: "2",
  }));
  const status = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${server.url}${path}`, init);
    return { status: response.status, text: await response.text() };
  };
  const back = async () => {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
      if ((await status("/api/crasher/ping")).status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.fail(`the crasher did not come back:\n${server.output()}`);
  };
  for (let crash = 1; crash <= 2; crash++) {
    const boom = await status("/api/crasher/boom");
    assert.equal(boom.status, 500, boom.text);
    assert.equal(JSON.parse(boom.text).plugin, "crasher");
    await back();
  }
  assert.equal((await status("/api/crasher/boom")).status, 500, "the third crash");
  const given = await status("/api/crasher/ping");
  assert.equal(given.status, 503, given.text);
  assert.equal(JSON.parse(given.text).error, "plugin_unavailable");
  assert.equal((await status("/api/_demo/ping")).status, 200, "the rest is served");

  const crasher = JSON.parse((await status("/api/plugins", admin)).text).plugins
    .find((plugin: { name: string }) => plugin.name === "crasher");
  assert.equal(crasher.status, "error");
  assert.deepEqual(crasher.errors.map((error: { code: string }) => error.code), ["plugin.crashed"]);
  const metrics = (await status("/metrics", admin)).text;
  assert.match(
    metrics,
    /^honeyframe_plugin_status\{plugin="crasher",source="data",status="error"\} 1$/m,
  );
  assert.match(metrics, /^honeyframe_plugin_crashes_total\{plugin="crasher"\} 3$/m);
  assert.match(metrics, /^honeyframe_plugin_restarts_total\{plugin="crasher"\} 2$/m);
  const audit = JSON.parse((await status("/api/audit", admin)).text).events
    .filter((event: { action: string }) => event.action === "plugin_crashed");
  assert.deepEqual(
    audit.map((event: { target: string; outcome: string }) => [event.target, event.outcome]),
    [
      ["crasher", "failure"],
    ],
  );
  assert.match(server.output(), /plugin crasher crashed too often and is not served any more/);
});
