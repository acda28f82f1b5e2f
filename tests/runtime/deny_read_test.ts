import assert from "node:assert/strict";
import { buildServerEntry } from "../helpers/build.ts";
import { sandboxedDenoServer, startServer } from "../helpers/process.ts";
import { makeTree, manifest, pingRouter } from "../helpers/tree.ts";

Deno.test("the built app serves in a child process that may not read or write files", async () => {
  using tree = makeTree({
    "data/plugins/crm/plugin.yaml": manifest(
      "crm",
      "routers:",
      "  - backend/routers/main.ts:router",
    ),
    "data/plugins/crm/backend/routers/main.ts": pingRouter("crm"),
    "data/plugins/reader/plugin.yaml": manifest("reader", "routers:", "  - r.ts:router"),
    "data/plugins/reader/r.ts": `import { Hono } from "hono";
export const router = new Hono().get("/read", (c) => c.text(Deno.readTextFileSync(import.meta.filename!)));
`,
  });
  const entry = await buildServerEntry(tree.root);
  const command = sandboxedDenoServer(entry, {
    PORT: "0",
    HOST: "127.0.0.1",
    HONEYFRAME_ADMIN_TOKEN: "a-token-for-the-test",
  });
  await using server = await startServer(command);

  const demo = await fetch(`${server.url}/api/_demo/ping`);
  assert.equal(demo.status, 200);
  assert.deepEqual(await demo.json(), { ok: true, plugin: "_demo" });
  const crm = await fetch(`${server.url}/api/crm/ping`);
  assert.deepEqual(await crm.json(), { pong: "crm" });
  const admin = await fetch(`${server.url}/api/plugins`, {
    headers: { Authorization: "Bearer a-token-for-the-test" },
  });
  assert.equal(admin.status, 200);
  assert.equal((await admin.json()).plugins.length, 3);

  const read = await fetch(`${server.url}/api/reader/read`);
  assert.equal(read.status, 500, "a file read at run time is refused in this process");
  await read.body?.cancel();
  assert.match(server.output(), /NotCapable|PermissionDenied|Requires read access/);
});
