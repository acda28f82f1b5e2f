/**
 * `plugins dbt list | run <plugin> | export`: the workspaces the build finds, dbt run in the
 * foreground with its exit code (a stand-in `dbt`), and the export for an orchestrator.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cli, treeFlags } from "../helpers/cli.ts";
import { makeDbtStandIn } from "../helpers/dbt_standin.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

function tree() {
  return makeTree({
    "plugins/finance/plugin.yaml": manifest(
      "finance",
      "dbt_workspace: dbt",
      'dbt_schedule: "0 2 * * *"',
    ),
    "plugins/finance/dbt/dbt_project.yml": "name: finance\nprofile: warehouse\n",
    "plugins/finance/dbt/models/revenue.sql": "select 1",
    "data/plugins/broken/plugin.yaml": manifest("broken", "dbt_workspace: dbt"),
    "data/plugins/broken/dbt/dbt_project.yml": "name: [\n",
    "data/plugins/custom/plugin.yaml": manifest("custom", "dbt_workspace: dbt"),
    // The tutorial's way: another plugin carries a project of the same name (each has its schema).
    "data/plugins/custom/dbt/dbt_project.yml": "name: finance\n",
  });
}

Deno.test("dbt list and export show every workspace; export gives absolute paths for an orchestrator", async () => {
  using plugins = tree();
  const list = await cli(["dbt", "list", ...treeFlags(plugins.root)]);
  assert.equal(list.code, 0, list.err.join("\n"));
  assert.match(
    list.out[0]!,
    /^PLUGIN\s+PROJECT\s+PROFILE\s+SCHEMA\s+MODELS\s+SCHEDULE \(UTC\)\s+NEXT RUN\s+STATUS$/,
  );
  assert.match(list.out[1]!, /^custom\s+finance\s+-\s+custom\s+0\s+-\s+-\s+mounted$/);
  assert.match(
    list.out[2]!,
    /^finance\s+finance\s+warehouse\s+finance\s+1\s+0 2 \* \* \*\s+\S+T02:00:00\.000Z\s+mounted$/,
  );
  assert.equal(list.out.length, 3, "the broken project has no inventory");
  assert.deepEqual(
    list.err.filter((line) => /dbt_/.test(line)).map((line) =>
      line.replace(plugins.root, "<root>")
    ),
    [
      "error   broken <root>/data/plugins/broken/dbt/dbt_project.yml:2:1: dbt_project.yml Flow sequence in block collection must be sufficiently indented and end with a ] [dbt_workspace.invalid_project]",
      "warning custom <root>/data/plugins/custom/plugin.yaml:3:1: dbt_workspace: the dbt project `finance` is also carried by the plugin `finance`; each builds in its own schema (this one in `custom`) [dbt_workspace.shared_project]",
      "warning finance <root>/plugins/finance/plugin.yaml:3:1: dbt_workspace: the dbt project `finance` is also carried by the plugin `custom`; each builds in its own schema (this one in `finance`) [dbt_workspace.shared_project]",
    ],
    "dbt list prints the workspaces' problems",
  );
  const listed = JSON.parse(
    (await cli(["dbt", "list", "--json", ...treeFlags(plugins.root)])).out.join("\n"),
  );
  assert.deepEqual(
    listed.workspaces.map((item: Record<string, unknown>) => [
      item.plugin,
      item.schema,
      item.schemas,
      item.model_paths,
      item.seed_paths,
      (item.problems as { code: string }[]).map((problem) => problem.code),
    ]),
    [
      ["custom", "custom", ["custom"], ["models"], ["seeds"], ["dbt_workspace.shared_project"]],
      ["finance", "finance", ["finance"], ["models"], ["seeds"], ["dbt_workspace.shared_project"]],
    ],
  );

  const exported = await cli(["dbt", "export", "--json", ...treeFlags(plugins.root)]);
  assert.equal(exported.code, 0);
  const { workspaces } = JSON.parse(exported.out.join("\n"));
  assert.deepEqual(
    workspaces.map((item: { plugin: string; path: string; schedule: string }) => [
      item.plugin,
      item.path,
      item.schedule,
    ]),
    [
      ["custom", join(plugins.root, "data/plugins/custom/dbt"), null],
      ["finance", join(plugins.root, "plugins/finance/dbt"), "0 2 * * *"],
    ],
  );
  assert.deepEqual(workspaces[1].models, [{ name: "revenue", path: "models/revenue.sql" }]);
  const table = await cli(["dbt", "export", ...treeFlags(plugins.root)]);
  assert.match(
    table.out[2]!,
    new RegExp(`^finance\\s+finance\\s+0 2 \\* \\* \\*\\s+${plugins.root}`),
  );
});

Deno.test("dbt run runs dbt on the workspace and exits with dbt's exit code", async () => {
  using plugins = tree();
  using dbt = makeDbtStandIn();
  const env = { HONEYFRAME_DBT_COMMAND: dbt.command, HONEYFRAME_DBT_PROFILES_DIR: "/etc/dbt" };
  const ok = await cli(["dbt", "run", "finance", ...treeFlags(plugins.root)], env);
  assert.equal(ok.code, 0, ok.err.join("\n"));
  assert.deepEqual(dbt.calls()[0]?.args, [
    "build",
    "--project-dir",
    join(plugins.root, "plugins/finance/dbt"),
    "--profiles-dir",
    "/etc/dbt",
  ]);
  dbt.exitWith(3);
  const failed = await cli(["dbt", "run", "finance", ...treeFlags(plugins.root)], env);
  assert.equal(failed.code, 3);
  assert.match(failed.err.at(-1)!, /dbt exited with 3/);

  const broken = await cli(["dbt", "run", "broken", ...treeFlags(plugins.root)], env);
  assert.equal(broken.code, 1);
  assert.match(broken.err.join("\n"), /no plugin called broken has a dbt workspace/);
  const missing = await cli(["dbt", "run", "finance", ...treeFlags(plugins.root)], {
    HONEYFRAME_DBT_COMMAND: join(dbt.dir, "not-there"),
  });
  assert.equal(missing.code, 127);
  assert.match(missing.err.join("\n"), /could not be started/);
});

Deno.test("dbt run with a warehouse builds into the plugin's schema, its password only in dbt's variables", async () => {
  using plugins = tree();
  using dbt = makeDbtStandIn();
  const ran = await cli(["dbt", "run", "custom", ...treeFlags(plugins.root)], {
    HONEYFRAME_DBT_COMMAND: dbt.command,
    HONEYFRAME_WAREHOUSE_URL: "postgresql://builder:pa55word@localhost/analytics",
  });
  assert.equal(ran.code, 0, ran.err.join("\n"));
  const profilesDir = join(plugins.root, ".gen/registry.dbt");
  const [call] = dbt.calls();
  assert.deepEqual(call?.args, [
    "build",
    "--project-dir",
    join(plugins.root, "data/plugins/custom/dbt"),
    "--profiles-dir",
    profilesDir,
    "--target",
    "honeyframe",
  ]);
  assert.deepEqual(call?.warehouse, {
    host: "localhost",
    port: "5432",
    user: "builder",
    password: "pa55word",
    dbname: "analytics",
    schema: "custom",
  });
  assert.ok(!ran.err.join("\n").includes("pa55word"), "the command line shown holds no password");
  const written = readFileSync(join(profilesDir, "profiles.yml"), "utf8");
  assert.equal(dbt.profiles(), written);
  // finance names its profile `warehouse`; custom names none, so its project name is its profile.
  assert.deepEqual(written.match(/^\S.*:$/gm), ['"finance":', '"warehouse":']);
  assert.ok(!written.includes("pa55word"));
});

Deno.test("dbt takes list, run <plugin> or export, with a suggestion for a typo", async () => {
  for (
    const [argv, message] of [
      [["dbt"], /`dbt` takes list, run, export$/],
      [["dbt", "lst"], /not `lst`; did you mean `list`\?/],
      [["dbt", "run"], /`dbt run` takes exactly one plugin name/],
      [["dbt", "list", "extra"], /`dbt list` takes no more arguments/],
    ] as const
  ) {
    const run = await cli([...argv]);
    assert.equal(run.code, 2, argv.join(" "));
    assert.match(run.err[0]!, message);
    assert.match(run.err[1]!, /^Usage: npx deno task plugins dbt list \| run <plugin> \| export/);
  }
});

Deno.test("deno task plugins dbt run finds dbt on PATH", async () => {
  using plugins = tree();
  using dbt = makeDbtStandIn();
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "plugins", "dbt", "run", "finance", ...treeFlags(plugins.root)],
    env: { PATH: `${dbt.dir}:${Deno.env.get("PATH")}` },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, text);
  assert.match(text, /Found 2 models/);
  assert.equal(dbt.calls().length, 1);
});
