/**
 * Every runtime target, started for real on 127.0.0.1 from the bundles of `deno task bundle`, runs
 * one shared suite. The Deno and Node bundles run with file-system access denied.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { bundle } from "../../src/build/bundle.ts";
import { serverEntrySource } from "../../src/build/server_entry.ts";
import { startServer } from "../helpers/process.ts";
import { signRunBody } from "../../src/runtime/mod.ts";
import { makeTree } from "../helpers/tree.ts";
import { makeDbtStandIn } from "../helpers/dbt_standin.ts";

const deno = Deno.execPath();
const TOKEN = "runtime-test-admin-token";
const bundles = {
  deno: resolve("dist/server.js"),
  node: resolve("dist/server.mjs"),
  worker: resolve("dist/worker.js"),
};

/** Environment for a child server: only what it needs. */
const serverEnv = {
  PORT: "0",
  HOST: "127.0.0.1",
  HONEYFRAME_ADMIN_TOKEN: TOKEN,
  PATH: Deno.env.get("PATH") ?? "",
};

/** The shared suite: what every runtime must answer. */
async function assertServesTheHost(url: string): Promise<void> {
  const ping = await fetch(`${url}/api/_demo/ping`);
  assert.equal(ping.status, 200);
  assert.deepEqual(await ping.json(), { ok: true, plugin: "_demo" });

  const health = await fetch(`${url}/healthz`);
  assert.equal(health.status, 200);
  await health.body?.cancel();

  for (
    const headers of [{}, { Authorization: "Bearer not-the-token" }] as Record<string, string>[]
  ) {
    const denied = await fetch(`${url}/api/plugins`, { headers });
    assert.equal(denied.status, 401);
    assert.equal((await denied.json()).error, "unauthorized");
  }
  const admin = await fetch(`${url}/api/plugins`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(admin.status, 200);
  const body = await admin.json();
  assert.deepEqual(
    body.plugins.map((plugin: { name: string; status: string }) => [plugin.name, plugin.status]),
    [
      ["_demo", "mounted"],
    ],
  );
  assert.match(body.registry.fingerprint, /^sha256-[0-9a-f]{64}$/);

  // The _demo page loads its client module, served from the bundle with the registry's bytes.
  const page = await (await fetch(`${url}/plugins/_demo/`)).text();
  const script = /<script type="module" src="(\/assets\/plugins\/_demo\/([0-9a-f]{16})\.js)">/
    .exec(page);
  assert.ok(script, "the page loads the client module");
  const { registry } = await import("../../.gen/registry.ts");
  assert.equal(script[2], registry.plugins[0]!.client?.hash);
  const asset = await fetch(`${url}${script[1]}`);
  assert.equal(asset.headers.get("content-type"), "text/javascript; charset=utf-8");
  assert.equal(await asset.text(), registry.assets?._demo?.js, "the same bytes on every runtime");
  const cached = await fetch(`${url}${script[1]}`, {
    headers: { "If-None-Match": asset.headers.get("etag")! },
  });
  assert.equal(cached.status, 304);
  await cached.body?.cancel();

  const missing = await fetch(`${url}/nope`);
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error, "not_found");
}

Deno.test("deno task bundle writes the three bundles from a fresh registry", async () => {
  const env = { ...Deno.env.toObject() };
  delete env.DATA_DIR;
  delete env.INSTALL_DIR;
  const output = await new Deno.Command(deno, { args: ["task", "bundle"], env, clearEnv: true })
    .output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  for (const file of Object.values(bundles)) assert.ok(Deno.statSync(file).size > 1000, file);
  // The project's plugins are bundled ones: no plugin Worker; _demo's dbt schedule needs the cron.
  assert.deepEqual(JSON.parse(readFileSync("dist/wrangler.json", "utf8")), {
    name: "honeyframe-edge",
    main: "worker.js",
    compatibility_date: "2026-04-01",
    triggers: { crons: ["* * * * *"] },
  });
});

/** The Deno bundle's sandbox: no reads, no writes. */
function denoSandbox(bundle: string): Deno.Command {
  return new Deno.Command(deno, {
    args: [
      "run",
      "--no-prompt",
      "--no-config",
      "--unstable-no-legacy-abort",
      "--deny-read",
      "--deny-write",
      "--allow-net",
      "--allow-env",
      bundle,
    ],
    env: serverEnv,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  });
}

/** The Node bundle's sandbox: reads of the bundle file only, no writes. */
function nodeSandbox(bundle: string): Deno.Command {
  return new Deno.Command("node", {
    args: ["--experimental-permission", `--allow-fs-read=${bundle}`, bundle],
    env: serverEnv,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  });
}

Deno.test("the Deno bundle serves with reads and writes denied", async () => {
  await using server = await startServer(denoSandbox(bundles.deno));
  await assertServesTheHost(server.url);
});

