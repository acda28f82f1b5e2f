import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cli } from "../helpers/cli.ts";
import { healthyPlugin, makeTree, manifest, pingRouter } from "../helpers/tree.ts";

/** A project tree (bundled `crm`) and a folder outside it holding plugins to install. */
function setup() {
  const project = makeTree(healthyPlugin("crm"));
  const downloads = makeTree({
    "finance/plugin.yaml": manifest(
      "finance",
      "routers:",
      "  - r.ts:router",
      "permissions: [ledger.read]",
    ),
    "finance/r.ts": pingRouter("finance"),
    "finance-v2/plugin.yaml": manifest("finance", "routers:", "  - r.ts:router").replace(
      "1.0.0",
      "2.0.0",
    ),
    "finance-v2/r.ts": pingRouter("finance v2"),
    "finance-v0/plugin.yaml": manifest("finance", "routers:", "  - r.ts:router").replace(
      "1.0.0",
      "0.9.0",
    ),
    "finance-v0/r.ts": pingRouter("finance v0"),
    "broken/plugin.yaml": manifest("broken", "routers:", "  - missing.ts:router"),
    "clash/plugin.yaml": manifest("clash", "permissions: [ledger.read]"),
    "crm/plugin.yaml": manifest("crm"),
    "not-a-plugin/README.md": "hello",
    "bad-version/plugin.yaml": "name: bad-version\nversion: one\n",
  });
  const flags = [
    "--install-dir",
    project.root,
    "--data-dir",
    join(project.root, "data"),
    "--out",
    join(project.root, ".gen/registry.ts"),
  ];
  const dataPlugins =
    () => (existsSync(join(project.root, "data/plugins"))
      ? readdirSync(join(project.root, "data/plugins"))
      : []);
  const registry = () => readFileSync(join(project.root, ".gen/registry.ts"), "utf8");
  return {
    flags,
    from: (name: string) => join(downloads.root, name),
    dataPlugins,
    registry,
    [Symbol.dispose]() {
      project[Symbol.dispose]();
      downloads[Symbol.dispose]();
    },
  };
}

Deno.test("install copies a verified plugin into the data directory and rebuilds the registry", async () => {
  using t = setup();
  const run = await cli(["install", t.from("finance"), ...t.flags]);
  assert.equal(run.code, 0, run.err.join("\n"));
  assert.match(run.out[0]!, /^installed finance 1\.0\.0 in /);
  assert.deepEqual(t.dataPlugins(), ["finance"]);
  assert.match(t.registry(), /data\/plugins\/finance\/r\.ts/);
});

Deno.test("install refuses a plugin with errors and leaves nothing behind", async () => {
  using t = setup();
  for (
    const [folder, message] of [
      ["broken", /router\.not_found[\s\S]*broken has errors and was not installed/],
      ["not-a-plugin", /has no plugin\.yaml; it is not a plugin folder/],
      [
        "bad-version",
        /bad-version\/plugin\.yaml:2:1: version: `one` is not semver .*\[manifest\.invalid_version\]/,
      ],
    ] as const
  ) {
    const run = await cli(["install", t.from(folder), ...t.flags]);
    assert.equal(run.code, 1, folder);
    assert.match(run.err.join("\n"), message);
    assert.doesNotMatch(run.err.join("\n"), /\.install-/, "the staging folder is never named");
  }
  const broken = await cli(["install", t.from("broken"), ...t.flags]);
  assert.ok(
    broken.err.some((line) => line.includes(`${t.from("broken")}/plugin.yaml:`)),
    `the user's own folder is named: ${broken.err.join("\n")}`,
  );
  assert.deepEqual(t.dataPlugins(), [], "no plugin and no staging folder");
  assert.ok(!existsSync(join(t.flags[1]!, ".gen")), "the registry was not written");
});

Deno.test("install refuses a plugin that only fails beside the others, and restores the registry", async () => {
  using t = setup();
  assert.equal((await cli(["install", t.from("finance"), ...t.flags])).code, 0);
  const before = t.registry();
  const run = await cli(["install", t.from("clash"), ...t.flags]);
  assert.equal(run.code, 1);
  assert.match(run.err.join("\n"), /permission\.conflict/);
  assert.deepEqual(t.dataPlugins(), ["finance"]);
  assert.equal(t.registry(), before);
});

