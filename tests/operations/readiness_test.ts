/**
 * `/readyz` against a real PostgreSQL: ready while the cluster runs, `503` with the reason once it
 * is stopped (while `/livez` and the plugins still answer, and a change is refused with
 * `503 state_unavailable`, not half-made), ready again when it returns, and each change logged once
 * as a JSON line. Loopback only, bounded.
 */
import assert from "node:assert/strict";
import { buildServerEntry } from "../helpers/build.ts";
import { startPostgres } from "../helpers/postgres.ts";
import { sandboxedDenoServer, startServer } from "../helpers/process.ts";
import { makeTree } from "../helpers/tree.ts";
import { needs } from "../helpers/system_tools.ts";

const TOKEN = "readiness-test-admin-token";

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

Deno.test(
  "/readyz goes 503 when PostgreSQL stops, plugins keep serving, changes are refused whole; back when it returns",
  needs("postgresql"),
  async () => {
    await using postgres = await startPostgres();
    const url = await postgres.createDatabase();
    using tree = makeTree();
    const entry = await buildServerEntry(tree.root);
    await using server = await startServer(sandboxedDenoServer(entry, {
      PORT: "0",
      HOST: "127.0.0.1",
      HONEYFRAME_DATABASE_URL: url,
      HONEYFRAME_QUERY_TIMEOUT_S: "1",
      HONEYFRAME_LOG_FORMAT: "json",
      HONEYFRAME_ADMIN_TOKEN: TOKEN,
    }));
    const admin = { Authorization: `Bearer ${TOKEN}` };
    const ping = async () => {
      const response = await fetch(`${server.url}/api/_demo/ping`);
      await response.body?.cancel();
      return response.status;
    };
    const status = async (path: string) => {
      const response = await fetch(`${server.url}${path}`);
      return { code: response.status, body: await response.json() };
    };
    assert.deepEqual(await status("/readyz"), {
      code: 200,
      body: { status: "ready", store: "postgres" },
    });

    await postgres.stop();
    assert.deepEqual(await status("/readyz"), {
      code: 503,
      body: { status: "unavailable", reason: "the state store (postgres) does not answer" },
    });
    assert.equal((await status("/livez")).code, 200, "the process still answers");
    assert.equal(await ping(), 200, "plugins keep serving on the last known state");
    const refused = await fetch(`${server.url}/api/plugins/_demo/disable`, {
      method: "POST",
      headers: admin,
    });
    assert.equal(refused.status, 503);
    assert.equal((await refused.json()).error, "state_unavailable");
    assert.equal(await ping(), 200, "the refused disable did not take effect");
    assert.equal((await status("/readyz")).code, 503);

    await postgres.start();
    assert.ok(
      await until(async () => (await status("/readyz")).code === 200, 10_000),
      "ready again once the database is back",
    );
    assert.equal(await ping(), 200, "still enabled: nothing of the refused change was kept");
    const audit = await (await fetch(`${server.url}/api/audit`, { headers: admin })).json();
    assert.ok(
      !audit.events.some((event: { action: string }) => event.action === "disable"),
      JSON.stringify(audit.events),
    );
    const records = server.output().trim().split("\n").map((line) => JSON.parse(line));
    assert.equal(records.filter((record) => /^not ready/.test(record.msg)).length, 1);
    assert.equal(records.filter((record) => /^ready again/.test(record.msg)).length, 1);
    assert.ok(!server.output().includes(url), "the database URL is never logged");
  },
);