Deno.test("the Node bundle serves with reads allowed only for the bundle file", async () => {
  await using server = await startServer(nodeSandbox(bundles.node));
  await assertServesTheHost(server.url);
});

Deno.test("the Node bundle runs dbt with the command runner, the host's variables removed", async () => {
  using dbt = makeDbtStandIn();
  dbt.exitWith(5);
  await using server = await startServer(
    new Deno.Command("node", {
      args: [bundles.node],
      env: { ...serverEnv, HONEYFRAME_DBT_RUNNER: "command", PATH: `${dbt.dir}:${serverEnv.PATH}` },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }),
  );
  const headers = { Authorization: `Bearer ${TOKEN}` };
  const response = await fetch(`${server.url}/api/dbt/workspaces/_demo/runs`, {
    method: "POST",
    headers,
  });
  assert.equal(response.status, 202);
  const { run_id } = await response.json();
  let run: { status: string; exit_code: number | null; output: string } | undefined;
  for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
    const { runs } = await (await fetch(`${server.url}/api/dbt/runs`, { headers })).json();
    run = runs.find((item: { id: string }) => item.id === run_id);
    if (run?.status === "failed") break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.deepEqual([run?.status, run?.exit_code], ["failed", 5]);
  assert.match(run!.output, /Finished: exit 5$/);
  assert.deepEqual(dbt.calls().map((call) => [call.args, call.adminToken]), [
    [["build", "--project-dir", "plugins/_demo/dbt"], ""],
  ]);
});

Deno.test("a file read inserted into the runtime makes the Deno and Node sandboxes refuse to serve", async () => {
  using tree = makeTree();
  const variants = [
    { runtime: "deno", output: "server.js", sandbox: denoSandbox },
    { runtime: "node", output: "server.mjs", sandbox: nodeSandbox },
  ] as const;
  for (const variant of variants) {
    const entry = join(tree.root, `entry_${variant.runtime}.ts`);
    writeFileSync(
      entry,
      `import { readFileSync } from "node:fs";\n` +
        `readFileSync(${JSON.stringify(resolve("deno.json"))}, "utf8");\n` +
        serverEntrySource(resolve(".gen/registry.ts"), entry, variant.runtime),
    );
    const output = join(tree.root, variant.output);
    bundle({ entry, output });
    await assert.rejects(
      startServer(variant.sandbox(output), 15_000),
      /NotCapable|Requires read access|ERR_ACCESS_DENIED/,
      `${variant.runtime}: the inserted read must be refused`,
    );
  }
});

Deno.test("the worker bundle serves in workerd through Miniflare, the token passed as a binding", async () => {
  await using server = await startServer(
    new Deno.Command("node", {
      args: [resolve("tests/targets/miniflare_host.mjs"), bundles.worker, TOKEN],
      env: { PATH: serverEnv.PATH },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }),
    60_000,
  );
  await assertServesTheHost(server.url);
});

Deno.test("the worker bundle's scheduled handler sends the due dbt schedules to the webhook in workerd", async () => {
  const secret = "workerd-webhook-secret-01";
  const received: { body: string; signature: string | null }[] = [];
  await using receiver = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      received.push({
        body: await req.text(),
        signature: req.headers.get("X-Honeyframe-Signature"),
      });
      return new Response(null, { status: 202 });
    },
  );
  const trigger = async (time: string) => {
    const output = await new Deno.Command("node", {
      args: [
        resolve("tests/targets/miniflare_scheduled.mjs"),
        bundles.worker,
        `http://127.0.0.1:${receiver.addr.port}/hooks/dbt`,
        secret,
        time,
      ],
      env: { PATH: serverEnv.PATH },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(output.stdout);
    assert.equal(output.code, 0, text + new TextDecoder().decode(output.stderr));
    assert.equal(JSON.parse(text.trim().split("\n").at(-1)!).outcome, "ok");
  };
  // _demo's schedule is "0 2 * * *": the 02:00 trigger runs it, the 02:01 one does not.
  await trigger("2026-11-27T02:00:00.000Z");
  await trigger("2026-11-27T02:01:00.000Z");
  assert.equal(received.length, 1);
  const body = JSON.parse(received[0]!.body);
  assert.deepEqual([body.plugin, body.project, body.schedule, body.models], [
    "_demo",
    "demo",
    "0 2 * * *",
    ["daily_pings", "stg_pings"],
  ]);
  const t = Number(/^t=(\d+),/.exec(received[0]!.signature ?? "")?.[1]);
  assert.equal(
    received[0]!.signature,
    await signRunBody(secret, body.run_id, received[0]!.body, t * 1000),
  );
});

Deno.test("the worker bundle serves under Bun", async () => {
  await using server = await startServer(
    new Deno.Command(resolve("node_modules/.bin/bun"), {
      args: [bundles.worker],
      env: serverEnv,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }),
  );
  await assertServesTheHost(server.url);
});