Deno.test("install refuses a name that is taken, and --force only upgrades", async () => {
  using t = setup();
  const bundled = await cli(["install", t.from("crm"), ...t.flags]);
  assert.deepEqual([bundled.code, /taken by a bundled plugin/.test(bundled.err.join())], [1, true]);

  assert.equal((await cli(["install", t.from("finance"), ...t.flags])).code, 0);
  const again = await cli(["install", t.from("finance-v2"), ...t.flags]);
  assert.equal(again.code, 1);
  assert.match(again.err.join(), /finance 1\.0\.0 is already installed; use --force/);
  const older = await cli(["install", t.from("finance-v0"), "--force", ...t.flags]);
  assert.equal(older.code, 1);
  assert.match(older.err.join(), /0\.9\.0 is not newer than the installed 1\.0\.0/);

  const upgrade = await cli(["install", t.from("finance-v2"), "--force", ...t.flags]);
  assert.equal(upgrade.code, 0, upgrade.err.join("\n"));
  assert.match(upgrade.out[0]!, /^upgraded finance 2\.0\.0/);
  assert.match(readFileSync(join(t.flags[3]!, "plugins/finance/r.ts"), "utf8"), /finance v2/);
  assert.deepEqual(t.dataPlugins(), ["finance"]);
});

Deno.test("install, uninstall and new answer one JSON object with --json", async () => {
  using t = setup();
  const installed = await cli(["install", t.from("finance"), "--json", ...t.flags]);
  assert.equal(installed.code, 0);
  const done = JSON.parse(installed.out.join("\n"));
  assert.equal(done.ok, true);
  assert.equal(done.action, "installed");
  assert.equal(done.plugin, "finance");
  assert.equal(done.version, "1.0.0");
  const refused = await cli(["install", t.from("broken"), "--json", ...t.flags]);
  assert.equal(refused.code, 1);
  const why = JSON.parse(refused.out.join("\n"));
  assert.equal(why.ok, false);
  assert.deepEqual(why.problems.map((p: { code: string }) => p.code), ["router.not_found"]);
  assert.equal(why.problems[0].file, `${t.from("broken")}/plugin.yaml`);
  assert.deepEqual([why.problems[0].line, why.problems[0].column], [4, 5]);
  assert.deepEqual(refused.err, [], "nothing but the JSON object");
  const bad = JSON.parse(
    (await cli(["install", t.from("bad-version"), "--json", ...t.flags])).out.join("\n"),
  );
  assert.equal(bad.problems[0].code, "manifest.invalid_version");
  const removed = await cli(["uninstall", "finance", "--json", ...t.flags]);
  assert.deepEqual(
    { ...JSON.parse(removed.out.join("\n")), message: "", registry: "" },
    { ok: true, message: "", action: "uninstalled", plugin: "finance", registry: "" },
  );
  const created = await cli(["new", "ledger", "--data", "--json", ...t.flags]);
  const scaffold = JSON.parse(created.out.join("\n"));
  assert.equal(scaffold.ok, true);
  assert.deepEqual(scaffold.files, [
    "plugin.yaml",
    "backend/routers/ledger.ts",
    "frontend/pages.tsx",
    "frontend/client.tsx",
    "frontend/styles.css",
    "tests/ledger_test.ts",
  ]);
  const taken = await cli(["new", "ledger", "--data", "--json", ...t.flags]);
  assert.equal(taken.code, 1);
  assert.match(JSON.parse(taken.out.join("\n")).message, /already exists/);
});

Deno.test("uninstall removes a customer plugin, refuses bundled and unknown ones", async () => {
  using t = setup();
  await cli(["install", t.from("finance"), ...t.flags]);
  const removed = await cli(["uninstall", "finance", ...t.flags]);
  assert.equal(removed.code, 0, removed.err.join("\n"));
  assert.deepEqual(t.dataPlugins(), []);
  assert.doesNotMatch(t.registry(), /finance/);

  const bundled = await cli(["uninstall", "crm", ...t.flags]);
  assert.deepEqual([bundled.code, /bundled plugin/.test(bundled.err.join())], [1, true]);
  const unknown = await cli(["uninstall", "nobody", ...t.flags]);
  assert.deepEqual([unknown.code, /no customer plugin nobody/.test(unknown.err.join())], [1, true]);
  assert.equal((await cli(["uninstall", "../crm", ...t.flags])).code, 1);
});
