/**
 * Package plugins at build time: found through `package.json` dependencies, their problems, and
 * their modules bundled with their own dependencies (hono and the host API left to the host).
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { buildRegistry, writeRegistry } from "../../src/build/mod.ts";
import { type GeneratedRegistry, importPlugins } from "../../src/runtime/mod.ts";
import { codes } from "../helpers/problems.ts";
import { makeTree, manifest, pingRouter, type TreeEntry } from "../helpers/tree.ts";

/** A package `name` in `<root>/node_modules` declaring a plugin at `plugin.yaml`. */
function pluginPackage(
  root: string,
  name: string,
  options: { version?: string; json?: Record<string, unknown>; files?: Record<string, TreeEntry> },
): Record<string, TreeEntry> {
  const dir = `${root}/node_modules/${name}`;
  return {
    [`${dir}/package.json`]: JSON.stringify({
      name,
      version: options.version ?? "1.0.0",
      type: "module",
      honeyframe: { plugin: "plugin.yaml" },
      ...options.json,
    }),
    ...Object.fromEntries(
      Object.entries(options.files ?? {}).map(([path, entry]) => [`${dir}/${path}`, entry]),
    ),
  };
}

const dependencies = (root: string, names: string[]) => ({
  [`${root}/package.json`]: JSON.stringify({
    private: true,
    dependencies: Object.fromEntries(names.map((name) => [name, "*"])),
  }),
});

async function build(files: Record<string, TreeEntry>) {
  using tree = makeTree(files);
  const outFile = join(tree.root, ".gen/registry.ts");
  const result = await buildRegistry({
    installDir: tree.root,
    dataDir: join(tree.root, "data"),
    outFile,
  });
  writeRegistry(outFile, result);
  const byName = Object.fromEntries(result.plugins.map((plugin) => [plugin.name, plugin]));
  const packagesFolder = join(tree.root, ".gen/registry.packages");
  let registry: GeneratedRegistry | undefined;
  if (result.plugins.some((plugin) => plugin.status === "mounted")) {
    registry = (await import(`file://${outFile}`)).registry;
  }
  return {
    byName,
    result,
    registry: registry && await importPlugins(registry),
    packaged: existsSync(packagesFolder),
  };
}

Deno.test("a package plugin's router is bundled with its own dependency and served with the host's hono", async () => {
  const { byName, registry, result } = await build({
    ...dependencies("data", ["@acme/crm", "left-pad-ish", "not-a-plugin"]),
    ...pluginPackage("data", "@acme/crm", {
      version: "2.1.0",
      json: {
        dependencies: { "left-pad-ish": "^1.0.0" },
        peerDependencies: { hono: "^4.0.0" },
      },
      files: {
        "plugin.yaml": manifest("acme-crm", "routers:", "  - backend/router.js:router")
          .replace("version: 1.0.0", "version: 2.1.0"),
        "backend/router.js": [
          'import { Hono } from "hono";',
          'import { pad } from "left-pad-ish";',
          'import { requirePermission } from "@honeyframe/edge";',
          "export const router = new Hono()",
          '  .get("/ping", (c) => c.json({ padded: pad("7") }))',
          '  .get("/secret", requirePermission("acme.read"), (c) => c.text("s"));',
          "",
        ].join("\n"),
      },
    }),
    "data/node_modules/left-pad-ish/package.json": JSON.stringify({
      name: "left-pad-ish",
      version: "1.0.0",
      type: "module",
      main: "index.js",
    }),
    "data/node_modules/left-pad-ish/index.js": 'export const pad = (s) => s.padStart(3, "0");\n',
    "data/node_modules/not-a-plugin/package.json": JSON.stringify({ name: "not-a-plugin" }),
  });
  const plugin = byName["acme-crm"]!;
  assert.deepEqual(plugin.errors, []);
  assert.equal(plugin.status, "mounted");
  assert.deepEqual(plugin.package && [plugin.package.name, plugin.package.version], [
    "@acme/crm",
    "2.1.0",
  ]);
  assert.equal(Object.keys(byName).length, 1, "a dependency without `honeyframe` is no plugin");
  const bundled = result.packageModules.get("acme-crm/backend/router.js")!;
  assert.match(bundled, /padStart/, "the package's dependency is inside the bundle");
  assert.match(bundled, /from "hono"/, "hono stays the host's");
  assert.match(bundled, /from "@honeyframe\/edge"/);
  const served = registry!.plugins[0]!;
  assert.deepEqual(served.package, { name: "@acme/crm", version: "2.1.0" });
  const app = served.routers[0]!.app;
  assert.deepEqual(await (await app.fetch(new Request("http://x/ping"))).json(), { padded: "007" });
});

