/**
 * The dbt fidelity corpus: `tests/fixtures/dbt_corpus/plugins/` holds one plugin per way real dbt
 * projects are written (legacy paths, Jinja fields, `.dbtignore`, disabled models, a model path
 * beside the project, a repeated key, anchors, the tutorial project carried twice). Each has a
 * `dbt_ls.txt`: the models `dbt ls --resource-type model` lists for it, written by hand from dbt's
 * documented rules — dbt is a PyPI package this machine cannot install — and the inventory must
 * list exactly those as enabled, every plugin mounted.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { discover, verify } from "../../src/build/mod.ts";
import { codes } from "../helpers/problems.ts";

const CORPUS = resolve("tests/fixtures/dbt_corpus");

/** Plugin → the warnings it must get (none for the others). */
const WARNINGS: Record<string, string[]> = {
  "shared-models": ["dbt_workspace.path_outside_project"],
  "repeated-key": ["yaml.duplicate_key", "yaml.duplicate_key"],
  "tutorial-a": ["dbt_workspace.shared_project"],
  "tutorial-b": ["dbt_workspace.shared_project"],
};

Deno.test("each project of the dbt corpus lists what dbt ls would, and mounts", async () => {
  const plugins = await verify(discover({ installDir: CORPUS, dataDir: join(CORPUS, "none") }));
  assert.equal(plugins.length, 9);
  for (const plugin of plugins) {
    assert.equal(plugin.status, "mounted", `${plugin.name}: ${JSON.stringify(plugin.errors)}`);
    assert.deepEqual(codes(plugin.warnings), WARNINGS[plugin.name] ?? [], plugin.name);
    const listed = readFileSync(join(plugin.dir, "dbt_ls.txt"), "utf8").trim().split("\n");
    const enabled = plugin.dbt!.models.filter((model) => model.enabled !== false)
      .map((model) => model.name).sort();
    assert.deepEqual(enabled, listed, `${plugin.name}: the models dbt ls lists`);
  }
  const byName = Object.fromEntries(plugins.map((plugin) => [plugin.name, plugin.dbt!]));
  assert.deepEqual(
    [byName["legacy-paths"]!.version, byName["legacy-paths"]!.seed_paths],
    ["1.0", ["data"]],
  );
  assert.deepEqual(
    [
      byName["jinja-fields"]!.project,
      byName["jinja-fields"]!.profile,
      byName["jinja-fields"]!.vars,
    ],
    ["jinja_shop", "jaffle_shop", { models_folder: "transform" }],
  );
  assert.equal(byName["repeated-key"]!.project, "shop_repeated");
  assert.deepEqual(
    [byName["tutorial-a"]!.schema, byName["tutorial-b"]!.schema],
    ["tutorial_a", "tutorial_b"],
  );
});
