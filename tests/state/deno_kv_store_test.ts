/**
 * The Deno KV state store: the conformance suite, two stores on one database, and real servers.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDenoKvStore } from "../../src/state/deno_kv_store.ts";
import { stateStoreConformance } from "./conformance.ts";
import { startServer, taskStartServer } from "../helpers/process.ts";
import { bundle } from "../../src/build/bundle.ts";

Deno.test("the Deno KV store passes the state store conformance suite", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "honeyframe-kv-"));
  let count = 0;
  try {
    await stateStoreConformance(t, () => openDenoKvStore(join(dir, `state-${count++}.db`)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

Deno.test("two stores on one Deno KV database: a plugin or settings change is watched at once and kept across reopening", async () => {
  const dir = mkdtempSync(join(tmpdir(), "honeyframe-kv-"));
  const path = join(dir, "state.db");
  try {
    await using one = await openDenoKvStore(path);
    await using other = await openDenoKvStore(path);
    let heard = 0;
    const unwatch = await other.watch(() => heard++);
    const until = async (check: () => boolean) => {
      const started = Date.now();
      while (!check()) {
        if (Date.now() - started > 1_000) throw new Error("not within 1 s");
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    await until(() => heard === 1);
    await one.setEnabled("crm", false, "admin", new Date().toISOString());
    await until(() => heard === 2);
    assert.deepEqual(await other.pluginStates(), [{ name: "crm", enabled: false, seeded: false }]);
    // A settings change is announced the same way (the other instance reads the settings again).
    await one.putRecord("crm", "config", "api_url", '{"value":"https://crm.example/api"}');
    await until(() => heard === 3);
    assert.equal((await other.getRecord("crm", "config", "api_url"))?.value.includes("crm"), true);
    await one.appendAudit({ time: "t", actor: "admin", action: "disable", outcome: "success" });
    await unwatch();
    await one.close();
    await using reopened = await openDenoKvStore(path);
    assert.deepEqual(await reopened.pluginStates(), [{
      name: "crm",
      enabled: false,
      seeded: false,
    }]);
    assert.equal((await reopened.recentAudit(1))[0]?.action, "disable");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

Deno.test("a Deno server on Deno KV keeps a disabled plugin across a restart; Node refuses the store in one line", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "honeyframe-kv-data-"));
  const token = "deno-kv-admin-token-0123";
  const env = {
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    HONEYFRAME_ADMIN_TOKEN: token,
    HONEYFRAME_STORE: "denokv",
    HONEYFRAME_DENO_KV_PATH: join(dataDir, "state.kv"),
    PATH: Deno.env.get("PATH") ?? "",
  };
  const server = () =>
    startServer(
      taskStartServer(env),
    );
  try {
    {
      await using first = await server();
      assert.match(first.output(), /State: denokv \(.*state\.kv\)/);
      const disabled = await fetch(`${first.url}/api/plugins/_demo/disable`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}` },
      });
      assert.equal(disabled.status, 200);
      await disabled.body?.cancel();
    }
    await using second = await server();
    const ping = await fetch(`${second.url}/api/_demo/ping`);
    assert.equal(ping.status, 404, "still disabled after the restart");
    await ping.body?.cancel();

    const nodeBundle = join(dataDir, "server.mjs");
    bundle({ entry: "main_node.ts", output: nodeBundle });
    const node = await new Deno.Command("node", {
      args: [nodeBundle],
      env: { ...env, HONEYFRAME_DENO_KV_PATH: join(dataDir, "other.kv") },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(node.code, 1);
    const text = new TextDecoder().decode(node.stdout) + new TextDecoder().decode(node.stderr);
    assert.match(
      text,
      /cannot start: the state store: HONEYFRAME_STORE=denokv needs Deno with --unstable-kv/,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
