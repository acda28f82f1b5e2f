/**
 * The SQLite file removed while a server runs: its writes would go to the unlinked file and be
 * lost at the next restart, so the store refuses them with `503 state_unavailable`, says so in the
 * log, and the readiness probe fails — on a real server whose permissions are already narrowed.
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { buildServerEntry } from "../helpers/build.ts";
import { startServer } from "../helpers/process.ts";
import { makeTree, manifest, pingRouter } from "../helpers/tree.ts";

const TOKEN = "sqlite-removed-test-token";

Deno.test("a removed SQLite file makes writes answer 503 state_unavailable instead of losing them", async () => {
  using tree = makeTree({
    "data/plugins/crm/plugin.yaml": manifest("crm", "routers:", "  - r.ts:router"),
    "data/plugins/crm/r.ts": pingRouter("crm"),
  });
  const dataDir = join(tree.root, "data");
  const entry = await buildServerEntry(tree.root);
  await using server = await startServer(
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--config",
        join(Deno.cwd(), "deno.json"),
        `--allow-read=${dataDir}`,
        `--allow-write=${dataDir}`,
        "--allow-net",
        "--allow-env",
        entry,
      ],
      env: {
        DATA_DIR: dataDir,
        PORT: "0",
        HOST: "127.0.0.1",
        HONEYFRAME_ADMIN_TOKEN: TOKEN,
        HONEYFRAME_LOG_FORMAT: "json",
        // No --allow-run, so no plugin process: the customer plugin runs in the host's process.
        HONEYFRAME_ISOLATION: "none",
      },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }),
  );
  const post = (path: string) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
  const disabled = await post("/api/plugins/crm/disable");
  assert.equal(disabled.status, 200);
  await disabled.body?.cancel();
  assert.equal((await fetch(`${server.url}/readyz`)).status, 200);

  rmSync(join(dataDir, "honeyframe.db"));

  const refused = await post("/api/plugins/crm/enable");
  const body = await refused.json();
  assert.equal(refused.status, 503);
  assert.equal(body.error, "state_unavailable");
  assert.ok(body.request_id, "the answer carries the request id");
  assert.equal((await fetch(`${server.url}/api/crm/ping`)).status, 404, "still disabled");
  const ready = await fetch(`${server.url}/readyz`);
  assert.equal(ready.status, 503);
  await ready.body?.cancel();
  const lines = server.output().split("\n").filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line));
  assert.ok(
    lines.some((line) =>
      line.level === "error" && /honeyframe\.db was removed or replaced/.test(line.msg) &&
      line.request_id === body.request_id
    ),
    server.output(),
  );
});
