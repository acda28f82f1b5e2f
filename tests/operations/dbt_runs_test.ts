/**
 * dbt runs in real servers: a Deno server launched with `deno task start`'s permissions finds the
 * stand-in `dbt` on PATH and runs it with the host's variables blanked; a server that could start
 * any program refuses to; two hosts sharing PostgreSQL start a scheduled run exactly once.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { denoSpawn } from "../../src/adapters/deno/spawn.ts";
import {
  commandRunner,
  DbtService,
  PluginLifecycle,
  readDbtConfig,
  type Registry,
} from "../../src/runtime/mod.ts";
import { postgresDriver } from "../../src/state/postgres_driver.ts";
import { openSqlStore } from "../../src/state/sql_store.ts";
import type { DbtRun } from "../../src/state/mod.ts";
import { loadRegistry } from "../helpers/build.ts";
import { makeDbtStandIn } from "../helpers/dbt_standin.ts";
import { startPostgres } from "../helpers/postgres.ts";
import { startServer, taskStartServer } from "../helpers/process.ts";
import { needs } from "../helpers/system_tools.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

const TOKEN = "dbt-server-admin-token-0123";
const AUTH = { Authorization: `Bearer ${TOKEN}` };

/** Polls the run history of a server until the run has finished (bounded). */
async function finishedRun(url: string, id: string): Promise<DbtRun> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const { runs } = await (await fetch(`${url}/api/dbt/runs`, { headers: AUTH })).json();
    const run = (runs as DbtRun[]).find((item) => item.id === id);
    if (run && (run.status === "succeeded" || run.status === "failed")) return run;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the run ${id} did not finish`);
}

Deno.test("a Deno server with deno task start's permissions runs the dbt it finds on PATH", async () => {
  using dbt = makeDbtStandIn();
  const dataDir = mkdtempSync(join(tmpdir(), "honeyframe-dbt-data-"));
  try {
    const env = {
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      HONEYFRAME_ADMIN_TOKEN: TOKEN,
      HONEYFRAME_DBT_RUNNER: "command",
      PATH: `${dbt.dir}:${Deno.env.get("PATH")}`,
    };
    await using server = await startServer(
      taskStartServer(env),
    );
    // Start-up lines after the listening line may still be on their way.
    await server.printed(/dbt: runs start through the command runner; schedules fire/);
    assert.match(server.output(), /programs: only dbt \(the dbt runner\)/);
    for (const [code, status] of [[0, "succeeded"], [4, "failed"]] as const) {
      dbt.exitWith(code);
      const response = await fetch(`${server.url}/api/dbt/workspaces/_demo/runs`, {
        method: "POST",
        headers: AUTH,
      });
      assert.equal(response.status, 202);
      const run = await finishedRun(server.url, (await response.json()).run_id);
      assert.deepEqual([run.status, run.exit_code], [status, code]);
    }
    const [call] = dbt.calls();
    assert.deepEqual(call?.args, ["build", "--project-dir", "plugins/_demo/dbt"]);
    assert.equal(call?.cwd, Deno.cwd());
    assert.equal(call?.adminToken, "", "dbt does not see the admin token");
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

Deno.test("a Deno server that may start any program refuses the command runner", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    env: {
      PORT: "0",
      HOST: "127.0.0.1",
      HONEYFRAME_STORE: "memory",
      HONEYFRAME_DBT_RUNNER: "command",
      PATH: Deno.env.get("PATH") ?? "",
    },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 1, text);
  assert.match(
    text,
    /HONEYFRAME_DBT_RUNNER=command, but this process may start any program: start it with --allow-run=dbt/,
  );
  const misconfigured = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    env: { PORT: "0", HONEYFRAME_DBT_RUNNER: "webhook", PATH: Deno.env.get("PATH") ?? "" },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(misconfigured.code, 1);
  assert.match(
    new TextDecoder().decode(misconfigured.stderr) + new TextDecoder().decode(misconfigured.stdout),
    /cannot start: HONEYFRAME_DBT_RUNNER=webhook needs HONEYFRAME_DBT_WEBHOOK_URL and HONEYFRAME_DBT_WEBHOOK_SECRET/,
  );
});

Deno.test(
  "two hosts sharing PostgreSQL start a scheduled run exactly once",
  needs("postgresql"),
  async () => {
    await using cluster = await startPostgres();
    const url = await cluster.createDatabase();
    using tree = makeTree({
      "plugins/finance/plugin.yaml": manifest(
        "finance",
        "dbt_workspace: dbt",
        'dbt_schedule: "*/5 * * * *"',
      ),
      "plugins/finance/dbt/dbt_project.yml": "name: finance\n",
    });
    using dbt = makeDbtStandIn();
    const registry: Registry = await loadRegistry(tree.root);
    const config = readDbtConfig({ INSTALL_DIR: tree.root });
    const runner = commandRunner({ ...config, command: dbt.command, spawn: denoSpawn });
    const hosts = await Promise.all([1, 2, 3].map(async () => {
      const store = await openSqlStore(postgresDriver(url), { kind: "postgres", shared: true });
      const lifecycle = new PluginLifecycle(registry, store);
      await lifecycle.ready();
      return { store, dbt: new DbtService(registry, lifecycle, { config, runner }) };
    }));
    try {
      // Each host looked last at a different moment; the 10:05 slot is in every window.
      const until = new Date("2026-11-27T10:05:02Z");
      await Promise.all(hosts.flatMap((host, index) => [
        host.dbt.tick(new Date(Date.parse("2026-11-27T10:04:40Z") + index * 1000), until),
        host.dbt.tick(new Date("2026-11-27T10:04:59Z"), until),
      ]));
      const runs = await hosts[0]!.store.dbtRuns({ limit: 10 });
      assert.deepEqual(runs.map((run) => [run.plugin, run.slot, run.status]), [
        ["finance", "2026-11-27T10:05:00.000Z", "succeeded"],
      ]);
      assert.equal(dbt.calls().length, 1, "dbt ran once");
      {
        const events = await hosts[2]!.store.recentAudit(20);
        const queued = events.filter((event) => /queued for/.test(event.detail ?? ""));
        assert.equal(queued.length, 1);
      }
    } finally {
      for (const host of hosts) {
        host.dbt.lifecycle.close();
        await host.store.close();
      }
    }
  },
);
