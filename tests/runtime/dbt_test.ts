/**
 * dbt at run time, in process: the API's listing and refusals, manual runs through the real
 * `command` runner (a stand-in `dbt` subprocess), scheduled runs with an injected clock, and the
 * `webhook` runner against a receiver on 127.0.0.1 that checks the signature.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { denoSpawn } from "../../src/adapters/deno/spawn.ts";
import { join, resolve } from "node:path";
import { dbtProfilesFolder, DEFAULT_REGISTRY_FILE } from "../../src/build/mod.ts";
import {
  commandRunner,
  createApp,
  type DbtConfig,
  dbtInvocation,
  DbtService,
  GENERATED_PROFILES_DIR,
  PluginLifecycle,
  readDbtConfig,
  type Registry,
  signRunBody,
} from "../../src/runtime/mod.ts";
import { type DbtRun, MemoryStore, type StateStore } from "../../src/state/mod.ts";
import { loadRegistry } from "../helpers/build.ts";
import { makeDbtStandIn } from "../helpers/dbt_standin.ts";
import { makeTree, manifest, pingRouter } from "../helpers/tree.ts";
import { csrfOf, form, ORIGIN, signInWith } from "../helpers/admin_forms.ts";

const TOKEN = "dbt-admin-token-0123456789";
const SECRET = "dbt-webhook-secret-0123";
const AUTH = { Authorization: `Bearer ${TOKEN}` };
/** 01:00 UTC: the finance schedule (02:00) fires next in an hour. */
const ONE_AM = Date.parse("2026-11-27T01:00:00.000Z");

/** finance (scheduled), crm (manual only), broken (errors) and plain (no dbt). */
function dbtTree() {
  const project = (name: string) => `name: ${name}\nprofile: warehouse\n`;
  return makeTree({
    "plugins/finance/plugin.yaml": manifest(
      "finance",
      "dbt_workspace: dbt",
      'dbt_schedule: "0 2 * * *"',
    ),
    "plugins/finance/dbt/dbt_project.yml": project("finance"),
    "plugins/finance/dbt/models/revenue.sql": "select 1",
    "plugins/finance/dbt/models/costs.sql": "select 2",
    "plugins/crm/plugin.yaml": manifest("crm", "dbt_workspace: dbt"),
    "plugins/crm/dbt/dbt_project.yml": project("crm"),
    "plugins/broken/plugin.yaml": manifest(
      "broken",
      "dbt_workspace: dbt",
      "routers:",
      "  - missing.ts",
    ),
    "plugins/broken/dbt/dbt_project.yml": project("broken"),
    "plugins/plain/plugin.yaml": manifest("plain", "routers:", "  - main.ts:router"),
    "plugins/plain/main.ts": pingRouter("plain"),
  });
}

/** A host over `registry` with a dbt service the test controls. */
function host(
  registry: Registry,
  options: {
    config: DbtConfig;
    runner?: DbtService["options"]["runner"];
    store?: StateStore;
    now?: () => number;
  },
) {
  const now = options.now ?? Date.now;
  const lifecycle = new PluginLifecycle(registry, options.store ?? new MemoryStore(), { now });
  const dbt = new DbtService(registry, lifecycle, {
    config: options.config,
    now,
    ...(options.runner ? { runner: options.runner } : {}),
  });
  const app = createApp(registry, { adminToken: TOKEN, lifecycle, dbtService: dbt, now });
  const api = (path: string, init: RequestInit = {}) =>
    app.request(`/api/dbt${path}`, { ...init, headers: { ...AUTH, ...init.headers } });
  return { app, api, dbt, lifecycle };
}

