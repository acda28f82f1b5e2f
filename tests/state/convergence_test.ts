/**
 * Two server processes on one PostgreSQL database see each other's enable/disable and settings
 * changes within 1 s (LISTEN/NOTIFY; the 2 s poll stays as the fallback).
 */
import assert from "node:assert/strict";
import { buildServerEntry } from "../helpers/build.ts";
import { startPostgres } from "../helpers/postgres.ts";
import { sandboxedDenoServer, startServer } from "../helpers/process.ts";
import { join } from "node:path";
import { makeTree, manifest } from "../helpers/tree.ts";
import { needs, postgresBinaries } from "../helpers/system_tools.ts";

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

/** A server of `entry` on the shared database, with the admin token. */
function sharingInstance(entry: string, databaseUrl: string, env: Record<string, string> = {}) {
  return startServer(
    sandboxedDenoServer(entry, {
      PORT: "0",
      HOST: "127.0.0.1",
      HONEYFRAME_ADMIN_TOKEN: TOKEN,
      HONEYFRAME_DATABASE_URL: databaseUrl,
      ...env,
    }),
  );
}

Deno.test(
  "two instances sharing PostgreSQL converge on enable/disable within 1 second",
  needs("postgresql"),
  async () => {
    await using cluster = await startPostgres();
    const databaseUrl = await cluster.createDatabase();
    using tree = makeTree();
    const entry = await buildServerEntry(tree.root);
    const instance = () => sharingInstance(entry, databaseUrl);
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

Deno.test(
  "a settings change on one PostgreSQL instance serves on the other within 1 second; the database never holds the secret in clear",
  needs("postgresql"),
  async () => {
    await using cluster = await startPostgres();
    const databaseUrl = await cluster.createDatabase();
    const secret = "sk_live_never-in-clear-0123456789";
    using tree = makeTree({
      "data/plugins/crm/plugin.yaml": manifest(
        "crm",
        "routers:",
        "  - r.ts:router",
        "config:",
        "  api_url: { type: url, required: true }",
        "  api_key: { type: string, secret: true, required: true }",
      ),
      "data/plugins/crm/r.ts": `import { Hono } from "hono";
import { pluginContext } from "@honeyframe/edge";
export const router = new Hono().get("/key", (c) => c.text(String(pluginContext(c).config.api_key)));`,
    });
    const entry = await buildServerEntry(tree.root);
    const secretsKey = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    const instance = () =>
      sharingInstance(entry, databaseUrl, { HONEYFRAME_SECRETS_KEY: secretsKey });
    await using a = await instance();
    await using b = await instance();
    assert.equal(
      await fetch(`${b.url}/api/crm/key`).then(async (r) => {
        await r.body?.cancel();
        return r.status;
      }),
      503,
      "not configured yet",
    );

    const put = await fetch(`${a.url}/api/plugins/crm/config`, {
      method: "PUT",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ api_url: "https://crm.example.com", api_key: secret }),
    });
    assert.equal(put.status, 200, await put.text());
    const servedAfter = await waitForStatus(`${b.url}/api/crm/key`, 200);
    assert.ok(servedAfter < CONVERGE_MS, `b served after ${servedAfter.toFixed(0)} ms`);
    assert.equal(await (await fetch(`${b.url}/api/crm/key`)).text(), secret);

    const dump = await new Deno.Command(join(postgresBinaries()!, "pg_dump"), {
      args: ["--data-only", databaseUrl],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(dump.stdout);
    assert.equal(dump.code, 0, new TextDecoder().decode(dump.stderr));
    assert.match(text, /plugin_records/, "the dump has the settings");
    assert.ok(!text.includes(secret) && !text.includes(btoa(secret)), "never in clear");
  },
);
