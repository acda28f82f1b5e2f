/**
 * dbt workspaces at build time: the inventory read from `dbt_project.yml`, and every problem with
 * its plugin, file, field and line.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { discover, type VerifiedPlugin, verify } from "../../src/build/mod.ts";
import { MAX_DBT_MODELS } from "../../src/build/dbt_project.ts";
import { loadRegistry } from "../helpers/build.ts";
import type { Problem } from "../../src/manifest/mod.ts";
import { codes } from "../helpers/problems.ts";
import { makeTree, manifest, type TreeEntry } from "../helpers/tree.ts";

/** Verifies the plugins of a tree made of `files`. */
async function verifyTree(files: Record<string, TreeEntry>): Promise<VerifiedPlugin[]> {
  using tree = makeTree(files);
  return await verify(discover({ installDir: tree.root, dataDir: join(tree.root, "data") }));
}

/** One plugin `p` with a dbt workspace in `dbt/` made of `files`. */
function dbtPlugin(manifestLines: string[], files: Record<string, TreeEntry>) {
  return {
    "plugins/p/plugin.yaml": manifest("p", ...manifestLines),
    ...Object.fromEntries(
      Object.entries(files).map(([path, entry]) => [`plugins/p/${path}`, entry]),
    ),
  };
}

const FINANCE_PROJECT = `name: finance
version: 2
profile: warehouse
config-version: 2
model-paths: ["models", "analytics/models/"]
seed-paths: ["seeds"]
models:
  finance:
    +materialized: table
`;

Deno.test("the build lists a real-shaped project's models from every model path into the registry", async () => {
  using tree = makeTree(dbtPlugin(["dbt_workspace: dbt/", 'dbt_schedule: "30 2 * * 1-5"'], {
    "dbt/dbt_project.yml": FINANCE_PROJECT,
    "dbt/models/staging/stg_customers.sql": "select 1",
    "dbt/models/staging/stg_orders.sql": "select 2",
    "dbt/models/staging/schema.yml": "version: 2\n",
    "dbt/models/marts/finance/revenue.py": "def model(dbt, session): pass\n",
    "dbt/models/README.md": "# models\n",
    "dbt/analytics/models/kpi/margin.sql": "select 3",
    "dbt/seeds/rates.csv": "a,b\n",
    "dbt/macros/cents.sql": "-- a macro, not a model",
  }));
  const registry = await loadRegistry(tree.root);
  const [plugin] = registry.plugins;
  assert.deepEqual(plugin?.errors, []);
  assert.deepEqual(plugin?.warnings, []);
  assert.deepEqual(plugin?.dbt, {
    project: "finance",
    version: "2",
    profile: "warehouse",
    path: "dbt",
    model_paths: ["models", "analytics/models"],
    seed_paths: ["seeds"],
    models: [
      { name: "margin", path: "analytics/models/kpi/margin.sql" },
      { name: "revenue", path: "models/marts/finance/revenue.py" },
      { name: "stg_customers", path: "models/staging/stg_customers.sql" },
      { name: "stg_orders", path: "models/staging/stg_orders.sql" },
    ],
    schedule: "30 2 * * 1-5",
    schema: "p",
    schemas: ["p"],
    vars: {},
  });
  assert.ok(Object.isFrozen(plugin?.dbt?.models), "the inventory is frozen like the rest");
});

Deno.test("dbt_project.yml as dbt reads it: legacy source-paths and data-paths, the version as written", async () => {
  const [legacy] = await verifyTree(dbtPlugin(["dbt_workspace: dbt"], {
    "dbt/dbt_project.yml": [
      "name: jaffle_shop",
      "version: 1.0",
      "config-version: 2",
      'source-paths: ["transform"]',
      'data-paths: ["data"]',
      "",
    ].join("\n"),
    "dbt/transform/customers.sql": "select 1",
    "dbt/transform/staging/stg_orders.sql": "select 2",
    "dbt/models/ignored.sql": "select 3",
  }));
  assert.deepEqual(legacy?.warnings, []);
  assert.equal(legacy?.dbt?.version, "1.0", "not 1: the text dbt reads");
  assert.deepEqual(legacy?.dbt?.model_paths, ["transform"]);
  assert.deepEqual(legacy?.dbt?.seed_paths, ["data"]);
  assert.deepEqual(legacy?.dbt?.models.map((model) => model.path), [
    "transform/customers.sql",
    "transform/staging/stg_orders.sql",
  ]);
  const [missing] = await verifyTree(dbtPlugin(["dbt_workspace: dbt"], {
    "dbt/dbt_project.yml": 'name: old\nsource-paths: ["models", "gone"]\n',
    "dbt/models/a.sql": "select 1",
  }));
  assert.deepEqual(codes(missing!.warnings), ["dbt_workspace.model_path_missing"]);
  assert.equal(missing!.warnings[0]!.path, "source-paths[1]", "the field as written");
  const [both] = await verifyTree(dbtPlugin(["dbt_workspace: dbt"], {
    "dbt/dbt_project.yml":
      'name: both\nmodel-paths: ["new"]\nsource-paths: ["old"]\nversion: "2.10"\n',
  }));
  assert.deepEqual(both?.dbt?.model_paths, ["new"], "model-paths wins, as in dbt");
  assert.equal(both?.dbt?.version, "2.10");
});