/** Polls the run history until the run has finished (bounded). */
async function finished(
  api: (path: string) => Response | Promise<Response>,
  id: string,
): Promise<DbtRun> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const { runs } = await (await api("/runs?limit=50")).json() as { runs: DbtRun[] };
    const run = runs.find((item) => item.id === id);
    if (run && (run.status === "succeeded" || run.status === "failed")) return run;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the run ${id} did not finish`);
}

function configFor(root: string, env: Record<string, string> = {}): DbtConfig {
  return readDbtConfig({ INSTALL_DIR: root, ...env });
}

Deno.test("the API lists the workspaces with models and next run, and refuses what it cannot run", async () => {
  using tree = dbtTree();
  const registry = await loadRegistry(tree.root);
  const { api, app } = host(registry, { config: configFor(tree.root), now: () => ONE_AM });
  assert.equal((await app.request("/api/dbt/workspaces")).status, 401, "admin token needed");
  const { workspaces } = await (await api("/workspaces")).json();
  assert.deepEqual(
    workspaces.map((item: Record<string, unknown>) => [item.plugin, item.status, item.next_run]),
    [["broken", "error", null], ["crm", "mounted", null], [
      "finance",
      "mounted",
      "2026-11-27T02:00:00.000Z",
    ]],
  );
  assert.deepEqual(workspaces[2], {
    plugin: "finance",
    status: "mounted",
    project: "finance",
    profile: "warehouse",
    version: null,
    path: "plugins/finance/dbt",
    source: "install",
    schema: "finance",
    schemas: ["finance"],
    models: [{ name: "costs", path: "models/costs.sql" }, {
      name: "revenue",
      path: "models/revenue.sql",
    }],
    schedule: "0 2 * * *",
    next_run: "2026-11-27T02:00:00.000Z",
    last_run: null,
  });

  const post = (plugin: string) => api(`/workspaces/${plugin}/runs`, { method: "POST" });
  const unconfigured = await post("finance");
  assert.equal(unconfigured.status, 501);
  assert.equal((await unconfigured.json()).error, "dbt_runner_not_configured");
  assert.equal((await post("plain")).status, 404, "no workspace");
  assert.equal((await post("nobody")).status, 404);
  const broken = await post("broken");
  assert.equal(broken.status, 409);
  assert.equal((await broken.json()).error, "not_runnable");
  const { events } = await (await app.request("/api/audit", { headers: AUTH })).json();
  assert.deepEqual(
    events.map((event: Record<string, string>) => [event.action, event.target, event.outcome]),
    [["dbt_run", "broken", "failure"], ["dbt_run", "finance", "failure"]],
  );
  assert.equal((await api("/runs")).status, 200);
  assert.deepEqual((await (await api("/runs")).json()).runs, []);
});

Deno.test("with a warehouse, dbt builds into the plugin's schema through generated profiles that hold no password", async () => {
  using tree = dbtTree();
  using dbtBinary = makeDbtStandIn();
  const registry = await loadRegistry(tree.root);
  const password = "s3cret/pass word";
  const config = configFor(tree.root, {
    HONEYFRAME_DBT_RUNNER: "command",
    HONEYFRAME_DBT_COMMAND: dbtBinary.command,
    HONEYFRAME_WAREHOUSE_URL: `postgres://builder:${
      encodeURIComponent(password)
    }@127.0.0.1:6543/warehouse`,
  });
  // The server's default is `.gen/registry.dbt` beside the default registry; this build's is in
  // its tree.
  const profilesDir = join(tree.root, ".gen/registry.dbt");
  const runner = commandRunner({ ...config, profilesDir, spawn: denoSpawn });
  const { api } = host(registry, { config, runner });
  const response = await api("/workspaces/finance/runs", { method: "POST" });
  assert.equal(response.status, 202);
  assert.equal((await finished(api, (await response.json()).run_id)).status, "succeeded");
  const [call] = dbtBinary.calls();
  assert.deepEqual(call?.args, [
    "build",
    "--project-dir",
    `${tree.root}/plugins/finance/dbt`,
    "--profiles-dir",
    profilesDir,
    "--target",
    "honeyframe",
  ]);
  assert.deepEqual(call?.warehouse, {
    host: "127.0.0.1",
    port: "6543",
    user: "builder",
    password,
    dbname: "warehouse",
    schema: "finance",
  });
  assert.ok(!call!.args.join(" ").includes(password), "no password in the arguments");
  const profiles = dbtBinary.profiles();
  assert.ok(profiles, "dbt was pointed at the generated profiles");
  assert.match(
    profiles,
    /^"warehouse":\n {2}target: honeyframe\n {2}outputs:\n {4}honeyframe:\n {6}type: postgres$/m,
  );
  assert.match(profiles, /^ {6}schema: "\{\{ env_var\('HONEYFRAME_WAREHOUSE_SCHEMA'\) \}\}"$/m);
  assert.match(
    profiles,
    /^ {6}password: "\{\{ env_var\('DBT_ENV_SECRET_HONEYFRAME_WAREHOUSE_PASSWORD'\) \}\}"$/m,
  );
  assert.ok(
    !profiles.includes(password) && !profiles.includes("builder"),
    "nothing secret on disk",
  );
  assert.equal(profiles.match(/^\S.*:$/gm)?.length, 1, "one profile: the projects' `warehouse`");
  assert.equal(
    dbtProfilesFolder(DEFAULT_REGISTRY_FILE),
    resolve(GENERATED_PROFILES_DIR),
    "the server's default is where the build writes them",
  );
  assert.equal(
    dbtInvocation("d", "s", { warehouseUrl: new URL("postgres://u@h/db") }).args[4],
    GENERATED_PROFILES_DIR,
  );
  assert.throws(
    () => configFor(tree.root, { HONEYFRAME_WAREHOUSE_URL: `mysql://u:${password}@h/db` }),
    (error: Error) =>
      /HONEYFRAME_WAREHOUSE_URL must be a postgres:\/\//.test(error.message) &&
      !error.message.includes(password),
  );
});

