import assert from "node:assert/strict";
import { join } from "node:path";
import { discover, verify } from "../../src/build/mod.ts";
import { loadRegistry } from "../helpers/build.ts";
import { codes } from "../helpers/problems.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

Deno.test("a permission declared by two plugins, or by a plugin and the host, is an error on each", async () => {
  using tree = makeTree({
    "plugins/crm/plugin.yaml": manifest("crm", "permissions: [customer.read, customer.edit]"),
    "plugins/sales/plugin.yaml": manifest("sales", "permissions: [lead.read, customer.read]"),
    "plugins/sneaky/plugin.yaml": manifest("sneaky", "permissions: [plugins.manage]"),
    "plugins/fine/plugin.yaml": manifest("fine", "permissions: [fine.read]"),
  });
  const plugins = await verify(
    discover({ installDir: tree.root, dataDir: join(tree.root, "data") }),
  );
  const byName = Object.fromEntries(plugins.map((plugin) => [plugin.name, plugin]));
  assert.deepEqual(codes(byName.crm!.errors), ["permission.conflict"]);
  assert.equal(byName.crm!.errors[0]!.path, "permissions[0]");
  assert.match(byName.crm!.errors[0]!.message, /`customer\.read` is also declared by `sales`/);
  assert.equal(byName.sales!.errors[0]!.path, "permissions[1]");
  assert.match(byName.sneaky!.errors[0]!.message, /`plugins\.manage` is also declared by the host/);
  assert.deepEqual([byName.fine!.status, byName.crm!.status, byName.sales!.status], [
    "mounted",
    "error",
    "error",
  ]);
});

Deno.test("the registry's catalog holds the host's permissions and the mounted plugins'", async () => {
  using tree = makeTree({
    "plugins/crm/plugin.yaml": manifest("crm", "permissions: [customer.read]"),
    "plugins/broken/plugin.yaml": manifest(
      "broken",
      "permissions: [broken.read]",
      "routers: [missing.ts]",
    ),
  });
  const registry = await loadRegistry(tree.root);
  assert.deepEqual(registry.permissions.filter((p) => p.owner !== "host"), [{
    name: "customer.read",
    owner: "crm",
  }]);
  assert.ok(registry.permissions.some((p) => p.name === "plugins.manage" && p.owner === "host"));
  assert.ok(Object.isFrozen(registry.permissions[0]));
});