Deno.test(".dbtignore keeps models out of the inventory as dbt ls would", async () => {
  const [plugin] = await verifyTree(dbtPlugin(["dbt_workspace: dbt"], {
    "dbt/dbt_project.yml": "name: shop\n",
    "dbt/.dbtignore": "# scratch work\n*.tmp.sql\nmodels/legacy/\n!models/legacy/keep.sql\n",
    "dbt/models/customers.sql": "select 1",
    "dbt/models/draft.tmp.sql": "select 2",
    "dbt/models/legacy/old.sql": "select 3",
    "dbt/models/marts/orders.py": "def model(dbt, session): pass\n",
  }));
  assert.deepEqual(plugin?.warnings, []);
  assert.deepEqual(plugin?.dbt?.models.map((model) => model.path), [
    "models/customers.sql",
    "models/marts/orders.py",
  ]);
});

Deno.test("disabled models are listed as disabled: +enabled by folder and by model, and the model's own config", async () => {
  const [plugin] = await verifyTree(dbtPlugin(["dbt_workspace: dbt"], {
    "dbt/dbt_project.yml": [
      "name: shop",
      "models:",
      "  shop:",
      "    legacy:",
      "      +enabled: false",
      "      revived:",
      "        +enabled: true",
      "    marts:",
      "      old_orders:",
      "        enabled: false",
      "",
    ].join("\n"),
    "dbt/models/legacy/gone.sql": "select 1",
    "dbt/models/legacy/revived.sql": "select 2",
    "dbt/models/marts/old_orders.sql": "select 3",
    "dbt/models/marts/customers.sql": "{{ config(materialized='table', enabled=false) }}\nselect 4",
    "dbt/models/marts/orders.sql": "{{ config(materialized='table') }}\nselect 5",
    "dbt/models/marts/forecast.py": "def model(dbt, session):\n    dbt.config(enabled=False)\n",
    "dbt/models/legacy/back.sql": "{{ config(enabled=true) }}\nselect 6",
  }));
  assert.deepEqual(plugin?.warnings, []);
  assert.deepEqual(
    plugin?.dbt?.models.map((model) => [model.name, model.enabled ?? true]),
    [
      ["back", true],
      ["gone", false],
      ["revived", true],
      ["customers", false],
      ["forecast", false],
      ["old_orders", false],
      ["orders", true],
    ],
  );
});

Deno.test("a model path beside the project but inside the plugin is read, with a warning", async () => {
  const [plugin] = await verifyTree(dbtPlugin(["dbt_workspace: dbt/project"], {
    "dbt/project/dbt_project.yml": 'name: shop\nmodel-paths: ["models", "../shared_models"]\n',
    "dbt/project/models/orders.sql": "select 1",
    "dbt/shared_models/customers.sql": "select 2",
  }));
  assert.equal(plugin?.status, "mounted");
  assert.deepEqual(plugin?.dbt?.model_paths, ["models", "../shared_models"]);
  assert.deepEqual(plugin?.dbt?.models.map((model) => model.path), [
    "../shared_models/customers.sql",
    "models/orders.sql",
  ]);
  assert.deepEqual(codes(plugin!.warnings), ["dbt_workspace.path_outside_project"]);
  assert.deepEqual([plugin!.warnings[0]!.path, plugin!.warnings[0]!.line], ["model-paths[1]", 2]);
});