Deno.test("a manual run starts dbt, records success or failure with the output, and is audited", async () => {
  using tree = dbtTree();
  using dbtBinary = makeDbtStandIn();
  const registry = await loadRegistry(tree.root);
  const config = configFor(tree.root, {
    HONEYFRAME_DBT_RUNNER: "command",
    HONEYFRAME_DBT_COMMAND: dbtBinary.command,
    HONEYFRAME_DBT_PROFILES_DIR: "/etc/dbt",
  });
  const runner = commandRunner({ ...config, spawn: denoSpawn });
  const { api, app } = host(registry, { config, runner });
  const start = async (plugin: string) => {
    const response = await api(`/workspaces/${plugin}/runs`, { method: "POST" });
    assert.equal(response.status, 202);
    const body = await response.json();
    assert.equal(body.status, "queued");
    return await finished(api, body.run_id);
  };

  const succeeded = await start("finance");
  assert.equal(succeeded.status, "succeeded");
  assert.equal(succeeded.exit_code, 0);
  assert.equal(succeeded.started_by, "admin");
  assert.equal(succeeded.slot, null);
  assert.match(succeeded.output, /Found 2 models\nFinished: exit 0$/);
  assert.ok(succeeded.started_at && succeeded.finished_at);
  assert.deepEqual(dbtBinary.calls()[0]?.args, [
    "build",
    "--project-dir",
    `${tree.root}/plugins/finance/dbt`,
    "--profiles-dir",
    "/etc/dbt",
  ]);

  dbtBinary.exitWith(2);
  const failed = await start("finance");
  assert.deepEqual([failed.status, failed.exit_code, failed.reason], [
    "failed",
    2,
    "dbt exited with 2",
  ]);

  dbtBinary.exitWith(0);
  dbtBinary.sleep(1);
  const first = await api("/workspaces/crm/runs", { method: "POST" });
  const second = await api("/workspaces/crm/runs", { method: "POST" });
  assert.equal(second.status, 409, "one run of a workspace at a time");
  assert.equal((await second.json()).error, "run_in_progress");
  assert.equal((await finished(api, (await first.json()).run_id)).status, "succeeded");

  const history = await (await api("/runs?plugin=finance")).json();
  assert.deepEqual(history.runs.map((run: DbtRun) => run.status), ["failed", "succeeded"]);
  const { workspaces } = await (await api("/workspaces")).json();
  assert.equal(workspaces[2].last_run.status, "failed");

  await app.request("/api/plugins/finance/disable", { method: "POST", headers: AUTH });
  const disabled = await api("/workspaces/finance/runs", { method: "POST" });
  assert.equal(disabled.status, 409);
  assert.match((await disabled.json()).message, /finance is disabled/);

  const { events } = await (await app.request("/api/audit", { headers: AUTH })).json();
  const dbtEvents = events.filter((event: Record<string, string>) => event.action === "dbt_run")
    .map((event: Record<string, string>) => [event.actor, event.target, event.outcome]);
  assert.deepEqual(dbtEvents.reverse(), [
    ["admin", "finance", "success"],
    ["dbt", "finance", "success"],
    ["admin", "finance", "success"],
    ["dbt", "finance", "failure"],
    ["admin", "crm", "success"],
    ["admin", "crm", "failure"],
    ["dbt", "crm", "success"],
    ["admin", "finance", "failure"],
  ]);
});

