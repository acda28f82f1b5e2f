import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildTree, loadRegistry } from "../helpers/build.ts";
import { healthyPlugin, makeTree, manifest } from "../helpers/tree.ts";

const deno = Deno.execPath();

Deno.test("the registry is byte-identical for the same input", async () => {
  using tree = makeTree({ ...healthyPlugin("crm"), ...healthyPlugin("finance", "data/plugins") });
  const first = await buildTree(tree.root);
  const second = await buildTree(tree.root);
  assert.equal(first.source, second.source);
  assert.equal(first.fingerprint, second.fingerprint);
  assert.doesNotMatch(first.source, /\d{4}-\d{2}-\d{2}T/, "no timestamps");
});

Deno.test("the registry starts with a do-not-edit header and loads only mounted plugins' modules", async () => {
  using tree = makeTree({
    ...healthyPlugin("crm"),
    "plugins/broken/plugin.yaml": manifest(
      "broken",
      "routers:",
      "  - backend/routers/main.ts:nope",
    ),
    "plugins/broken/backend/routers/main.ts": `export const other = 1;\n`,
  });
  const { source } = await buildTree(tree.root);
  assert.match(source.split("\n")[0]!, /^\/\/ Generated .*Do not edit/);
  const imports = [...source.matchAll(/import\("([^"]+)"\)/g)].map((match) => match[1]);
  assert.deepEqual(imports, ["../plugins/crm/backend/routers/main.ts"]);
  assert.doesNotMatch(source, /^import \* as/m, "no plugin module is imported statically");
});

Deno.test("adding a plugin does not change the lines of the others", async () => {
  using tree = makeTree({ ...healthyPlugin("crm"), ...healthyPlugin("zeta") });
  const before = (await buildTree(tree.root)).source.split("\n");
  tree.write(healthyPlugin("middle"));
  const after = (await buildTree(tree.root)).source.split("\n");
  const importsOf = (lines: string[], name: string) =>
    lines.filter((line) => line.includes(`/plugins/${name}/`));
  for (const name of ["crm", "zeta"]) {
    assert.deepEqual(importsOf(after, name), importsOf(before, name));
  }
  assert.equal(importsOf(after, "middle").length, 1, "one loader line");
});

Deno.test("the fingerprint changes when a manifest or a router module changes", async () => {
  using tree = makeTree(healthyPlugin("crm"));
  const original = (await buildTree(tree.root)).fingerprint;
  const router = join(tree.root, "plugins/crm/backend/routers/main.ts");
  writeFileSync(router, readFileSync(router, "utf8") + "// touched\n");
  const afterRouter = (await buildTree(tree.root)).fingerprint;
  assert.notEqual(afterRouter, original);
  tree.write({
    "plugins/crm/plugin.yaml": manifest(
      "crm",
      "display_name: CRM",
      "routers:",
      "  - backend/routers/main.ts:router",
    ),
  });
  assert.notEqual((await buildTree(tree.root)).fingerprint, afterRouter);
  assert.match(original, /^sha256-[0-9a-f]{64}$/);
});

Deno.test("the registry holds frozen plain data for every plugin", async () => {
  using tree = makeTree({
    ...healthyPlugin("crm"),
    "plugins/nomanifest/README.md": "",
    ...healthyPlugin("crm", "data/plugins"),
  });
  const registry = await loadRegistry(tree.root);
  assert.deepEqual(registry.plugins.map((p) => [p.name, p.source, p.status]), [
    ["crm", "install", "mounted"],
    ["crm", "data", "shadowed"],
    ["nomanifest", "install", "error"],
  ]);
  const crm = registry.plugins[0]!;
  assert.equal(crm.routers.length, 1);
  assert.equal(typeof crm.routers[0]!.app.fetch, "function");
  assert.ok(Object.isFrozen(registry) && Object.isFrozen(crm) && Object.isFrozen(crm.router_specs));
  assert.ok(Object.isFrozen(registry.plugins[2]!.errors[0]));
  assert.throws(() => (crm.permissions as string[]).push("x.y"), TypeError);
});

Deno.test("the generated registry passes deno fmt --check, deno lint and deno check", async () => {
  using tree = makeTree({
    ...healthyPlugin("crm"),
    ...healthyPlugin("a-very-long-plugin-name-that-pushes-import-lines-past-the-width"),
    "plugins/bad/plugin.yaml": 'name: bad\nversion: "1"\nextra: "quotes \\" and unicode ✓"\n',
  });
  const { outFile } = await buildTree(tree.root);
  for (const args of [["fmt", "--check"], ["lint"], ["check"]]) {
    const output = await new Deno.Command(deno, {
      args: [...args, outFile],
      stderr: "piped",
      stdout: "piped",
    }).output();
    assert.equal(
      output.code,
      0,
      `deno ${args.join(" ")}: ${new TextDecoder().decode(output.stderr)}`,
    );
  }
});
