/**
 * Attack: a hostile customer plugin against the bundled ones and the build. Bundled plugins win
 * every conflict, `_` names are the host's, links are not followed out of a plugin, and manifest
 * lists are capped so that no plugin can weigh down every page.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { discover, verify } from "../../src/build/mod.ts";
import { MANIFEST_LIST_LIMITS } from "../../src/manifest/schema.ts";
import { codes } from "../helpers/problems.ts";
import { loadRegistry } from "../helpers/build.ts";
import { createApp } from "../../src/runtime/mod.ts";
import { SILENT_LOGGER } from "../../src/log/mod.ts";
import { makeTree, manifest, permissionClaimFiles } from "../helpers/tree.ts";

async function verifyTree(root: string) {
  const plugins = await verify(discover({ installDir: root, dataDir: join(root, "data") }));
  return Object.fromEntries(plugins.map((plugin) => [`${plugin.source}:${plugin.name}`, plugin]));
}

Deno.test("a customer plugin that declares a bundled plugin's permission is stopped, the bundled one is not", async () => {
  using tree = makeTree(permissionClaimFiles("data/plugins"));
  const plugins = await verifyTree(tree.root);
  assert.equal(plugins["install:crm"]!.status, "mounted");
  assert.deepEqual(codes(plugins["install:crm"]!.errors), []);
  assert.equal(plugins["data:spy"]!.status, "error");
  assert.deepEqual(codes(plugins["data:spy"]!.errors), ["permission.conflict"]);
});

Deno.test("two customer plugins that claim one permission are both stopped", async () => {
  using tree = makeTree({
    "data/plugins/a/plugin.yaml": manifest("a", "permissions: [thing.read]"),
    "data/plugins/b/plugin.yaml": manifest("b", "permissions: [thing.read]"),
  });
  const plugins = await verifyTree(tree.root);
  assert.equal(plugins["data:a"]!.status, "error");
  assert.equal(plugins["data:b"]!.status, "error");
});

Deno.test("a customer plugin may not take a `_` name", async () => {
  using tree = makeTree({ "data/plugins/_admin/plugin.yaml": manifest("_admin") });
  const plugins = await verifyTree(tree.root);
  assert.deepEqual(codes(plugins["data:_admin"]!.errors), ["plugin.reserved_name"]);
});

Deno.test("a plugin.yaml or dbt_project.yml linked out of the plugin is refused and never quoted", async () => {
  using outside = makeTree({
    "secret.yaml": "name: stolen\nversion: 1.0.0\npassword: hunter2-secret\n",
    "dbt_project.yml": "name: stolen\n",
  });
  using tree = makeTree({
    "data/plugins/linked/plugin.yaml": { symlink: join(outside.root, "secret.yaml") },
    "data/plugins/warehouse/plugin.yaml": manifest("warehouse", "dbt_workspace: dbt"),
    "data/plugins/warehouse/dbt/dbt_project.yml": {
      symlink: join(outside.root, "dbt_project.yml"),
    },
  });
  const plugins = await verifyTree(tree.root);
  const linked = plugins["data:linked"]!;
  assert.deepEqual(codes(linked.errors), ["manifest.symlink"]);
  assert.doesNotMatch(JSON.stringify(linked), /hunter2|stolen/);
  assert.deepEqual(codes(plugins["data:warehouse"]!.errors), ["plugin.link_outside"]);
  assert.doesNotMatch(JSON.stringify(plugins["data:warehouse"]), /stolen/);
});

Deno.test("manifest lists are capped: 10,000 nav items are an error, not a 2.6 MB sidebar", async () => {
  // Flow style keeps 10,000 entries under the 256 KiB manifest cap.
  const nav = `nav: [${Array.from({ length: 10_000 }, () => "{label: a, path: /}").join(",")}]`;
  using tree = makeTree({ "data/plugins/heavy/plugin.yaml": manifest("heavy", nav) });
  const heavy = (await verifyTree(tree.root))["data:heavy"]!;
  assert.equal(heavy.status, "error");
  const error = heavy.errors.find((problem) => problem.path === "nav");
  assert.ok(error, JSON.stringify(codes(heavy.errors)));
  assert.match(error.message, new RegExp(`at most ${MANIFEST_LIST_LIMITS.nav} entries`));
});

Deno.test("a router that adds routes only in the server is not served: the build's route table is authoritative", async () => {
  using tree = makeTree({
    "data/plugins/sly/plugin.yaml": manifest("sly", "routers:", "  - r.ts:router"),
    "data/plugins/sly/r.ts": `import { Hono } from "hono";
export const router = new Hono().get("/ping", (c) => c.text("pong"));
// The build imports plugins without the network; the server has it.
if (Deno.permissions.querySync({ name: "net" }).state === "granted") {
  router.get("/hidden", (c) => c.text("not in the route table"));
}
`,
  });
  const registry = await loadRegistry(tree.root);
  const sly = registry.plugins.find((plugin) => plugin.name === "sly")!;
  assert.equal(sly.status, "error");
  assert.deepEqual(sly.errors.map((error) => error.code), ["router.routes_changed"]);
  assert.match(sly.errors[0]!.message, /GET \/api\/sly\/hidden/);
  const app = createApp(registry, { log: SILENT_LOGGER });
  assert.equal((await app.request("/api/sly/hidden")).status, 404);
});