Deno.test("a run over its time limit is stopped and failed with the reason", async () => {
  using tree = dbtTree();
  using dbtBinary = makeDbtStandIn();
  dbtBinary.sleep(10);
  const registry = await loadRegistry(tree.root);
  const config = configFor(tree.root, { HONEYFRAME_DBT_TIMEOUT_S: "1" });
  const runner = commandRunner({ ...config, command: dbtBinary.command, spawn: denoSpawn });
  const { api } = host(registry, { config, runner });
  const started = performance.now();
  const response = await api("/workspaces/finance/runs", { method: "POST" });
  const run = await finished(api, (await response.json()).run_id);
  assert.equal(run.status, "failed");
  assert.equal(run.reason, "stopped after the time limit of 1 s");
  assert.ok(performance.now() - started < 8_000, "it did not wait for dbt");
  const missing = commandRunner({ ...config, command: `${dbtBinary.dir}/nope`, spawn: denoSpawn });
  const result = await missing.start({
    run_id: "x",
    plugin: "finance",
    project: "finance",
    schema: "finance",
    project_dir: ".",
    models: [],
    schedule: null,
  });
  assert.equal(result !== "reported_later" && result.status, "failed");
  assert.match(result !== "reported_later" ? result.reason ?? "" : "", /could not be started/);
});

Deno.test("schedules fire once per slot, only for enabled plugins, with the clock injected", async () => {
  using tree = dbtTree();
  using dbtBinary = makeDbtStandIn();
  const registry = await loadRegistry(tree.root);
  const config = configFor(tree.root);
  const runner = commandRunner({ ...config, command: dbtBinary.command, spawn: denoSpawn });
  const store = new MemoryStore();
  let now = ONE_AM;
  const one = host(registry, { config, runner, store, now: () => now });
  const other = host(registry, { config, runner, store, now: () => now });
  const at = (iso: string) => new Date(iso);

  await one.dbt.tick(at("2026-11-27T01:00:00Z"), at("2026-11-27T01:59:59Z"));
  assert.deepEqual(await store.dbtRuns({ limit: 10 }), [], "nothing was due");

  now = Date.parse("2026-11-27T02:00:05Z");
  await Promise.all([
    one.dbt.tick(at("2026-11-27T01:59:45Z"), at("2026-11-27T02:00:05Z")),
    other.dbt.tick(at("2026-11-27T01:59:50Z"), at("2026-11-27T02:00:05Z")),
    one.dbt.tick(at("2026-11-27T01:59:45Z"), at("2026-11-27T02:00:05Z")),
  ]);
  const runs = await store.dbtRuns({ limit: 10 });
  assert.deepEqual(runs.map((run) => [run.plugin, run.slot, run.started_by, run.status]), [
    ["finance", "2026-11-27T02:00:00.000Z", "schedule", "succeeded"],
  ]);
  assert.equal(dbtBinary.calls().length, 1);

  await one.lifecycle.setEnabled("finance", false, "admin");
  await other.lifecycle.refresh();
  now = Date.parse("2026-11-28T02:00:05Z");
  await other.dbt.tick(at("2026-11-28T01:59:45Z"), at("2026-11-28T02:00:05Z"));
  assert.equal((await store.dbtRuns({ limit: 10 })).length, 1, "a disabled plugin does not fire");
  const { workspaces } = await (await other.api("/workspaces")).json();
  assert.equal(workspaces[2].next_run, null, "nor is a next run shown");

  const idle = host(registry, { config, store: new MemoryStore(), now: () => now });
  await idle.dbt.tick(at("2026-11-28T01:59:45Z"), at("2026-11-28T02:00:05Z"));
  assert.deepEqual(await idle.lifecycle.store.dbtRuns({ limit: 1 }), [], "no runner: no runs");
});

Deno.test("schedule changes are audited once, from what the store saw last", async () => {
  using tree = dbtTree();
  const registry = await loadRegistry(tree.root);
  const store = new MemoryStore();
  const config = configFor(tree.root);
  await host(registry, { config, store }).dbt.recordSchedules();
  await host(registry, { config, store }).dbt.recordSchedules();
  const moved: Registry = {
    ...registry,
    plugins: registry.plugins.map((plugin) =>
      plugin.name === "finance"
        ? { ...plugin, dbt: { ...plugin.dbt!, schedule: "0 3 * * *" } }
        : plugin
    ),
  };
  await host(moved, { config, store }).dbt.recordSchedules();
  const events = (await store.recentAudit(10)).filter((event) => event.action === "dbt_schedule");
  assert.deepEqual(events.map((event) => [event.target, event.detail]).reverse(), [
    ["crm", "schedule none → none"],
    ["finance", "schedule none → 0 2 * * *"],
    ["finance", "schedule 0 2 * * * → 0 3 * * *"],
  ]);
});

