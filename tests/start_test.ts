import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { rebuildProjectRegistry } from "./helpers/build.ts";
import { startServer } from "./helpers/process.ts";
import { makeTree, manifest, pingRouter } from "./helpers/tree.ts";

const deno = Deno.execPath();
const TOKEN = "start-test-token";

/** Runs `deno task start` on 127.0.0.1 with `dataDir` (and the admin token unless `env` says). */
function startTask(
  dataDir: string,
  env: Record<string, string> = { HONEYFRAME_ADMIN_TOKEN: TOKEN },
) {
  const parent = { ...Deno.env.toObject() };
  delete parent.HONEYFRAME_ADMIN_TOKEN;
  return startServer(
    new Deno.Command(deno, {
      args: ["task", "start"],
      env: { ...parent, DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", ...env },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }),
    60_000,
  );
}

Deno.test("deno task start builds from DATA_DIR, mounts customer plugins and lists broken ones", async () => {
  using data = makeTree({
    "plugins/crm/plugin.yaml": manifest("crm", "routers:", "  - backend/routers/main.ts:router"),
    "plugins/crm/backend/routers/main.ts": pingRouter("crm"),
    "plugins/broken/plugin.yaml": "name: broken\n",
  });
  try {
    await using server = await startTask(data.root);
    assert.equal((await fetch(`${server.url}/api/_demo/ping`)).status, 200);
    assert.deepEqual(await (await fetch(`${server.url}/api/crm/ping`)).json(), { pong: "crm" });
    const response = await fetch(`${server.url}/api/plugins`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    const plugins = (await response.json()).plugins as {
      name: string;
      status: string;
      errors: { code: string }[];
    }[];
    const broken = plugins.find((plugin) => plugin.name === "broken");
    assert.equal(broken?.status, "error");
    assert.deepEqual(broken?.errors.map((error) => error.code), ["manifest.missing_field"]);
    assert.doesNotMatch(server.output(), /Admin API closed/);
    assert.match(
      server.output(),
      /error +broken .*plugin\.yaml:1:1: version: is required \[manifest\.missing_field\]/,
    );
  } finally {
    await rebuildProjectRegistry();
  }
});

Deno.test("deno task start says how to open the admin API when no token is set", async () => {
  using data = makeTree();
  await using server = await startTask(data.root, {});
  assert.match(server.output(), /listening on http:\/\/localhost:\d+\//);
  assert.match(server.output(), /set HONEYFRAME_ADMIN_TOKEN=<secret> to open GET \/api\/plugins/);
  assert.equal((await fetch(`${server.url}/api/plugins`)).status, 401);
});

Deno.test("deno task start keeps state in SQLite under DATA_DIR: a disable survives a restart", async () => {
  using data = makeTree();
  const start = () => startTask(data.root);
  const admin = { headers: { Authorization: `Bearer ${TOKEN}` } };
  try {
    {
      await using first = await start();
      assert.match(first.output(), new RegExp(`State: sqlite \\(${data.root}/honeyframe\\.db\\)`));
      const disabled = await fetch(`${first.url}/api/plugins/_demo/disable`, {
        method: "POST",
        ...admin,
      });
      assert.equal(disabled.status, 200);
      await disabled.body?.cancel();
    }
    assert.ok(existsSync(join(data.root, "honeyframe.db")));
    await using second = await start();
    const ping = await fetch(`${second.url}/api/_demo/ping`);
    assert.equal(ping.status, 404, "still disabled after the restart");
    await ping.body?.cancel();
    const report = await (await fetch(`${second.url}/api/plugins`, admin)).json();
    assert.equal(report.plugins[0].status, "disabled");
  } finally {
    await rebuildProjectRegistry();
  }
});

Deno.test("deno task start serves when node_modules/deno is a link (the launcher's --allow-run holds)", async () => {
  // The project, linked file by file, with node_modules/deno/deno a link to the Deno binary.
  using project = makeTree();
  const root = Deno.cwd();
  for (const entry of Deno.readDirSync(root)) {
    if ([".gen", "dist", "node_modules", ".git"].includes(entry.name)) continue;
    Deno.symlinkSync(join(root, entry.name), join(project.root, entry.name));
  }
  Deno.mkdirSync(join(project.root, "node_modules/deno"), { recursive: true });
  for (const entry of Deno.readDirSync(join(root, "node_modules"))) {
    if (entry.name === "deno") continue;
    Deno.symlinkSync(
      join(root, "node_modules", entry.name),
      join(project.root, "node_modules", entry.name),
    );
  }
  for (const entry of Deno.readDirSync(join(root, "node_modules/deno"))) {
    Deno.symlinkSync(
      join(root, "node_modules/deno", entry.name),
      join(project.root, "node_modules/deno", entry.name),
    );
  }
  using data = makeTree();
  const parent = { ...Deno.env.toObject() };
  await using server = await startServer(
    new Deno.Command(join(project.root, "node_modules/deno/deno"), {
      args: ["task", "start"],
      cwd: project.root,
      env: { ...parent, DATA_DIR: data.root, PORT: "0", HOST: "127.0.0.1" },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }),
    60_000,
  );
  assert.equal((await fetch(`${server.url}/api/_demo/ping`)).status, 200);
  assert.ok(existsSync(join(project.root, ".gen/registry.ts")), "its own registry");
});