Deno.test("dbt_project.yml: a repeated key is the last one, with a warning; aliases as projects use them, expansion bounded", async () => {
  const [repeated] = await verifyTree(dbtPlugin(["dbt_workspace: dbt"], {
    "dbt/dbt_project.yml": "name: first\nprofile: a\nname: shop\n",
  }));
  assert.equal(repeated?.status, "mounted");
  assert.equal(repeated?.dbt?.project, "shop", "the last, as dbt takes it");
  assert.deepEqual(codes(repeated!.warnings), ["yaml.duplicate_key"]);
  assert.equal(repeated!.warnings[0]!.line, 3);
  assert.equal(repeated!.warnings[0]!.file, "dbt/dbt_project.yml");
  const shared = Array.from({ length: 60 }, (_, index) => `    m${index}: *table`);
  const [anchors] = await verifyTree(dbtPlugin(["dbt_workspace: dbt"], {
    "dbt/dbt_project.yml": [
      "name: shop",
      "x-table: &table",
      "  +materialized: table",
      "models:",
      "  shop:",
      ...shared,
      "",
    ].join("\n"),
  }));
  assert.equal(anchors?.status, "mounted", "60 aliases: more than plugin.yaml's 50");
  assert.deepEqual(anchors?.errors, []);
  const laughs = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
  for (let level = 1; level < 9; level++) {
    const previous = String.fromCharCode(96 + level);
    const name = String.fromCharCode(97 + level);
    laughs.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(", ")}]`);
  }
  const [bomb] = await verifyTree(dbtPlugin(["dbt_workspace: dbt"], {
    "dbt/dbt_project.yml": `name: shop\n${laughs.join("\n")}\n`,
  }));
  assert.equal(bomb?.status, "error");
  assert.deepEqual(codes(bomb!.errors), ["dbt_workspace.invalid_project"]);
  assert.match(bomb!.errors[0]!.message, /alias/i);
});

Deno.test("Jinja in dbt_project.yml: env_var() is its default, never the build's value; var() the project's vars; the rest a warning", async () => {
  Deno.env.set("DBT_PROFILE", "from_the_build_machine");
  try {
    const [plugin] = await verifyTree(dbtPlugin(["dbt_workspace: dbt"], {
      "dbt/dbt_project.yml": [
        `name: "{{ env_var('DBT_PROJECT', 'jaffle_shop') }}"`,
        `profile: "{{ env_var('DBT_PROFILE', 'jaffle_shop') }}"`,
        "vars:",
        "  folder: transform",
        "  start_date: '2020-01-01'",
        "model-paths:",
        `  - "{{ var('folder') }}"`,
        `  - "{{ env_var('EXTRA_MODELS') }}"`,
        "",
      ].join("\n"),
      "dbt/transform/customers.sql": "select 1",
    }));
    assert.equal(plugin?.status, "mounted");
    assert.equal(plugin?.dbt?.project, "jaffle_shop");
    assert.equal(plugin?.dbt?.profile, "jaffle_shop", "the default, not the build's variable");
    assert.deepEqual(plugin?.dbt?.model_paths, ["transform"]);
    assert.deepEqual(plugin?.dbt?.vars, { folder: "transform", start_date: "2020-01-01" });
    assert.deepEqual(plugin?.dbt?.models.map((model) => model.name), ["customers"]);
    assert.deepEqual(codes(plugin!.warnings), ["dbt_workspace.unrendered_jinja"]);
    const [warning] = plugin!.warnings;
    assert.equal(warning!.path, "model-paths[1]");
    assert.equal(warning!.line, 8);
    assert.match(warning!.message, /`\{\{ env_var\('EXTRA_MODELS'\) \}\}` is shown as written/);
    assert.ok(!JSON.stringify(plugin).includes("from_the_build_machine"));
  } finally {
    Deno.env.delete("DBT_PROFILE");
  }
  const [odd] = await verifyTree(dbtPlugin(["dbt_workspace: dbt"], {
    "dbt/dbt_project.yml": `name: "{{ project_name() }}"\n`,
  }));
  assert.deepEqual([odd?.status, odd?.dbt?.project], ["mounted", "{{ project_name() }}"]);
  assert.deepEqual(codes(odd!.warnings), ["dbt_workspace.unrendered_jinja"]);
  assert.equal(odd!.warnings[0]!.path, "name");
});

Deno.test("dbt_project.yml problems name the file, the field and the line", async () => {
  const cases: [string, string, { path?: string; line: number; message: RegExp }[]][] = [
    ["not YAML", "name: [unclosed\nprofile: x\n", [{ line: 2, message: /^dbt_project\.yml / }]],
    ["no name", "profile: x\n", [{ path: "name", line: 1, message: /needs a `name`/ }]],
    ["a name dbt refuses", "profile: x\nname: 9lives\n", [{
      path: "name",
      line: 2,
      message: /"9lives" breaks dbt's rule: letters, digits and underscores/,
    }]],
    ["model paths not a list", "name: ok\nmodel-paths: models\n", [{
      path: "model-paths",
      line: 2,
      message: /must be a list of folders/,
    }]],
    ["a model path leaving the plugin", 'name: ok\nmodel-paths:\n  - models\n  - "../../x"\n', [{
      path: "model-paths[1]",
      line: 4,
      message: /"\.\.\/\.\.\/x" leaves the plugin folder/,
    }]],
    ["a profile that is a list", "name: ok\nprofile: [a]\n", [{
      path: "profile",
      line: 2,
      message: /must be a string/,
    }]],
    ["a document that is a list", "- name\n", [{ line: 0, message: /must be a mapping/ }]],
  ];
  for (const [what, project, expected] of cases) {
    const [plugin] = await verifyTree(dbtPlugin(["dbt_workspace: dbt"], {
      "dbt/dbt_project.yml": project,
    }));
    assert.equal(plugin?.status, "error", what);
    assert.deepEqual(
      codes(plugin!.errors),
      expected.map(() => "dbt_workspace.invalid_project"),
      what,
    );
    for (const [index, want] of expected.entries()) {
      const error: Problem = plugin!.errors[index]!;
      assert.equal(error.file, "dbt/dbt_project.yml", what);
      assert.equal(error.path, want.path, what);
      if (want.line > 0) assert.equal(error.line, want.line, what);
      assert.match(error.message, want.message, what);
    }
  }
});

Deno.test("a listed model path that does not exist is a warning on its line; the plugin mounts", async () => {
  const [plugin] = await verifyTree(dbtPlugin(["dbt_workspace: dbt"], {
    "dbt/dbt_project.yml": "name: ok\nmodel-paths:\n  - models\n  - marts\n",
    "dbt/models/a.sql": "select 1",
  }));
  assert.equal(plugin?.status, "mounted");
  assert.deepEqual(plugin?.warnings.map((w) => [w.code, w.file, w.path, w.line]), [
    ["dbt_workspace.model_path_missing", "dbt/dbt_project.yml", "model-paths[1]", 4],
  ]);
  assert.deepEqual(plugin?.dbt?.models, [{ name: "a", path: "models/a.sql" }]);
  const [quiet] = await verifyTree(dbtPlugin(["dbt_workspace: dbt"], {
    "dbt/dbt_project.yml": "name: no_models_yet\n",
  }));
  assert.deepEqual(quiet?.warnings, [], "dbt's default `models` folder may be absent");
  assert.deepEqual(quiet?.dbt?.models, []);
});

Deno.test("dbt_schedule must be five cron fields and needs a workspace, with the reason on its line", async () => {
  const project = { "dbt/dbt_project.yml": "name: ok\n" };
  const cases: [string[], string, RegExp][] = [
    [['dbt_schedule: "61 2 * * *"'], "dbt_schedule.invalid", /`61 2 \* \* \*`.*minute: 61/],
    [['dbt_schedule: "0 0 2 * * *"'], "dbt_schedule.invalid", /it has 6 fields; five are needed/],
    [['dbt_schedule: "@daily"'], "dbt_schedule.invalid", /it has 1 field; five are needed/],
    [['dbt_schedule: "0 2 * * FUNDAY"'], "dbt_schedule.invalid", /not a five-field cron/],
  ];
  for (const [lines, code, message] of cases) {
    const [plugin] = await verifyTree(dbtPlugin(["dbt_workspace: dbt", ...lines], project));
    assert.deepEqual(codes(plugin!.errors), [code], lines[0]);
    assert.match(plugin!.errors[0]!.message, message);
    assert.equal(plugin!.errors[0]!.path, "dbt_schedule");
    assert.equal(plugin!.errors[0]!.line, 4, "the line of dbt_schedule in plugin.yaml");
  }
  const [alone] = await verifyTree(dbtPlugin(['dbt_schedule: "0 2 * * *"'], {}));
  assert.deepEqual(codes(alone!.errors), ["dbt_schedule.no_workspace"]);
  assert.equal(alone!.errors[0]!.line, 3);
  const [empty] = await verifyTree(dbtPlugin(["dbt_workspace: dbt", 'dbt_schedule: " "'], project));
  assert.deepEqual(codes(empty!.errors), ["manifest.invalid_value"]);
});

Deno.test("plugins may carry one dbt project name: each mounts, warned, in its own schema", async () => {
  const plugin = (name: string) => ({
    [`plugins/${name}/plugin.yaml`]: manifest(name, "dbt_workspace: dbt"),
    [`plugins/${name}/dbt/dbt_project.yml`]: "name: jaffle_shop\n",
  });
  const plugins = await verifyTree({ ...plugin("crm"), ...plugin("crm-plus"), ...plugin("solo") });
  const byName = Object.fromEntries(plugins.map((item) => [item.name, item]));
  const expected: [string, string, string[]][] = [
    ["crm", "crm", ["crm-plus", "solo"]],
    ["crm-plus", "crm_plus", ["crm", "solo"]],
    ["solo", "solo", ["crm", "crm-plus"]],
  ];
  for (const [name, schema, others] of expected) {
    const found = byName[name]!;
    assert.equal(found.status, "mounted");
    assert.deepEqual(codes(found.errors), []);
    assert.equal(found.dbt?.schema, schema);
    assert.deepEqual(codes(found.warnings), ["dbt_workspace.shared_project"]);
    const warning = found.warnings[0]!;
    for (const other of others) assert.match(warning.message, new RegExp(`\`${other}\``));
    assert.match(warning.message, new RegExp(`its own schema \\(this one in \`${schema}\`\\)`));
    assert.equal(warning.path, "dbt_workspace");
    assert.equal(warning.line, 3);
  }
});

