import assert from "node:assert/strict";
import { join } from "node:path";
import { discover } from "../../src/build/mod.ts";
import { codes } from "../helpers/problems.ts";
import { healthyPlugin, makeTree, manifest } from "../helpers/tree.ts";

Deno.test("discover() finds plugins in both roots with their source, sorted by name", () => {
  using tree = makeTree({
    ...healthyPlugin("zeta"),
    ...healthyPlugin("alpha", "data/plugins"),
    ...healthyPlugin("mid"),
  });
  const plugins = discover({ installDir: tree.root, dataDir: join(tree.root, "data") });
  assert.deepEqual(plugins.map((p) => [p.name, p.source]), [["alpha", "data"], ["mid", "install"], [
    "zeta",
    "install",
  ]]);
  assert.equal(plugins[0]!.dir, join(tree.root, "data/plugins/alpha"));
  assert.ok(plugins.every((p) => p.manifest && p.errors.length === 0));
});

Deno.test("discover() treats missing roots as empty", () => {
  using tree = makeTree();
  assert.deepEqual(
    discover({ installDir: join(tree.root, "nope"), dataDir: join(tree.root, "nope2") }),
    [],
  );
});

Deno.test("discover() reports a folder without plugin.yaml as an errored plugin", () => {
  using tree = makeTree({ "plugins/empty/README.md": "nothing" });
  const [plugin] = discover({ installDir: tree.root, dataDir: join(tree.root, "data") });
  assert.equal(plugin?.name, "empty");
  assert.deepEqual(codes(plugin!.errors), ["plugin.no_manifest"]);
  assert.equal(plugin?.errors[0]?.file, "plugin.yaml");
  assert.equal(plugin?.manifest, undefined);
});

Deno.test("discover() ignores hidden folders and stray files", () => {
  using tree = makeTree({
    ...healthyPlugin("crm"),
    ".cache/plugin.yaml": manifest(".cache"),
    "plugins/.git/HEAD": "ref",
    "plugins/README.md": "not a plugin",
    "plugins/notes.yaml": manifest("notes"),
  });
  assert.deepEqual(
    discover({ installDir: tree.root, dataDir: join(tree.root, "data") }).map((p) => p.name),
    ["crm"],
  );
});

Deno.test("discover() requires the manifest name to equal the folder name", () => {
  using tree = makeTree({ "plugins/crm/plugin.yaml": manifest("sales") });
  const [plugin] = discover({ installDir: tree.root, dataDir: join(tree.root, "data") });
  assert.deepEqual(codes(plugin!.errors), ["manifest.name_mismatch"]);
  assert.equal(plugin!.errors[0]!.path, "name");
  assert.match(plugin!.errors[0]!.message, /sales.*crm/);
  assert.equal(plugin!.manifest, undefined);
});

Deno.test("discover() keeps the install plugin and marks the data twin shadowed, warning on both", () => {
  using tree = makeTree({ ...healthyPlugin("crm"), ...healthyPlugin("crm", "data/plugins") });
  const plugins = discover({ installDir: tree.root, dataDir: join(tree.root, "data") });
  assert.deepEqual(plugins.map((p) => [p.source, p.shadowed]), [["install", false], [
    "data",
    true,
  ]]);
  assert.deepEqual(codes(plugins[0]!.warnings), ["plugin.shadowed"]);
  assert.deepEqual(codes(plugins[1]!.warnings), ["plugin.shadowed"]);
});

Deno.test("discover() never throws on unreadable manifests and keeps going", () => {
  using tree = makeTree({
    ...healthyPlugin("good"),
    "plugins/odd/plugin.yaml/inner": "a folder, not a file",
  });
  const plugins = discover({ installDir: tree.root, dataDir: join(tree.root, "data") });
  assert.deepEqual(plugins.map((p) => [p.name, codes(p.errors)]), [["good", []], ["odd", [
    "manifest.unreadable",
  ]]]);
});

Deno.test("discover() follows a symlinked plugin folder", () => {
  using outside = makeTree(healthyPlugin("linked", "src"));
  using tree = makeTree({ "plugins/linked": { symlink: join(outside.root, "src/linked") } });
  const [plugin] = discover({ installDir: tree.root, dataDir: join(tree.root, "data") });
  assert.equal(plugin?.name, "linked");
  assert.deepEqual(plugin?.errors, []);
});

Deno.test("discover() reads a root once when the install and data directories are the same", () => {
  using tree = makeTree(healthyPlugin("crm"));
  const plugins = discover({ installDir: tree.root, dataDir: `${tree.root}/.` });
  assert.deepEqual(plugins.map((p) => [p.name, p.source, p.shadowed]), [["crm", "install", false]]);
});