/** A webhook receiver on 127.0.0.1 that records what it gets and answers as told. */
function receiver(answer: () => Promise<Response> | Response) {
  const received: { body: string; signature: string | null }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    received.push({ body: await req.text(), signature: req.headers.get("X-Honeyframe-Signature") });
    return await answer();
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/hooks/dbt`,
    received,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

Deno.test("the webhook runner posts a signed run and takes the signed result back", async () => {
  using tree = dbtTree();
  const registry = await loadRegistry(tree.root);
  await using hook = receiver(() => new Response(null, { status: 202 }));
  const config = configFor(tree.root, {
    HONEYFRAME_DBT_RUNNER: "webhook",
    HONEYFRAME_DBT_WEBHOOK_URL: hook.url,
    HONEYFRAME_DBT_WEBHOOK_SECRET: SECRET,
  });
  const lifecycle = new PluginLifecycle(registry, new MemoryStore());
  const app = createApp(registry, { adminToken: TOKEN, lifecycle, dbt: config });
  const response = await app.request("/api/dbt/workspaces/finance/runs", {
    method: "POST",
    headers: AUTH,
  });
  assert.equal(response.status, 202);
  const { run_id } = await response.json();
  const deadline = Date.now() + 5_000;
  while (hook.received.length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const [call] = hook.received;
  assert.deepEqual(JSON.parse(call!.body), {
    run_id,
    plugin: "finance",
    project: "finance",
    schema: "finance",
    models: ["costs", "revenue"],
    schedule: "0 2 * * *",
  });
  const [, t] = /^t=(\d+),v1=[0-9a-f]{64}$/.exec(call!.signature!)!;
  assert.ok(Math.abs(Number(t) - Date.now() / 1000) < 60, "signed now");
  const expected = createHmac("sha256", SECRET).update(`${t}.${run_id}.${call!.body}`)
    .digest("hex");
  assert.equal(call!.signature, `t=${t},v1=${expected}`, "an independent HMAC agrees");
  let running: DbtRun | undefined;
  while (running?.status !== "running" && Date.now() < deadline) {
    [running] = (await (await app.request("/api/dbt/runs", { headers: AUTH })).json()).runs;
  }
  assert.equal(running?.status, "running", "the orchestrator has it");

  const report = async (body: string, signature?: string) =>
    await app.request(`/api/dbt/runs/${run_id}`, {
      method: "POST",
      body,
      headers: signature === undefined ? {} : { "X-Honeyframe-Signature": signature },
    });
  const result = JSON.stringify({ status: "succeeded", exit_code: 0, output: "Done. PASS=2" });
  const sign = (body: string, options: { secret?: string; run?: string; at?: number } = {}) =>
    signRunBody(options.secret ?? SECRET, options.run ?? run_id, body, options.at);
  assert.equal((await report(result)).status, 401, "unsigned");
  assert.equal(
    (await report(result, await sign(result, { secret: "another-secret-0123" }))).status,
    401,
  );
  assert.equal((await report(result, await sign(`${result} `))).status, 401);
  assert.equal((await report(result, `sha256=${"0".repeat(64)}`)).status, 401, "the old form");
  // Another run's report, however well signed, is not this run's; nor is a stale one.
  assert.equal((await report(result, await sign(result, { run: "another-run" }))).status, 401);
  const stale = await sign(result, { at: Date.now() - 301_000 });
  assert.equal((await report(result, stale)).status, 401, "over five minutes old");
  const future = await sign(result, { at: Date.now() + 301_000 });
  assert.equal((await report(result, future)).status, 401, "over five minutes ahead");
  const bad = JSON.stringify({ status: "done" });
  assert.equal((await report(bad, await sign(bad))).status, 400);
  const accepted = await report(result, await sign(result, { at: Date.now() - 240_000 }));
  assert.equal(accepted.status, 200);
  const { run } = await accepted.json();
  assert.deepEqual([run.status, run.exit_code, run.output], ["succeeded", 0, "Done. PASS=2"]);
  assert.equal((await report(result, await sign(result))).status, 404, "finished");
});

Deno.test("a webhook that answers an error or nothing in time fails the run with why", async () => {
  using tree = dbtTree();
  const registry = await loadRegistry(tree.root);
  let answer = () => Promise.resolve(new Response("no", { status: 500 }));
  await using hook = receiver(() => answer());
  const config = configFor(tree.root, {
    HONEYFRAME_DBT_RUNNER: "webhook",
    HONEYFRAME_DBT_WEBHOOK_URL: hook.url,
    HONEYFRAME_DBT_WEBHOOK_SECRET: SECRET,
    HONEYFRAME_DBT_TIMEOUT_S: "1",
  });
  const lifecycle = new PluginLifecycle(registry, new MemoryStore());
  const app = createApp(registry, { adminToken: TOKEN, lifecycle, dbt: config });
  const api = (path: string, init: RequestInit = {}) =>
    app.request(`/api/dbt${path}`, { ...init, headers: AUTH });
  const start = async () =>
    (await (await api("/workspaces/finance/runs", { method: "POST" })).json()).run_id;
  const refused = await finished(api, await start());
  assert.deepEqual([refused.status, refused.reason], ["failed", "the webhook answered 500"]);
  let release = () => {};
  answer = () =>
    new Promise((resolve) => release = () => resolve(new Response(null, { status: 202 })));
  const silent = await finished(api, await start());
  assert.deepEqual([silent.status, silent.reason], [
    "failed",
    "the webhook did not answer within 1 s",
  ]);
  release();
});

Deno.test("the admin dbt page lists workspaces and runs, and its Run button starts a run", async () => {
  using tree = dbtTree();
  using dbtBinary = makeDbtStandIn();
  const registry = await loadRegistry(tree.root);
  const config = configFor(tree.root, { HONEYFRAME_DBT_RUNNER: "command" });
  const runner = commandRunner({ ...config, command: dbtBinary.command, spawn: denoSpawn });
  const { app, api } = host(registry, { config, runner, now: () => ONE_AM });
  const cookie = await signInWith(app, TOKEN);
  const page = await (await app.request(`${ORIGIN}/admin/dbt`, { headers: { cookie } })).text();
  assert.match(
    page,
    /<h2 id="menu-admin">Administration<\/h2>.*href="\/admin\/dbt" aria-current="page"/s,
  );
  assert.match(page, /Runs start through the command runner/);
  assert.match(
    page,
    /<code>finance<\/code>.*plugins\/finance\/dbt · profile warehouse<\/div><\/td><td><code>finance<\/code><\/td>/s,
    "the project, then the plugin's schemas",
  );
  assert.match(page, /<summary>2 models<\/summary>.*<code>costs<\/code>.*<code>revenue<\/code>/s);
  assert.match(
    page,
    /<code>0 2 \* \* \*<\/code><\/td><td><time datetime="2026-11-27T02:00:00.000Z">/,
  );
  assert.match(page, /No runs yet\./);
  const broken = /action="\/admin\/dbt\/broken\/run">.*?<button type="submit" disabled>Run/s;
  assert.match(page, broken, "a plugin with errors cannot be run");

  const csrf = await csrfOf(app, cookie);
  const forged = await app.request(`${ORIGIN}/admin/dbt/finance/run`, form({ csrf: "x" }, cookie));
  assert.equal(forged.status, 403);
  const started = await app.request(`${ORIGIN}/admin/dbt/finance/run`, form({ csrf }, cookie));
  assert.equal(started.status, 303);
  assert.equal(started.headers.get("location"), "/admin/dbt");
  const [queued] = (await (await api("/runs")).json()).runs as DbtRun[];
  assert.equal((await finished(api, queued!.id)).status, "succeeded");
  const after = await (await app.request(`${ORIGIN}/admin/dbt`, { headers: { cookie } })).text();
  assert.match(after, /<h2>Run history<\/h2>.*finance.*admin.*succeeded.*Finished: exit 0/s);

  const refused = await app.request(`${ORIGIN}/admin/dbt/broken/run`, form({ csrf }, cookie));
  assert.equal(refused.status, 409);
  assert.match(
    await refused.text(),
    /role="status" class="alert">Not started: broken is not mounted/,
  );
  const unknown = await app.request(`${ORIGIN}/admin/dbt/nobody/run`, form({ csrf }, cookie));
  assert.equal(unknown.status, 404);
});