Deno.test("package problems: no manifest, a path outside the package, versions that disagree, another hono; TypeScript is fine", async () => {
  const { byName } = await build({
    ...dependencies("data", ["a", "b", "c", "d", "e", "f"]),
    ...pluginPackage("data", "a", { json: { honeyframe: { plugin: "missing/plugin.yaml" } } }),
    ...pluginPackage("data", "b", { json: { honeyframe: { plugin: "../elsewhere/plugin.yaml" } } }),
    ...pluginPackage("data", "c", {
      version: "1.1.0",
      files: { "plugin.yaml": manifest("plugin-c") },
    }),
    ...pluginPackage("data", "d", {
      json: { peerDependencies: { hono: "^3.0.0" } },
      files: { "plugin.yaml": manifest("plugin-d") },
    }),
    ...pluginPackage("data", "e", {
      files: {
        "plugin.yaml": manifest("plugin-e"),
        "node_modules/hono/package.json": JSON.stringify({ name: "hono", version: "5.0.0" }),
      },
    }),
    ...pluginPackage("data", "f", {
      files: {
        "plugin.yaml": manifest("plugin-f", "routers:", "  - router.ts:router"),
        "router.ts": pingRouter("f"),
      },
    }),
  });
  assert.deepEqual(codes(byName.a!.errors), ["package.no_manifest"]);
  assert.deepEqual(codes(byName.b!.errors), ["package.invalid_manifest_path"]);
  assert.match(byName.b!.errors[0]!.message, /leaves the package/);
  assert.deepEqual(codes(byName["plugin-c"]!.errors), ["package.version_mismatch"]);
  assert.match(byName["plugin-c"]!.errors[0]!.message, /c@1\.1\.0 but plugin\.yaml says 1\.0\.0/);
  assert.deepEqual(codes(byName["plugin-d"]!.errors), ["package.hono_mismatch"]);
  assert.match(byName["plugin-d"]!.errors[0]!.message, /asks for hono \^3\.0\.0/);
  assert.deepEqual(codes(byName["plugin-e"]!.errors), ["package.hono_mismatch"]);
  assert.match(byName["plugin-e"]!.errors[0]!.message, /brings hono 5\.0\.0/);
  // A package may ship TypeScript: it is bundled from a copy outside node_modules.
  assert.deepEqual(codes(byName["plugin-f"]!.errors), []);
  assert.equal(byName["plugin-f"]!.status, "mounted");
});

Deno.test("a folder and a package with one plugin name in one root are both errors; install beats data", async () => {
  const { byName, result } = await build({
    "data/plugins/crm/plugin.yaml": manifest("crm"),
    ...dependencies("data", ["crm-package", "billing-data"]),
    ...pluginPackage("data", "crm-package", { files: { "plugin.yaml": manifest("crm") } }),
    ...pluginPackage("data", "billing-data", { files: { "plugin.yaml": manifest("billing") } }),
    ...dependencies(".", ["billing-bundled"]),
    ...pluginPackage(".", "billing-bundled", { files: { "plugin.yaml": manifest("billing") } }),
  });
  const crm = result.plugins.filter((plugin) => plugin.name === "crm");
  assert.equal(crm.length, 2);
  for (const plugin of crm) assert.deepEqual(codes(plugin.errors), ["plugin.duplicate"]);
  assert.match(
    crm.find((plugin) => !plugin.package)!.errors[0]!.message,
    /the package crm-package/,
  );
  assert.match(crm.find((plugin) => plugin.package)!.errors[0]!.message, /a plugin folder/);
  const billing = result.plugins.filter((plugin) => plugin.name === "billing");
  assert.deepEqual(billing.map((plugin) => [plugin.source, plugin.status]), [
    ["install", "mounted"],
    ["data", "shadowed"],
  ]);
  assert.equal(byName.billing!.package?.name, "billing-data");
});

Deno.test("the module policy reads a package plugin's dependencies: one that imports the environment as text refuses the plugin, naming its file", async () => {
  const { byName, packaged } = await build({
    ...dependencies("data", ["@acme/thief"]),
    ...pluginPackage("data", "@acme/thief", {
      json: { dependencies: { "innocent-helper": "^1.0.0" } },
      files: {
        "plugin.yaml": manifest("acme-thief", "routers:", "  - router.js:router"),
        "router.js": [
          'import { Hono } from "hono";',
          'import { loot } from "innocent-helper";',
          'export const router = new Hono().get("/", (c) => c.text(loot));',
          "",
        ].join("\n"),
      },
    }),
    "data/node_modules/innocent-helper/package.json": JSON.stringify({
      name: "innocent-helper",
      version: "1.0.0",
      type: "module",
      main: "index.js",
    }),
    "data/node_modules/innocent-helper/index.js":
      'export { default as loot } from "/proc/self/environ" with { type: "text" };\n',
  });
  const thief = byName["acme-thief"]!;
  assert.equal(thief.status, "error");
  assert.deepEqual(
    thief.errors.map((error) => [error.code, error.file, error.line]),
    [["module.outside_plugin", "node_modules/innocent-helper/index.js", 1]],
  );
  assert.equal(packaged, false, "nothing of it was bundled");
});