Deno.test("a plugin's schema is its name; custom schemas derive from it; pg_ and 64 bytes are refused", async () => {
  const [crm] = await verifyTree({
    "plugins/crm-plus/plugin.yaml": manifest("crm-plus", "dbt_workspace: dbt"),
    "plugins/crm-plus/dbt/models/revenue.sql":
      "{{ config(materialized='table', schema='finance') }}\n",
    "plugins/crm-plus/dbt/models/churn.py":
      'def model(dbt, session):\n    dbt.config(schema="ml")\n',
    "plugins/crm-plus/dbt/models/plain.sql": "{{ config(materialized='view') }}\nselect 1",
    // A model dbt does not build makes no schema.
    "plugins/crm-plus/dbt/models/retired.sql":
      "{{ config(enabled=false, schema='retired') }}\nselect 1",
    "plugins/crm-plus/dbt/dbt_project.yml": [
      "name: crm",
      "models:",
      "  crm:",
      "    +schema: staging",
      "    marts:",
      "      +schema: marts",
      "    legacy:",
      "      schema: marts",
      "",
    ].join("\n"),
  });
  assert.equal(crm?.status, "mounted");
  assert.equal(crm?.dbt?.schema, "crm_plus");
  assert.deepEqual(crm?.dbt?.schemas, [
    "crm_plus",
    "crm_plus_finance",
    "crm_plus_marts",
    "crm_plus_ml",
    "crm_plus_staging",
  ]);
  const [derived] = await verifyTree({
    "plugins/crm/plugin.yaml": manifest("crm", "dbt_workspace: dbt"),
    "plugins/crm/dbt/dbt_project.yml": `name: crm\nmodels:\n  crm:\n    +schema: ${
      "m".repeat(60)
    }\n`,
  });
  assert.equal(derived?.status, "error", "crm_mmm… would be 64 bytes");
  assert.deepEqual(codes(derived!.errors), ["dbt_workspace.invalid_schema"]);
  assert.match(derived!.errors[0]!.message, /a custom schema gives `crm_m+` is 64 bytes long/);
  const long = `p${"x".repeat(63)}`;
  for (const name of ["pg-stats", long]) {
    const [refused] = await verifyTree({
      [`plugins/${name}/plugin.yaml`]: manifest(name, "dbt_workspace: dbt"),
      [`plugins/${name}/dbt/dbt_project.yml`]: "name: x\n",
    });
    assert.equal(refused?.status, "error", name);
    assert.deepEqual(codes(refused!.errors), ["dbt_workspace.invalid_schema"]);
    assert.match(refused!.errors[0]!.message, name === long ? /64 bytes long/ : /starts with pg_/);
    assert.equal(refused!.errors[0]!.path, "name");
    assert.equal(refused!.errors[0]!.line, 1);
  }
});

Deno.test("an inventory is capped at 10,000 models, with a warning", async () => {
  const files: Record<string, TreeEntry> = { "dbt/dbt_project.yml": "name: huge\n" };
  for (let index = 0; index <= MAX_DBT_MODELS; index++) {
    files[`dbt/models/m${String(index).padStart(5, "0")}.sql`] = "";
  }
  const [plugin] = await verifyTree(dbtPlugin(["dbt_workspace: dbt"], files));
  assert.equal(plugin?.status, "mounted");
  assert.deepEqual(codes(plugin!.warnings), ["dbt_workspace.many_models"]);
  assert.match(
    plugin!.warnings[0]!.message,
    /has more than 10000 models; only the first 10000 are listed/,
  );
  assert.equal(plugin?.dbt?.models.length, MAX_DBT_MODELS);
});
