/**
 * Two server processes on one PostgreSQL database see each other's enable/disable within 1 s
 * (LISTEN/NOTIFY; the 2 s poll stays as the fallback).
 */
import assert from "node:assert/strict";
import { buildServerEntry } from "../helpers/build.ts";
import { startPostgres } from "../helpers/postgres.ts";
import { sandboxedDenoServer, startServer } from "../helpers/process.ts";
import { makeTree } from "../helpers/tree.ts";
import { needs } from "../helpers/system_tools.ts";

const TOKEN = "convergence-admin-token-0123";
const CONVERGE_MS = 1_000;

async function waitForStatus(url: string, expected: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < CONVERGE_MS + 2_000) {
    const response = await fetch(url);
    await response.body?.cancel();
    if (response.status === expected) return performance.now() - started;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`${url} never answered ${expected}`);
}

Deno.test(
  "two instances sharing PostgreSQL converge on enable/disable within 1 second",
  needs("postgresql"),
  async () => {
    await using cluster = await startPostgres();
    const databaseUrl = await cluster.createDatabase();
    using tree = makeTree();
    const entry = await buildServerEntry(tree.root);
    const instance = () =>
      startServer(
        sandboxedDenoServer(entry, {
          PORT: "0",
          HOST: "127.0.0.1",
          HONEYFRAME_ADMIN_TOKEN: TOKEN,
          HONEYFRAME_DATABASE_URL: databaseUrl,
        }),
      );
    await using a = await instance();
    await using b = await instance();
    assert.match(a.output(), /State: postgres \(127\.0\.0\.1:\d+\/honeyframe_\d+\)/);
    assert.doesNotMatch(a.output(), /honeyframe@/, "no credentials in the log");

    const call = (server: { url: string }, action: string) =>
      fetch(`${server.url}/api/plugins/_demo/${action}`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}` },
      });
    assert.equal((await fetch(`${b.url}/api/_demo/ping`)).status, 200);

    assert.equal((await call(a, "disable")).status, 200);
    assert.equal(
      (await fetch(`${a.url}/api/_demo/ping`)).status,
      404,
      "at once on the instance that disabled it",
    );
    const disabledAfter = await waitForStatus(`${b.url}/api/_demo/ping`, 404);
    assert.ok(
      disabledAfter < CONVERGE_MS,
      `b saw the disable after ${disabledAfter.toFixed(0)} ms`,
    );

    assert.equal((await call(b, "enable")).status, 200);
    const enabledAfter = await waitForStatus(`${a.url}/api/_demo/ping`, 200);
    assert.ok(enabledAfter < CONVERGE_MS, `a saw the enable after ${enabledAfter.toFixed(0)} ms`);
  },
);
