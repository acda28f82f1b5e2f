/**
 * `requires`: the host range and dependencies between plugins, checked at build time; the order
 * plugins are listed and mounted in.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { discover, type VerifiedPlugin, verify } from "../../src/build/mod.ts";
import { codes } from "../helpers/problems.ts";
import { makeTree } from "../helpers/tree.ts";

/** A plugin at `version` that requires `plugins` (name → range) and, optionally, a host range. */
function plugin(
  name: string,
  version: string,
  plugins: Record<string, string> = {},
  host?: string,
) {
  const lines = [`name: ${name}`, `version: ${version}`];
  if (Object.keys(plugins).length > 0 || host !== undefined) {
    lines.push("requires:");
    if (host !== undefined) lines.push(`  host: "${host}"`);
    if (Object.keys(plugins).length > 0) {
      lines.push("  plugins:");
      for (const [other, range] of Object.entries(plugins)) lines.push(`    ${other}: "${range}"`);
    }
  }
  return { [`plugins/${name}/plugin.yaml`]: `${lines.join("\n")}\n` };
}

async function verifyPlugins(
  files: Record<string, string>,
  hostVersion = "1.4.0",
): Promise<VerifiedPlugin[]> {
  using tree = makeTree(files);
  return await verify(discover({ installDir: tree.root, dataDir: join(tree.root, "data") }), {
    hostVersion,
  });
}

/** name → [status, codes of its errors] */
function outcome(plugins: readonly VerifiedPlugin[]) {
  return Object.fromEntries(plugins.map((item) => [item.name, [item.status, codes(item.errors)]]));
}

Deno.test("a chain and a diamond mount in dependency order, ties by name", async () => {
  const chain = await verifyPlugins({
    ...plugin("app", "1.0.0", { crm: "^2.0.0" }),
    ...plugin("crm", "2.3.0", { billing: "~1.2.0" }),
    ...plugin("billing", "1.2.9"),
  });
  assert.deepEqual(chain.map((item) => item.name), ["billing", "crm", "app"]);
  assert.ok(chain.every((item) => item.status === "mounted"));
  assert.deepEqual(chain.map((item) => item.dependents ?? []), [["crm"], ["app"], []]);

  const diamond = await verifyPlugins({
    ...plugin("top", "1.0.0", { left: "1.x", right: ">=1.0.0 <2" }),
    ...plugin("left", "1.0.0", { base: "*" }),
    ...plugin("right", "1.5.0", { base: "^0.9.0 || ^1.0.0" }),
    ...plugin("base", "1.0.0"),
    ...plugin("aside", "1.0.0"),
  });
  assert.deepEqual(diamond.map((item) => item.name), ["aside", "base", "left", "right", "top"]);
  assert.deepEqual(diamond[1]?.dependents, ["left", "right"]);
});

Deno.test("missing, mismatched and host-mismatched dependencies are errors naming the other side", async () => {
  const plugins = await verifyPlugins({
    ...plugin("crm", "1.0.0", { billing: "^2.0.0", ledger: "^1.0.0" }),
    ...plugin("billing", "1.9.0"),
    ...plugin("future", "1.0.0", {}, ">=2.0.0"),
    ...plugin("pre", "1.0.0", { beta: "^1.0.0" }),
    ...plugin("beta", "1.1.0-rc.1"),
  });
  const byName = Object.fromEntries(plugins.map((item) => [item.name, item]));
  assert.deepEqual(codes(byName.crm!.errors), ["requires.version_mismatch", "requires.missing"]);
  assert.match(
    byName.crm!.errors[0]!.message,
    /needs the plugin `billing` at `\^2\.0\.0`; 1\.9\.0 is installed/,
  );
  assert.match(
    byName.crm!.errors[1]!.message,
    /needs the plugin `ledger` \(\^1\.0\.0\), which is not installed/,
  );
  assert.deepEqual(
    byName.crm!.errors.map((error) => [error.path, error.line]),
    [["requires.plugins.billing", 5], ["requires.plugins.ledger", 6]],
  );
  assert.deepEqual(codes(byName.future!.errors), ["requires.host_mismatch"]);
  assert.match(
    byName.future!.errors[0]!.message,
    /needs the host at `>=2\.0\.0`; this host is 1\.4\.0/,
  );
  assert.equal(byName.future!.errors[0]!.line, 4);
  assert.deepEqual(
    codes(byName.pre!.errors),
    ["requires.version_mismatch"],
    "npm's prerelease rule",
  );
  assert.equal(byName.billing!.status, "mounted", "the needed side is not blamed");
  const ok = await verifyPlugins(plugin("future", "1.0.0", {}, ">=2.0.0"), "2.1.0");
  assert.equal(ok[0]?.status, "mounted");
});

Deno.test("two- and three-plugin cycles are an error on every member, named once in a stable order", async () => {
  const plugins = await verifyPlugins({
    ...plugin("a", "1.0.0", { b: "*" }),
    ...plugin("b", "1.0.0", { a: "*" }),
    ...plugin("x", "1.0.0", { y: "*" }),
    ...plugin("y", "1.0.0", { z: "*" }),
    ...plugin("z", "1.0.0", { x: "*" }),
    ...plugin("self", "1.0.0", { self: "*" }),
    ...plugin("outside", "1.0.0", { x: "*" }),
  });
  const messages = Object.fromEntries(
    plugins.map((item) => [item.name, item.errors.map((error) => error.message)]),
  );
  assert.deepEqual(messages.a, ["is part of a dependency cycle: a → b → a"]);
  assert.deepEqual(messages.b, ["is part of a dependency cycle: a → b → a"]);
  for (const name of ["x", "y", "z"]) {
    assert.deepEqual(messages[name], ["is part of a dependency cycle: x → y → z → x"]);
  }
  assert.deepEqual(messages.self, ["is part of a dependency cycle: self → self"]);
  assert.deepEqual(codes(plugins.find((item) => item.name === "outside")!.errors), [
    "requires.unavailable",
  ]);
});

Deno.test("a plugin whose dependency has errors is not served, transitively", async () => {
  const plugins = await verifyPlugins({
    ...plugin("app", "1.0.0", { crm: "*" }),
    ...plugin("crm", "1.0.0", { billing: "*" }),
    ...plugin("billing", "1.0.0", { ledger: "^3" }),
    ...plugin("ledger", "2.0.0"),
    "plugins/report/plugin.yaml":
      "name: report\nversion: 1.0.0\nrequires:\n  plugins:\n    broken: '*'\n",
    "plugins/broken/plugin.yaml": "name: broken\nversion: 1.0.0\nrouters:\n  - missing.ts\n",
  });
  assert.deepEqual(outcome(plugins), {
    ledger: ["mounted", []],
    billing: ["error", ["requires.version_mismatch"]],
    crm: ["error", ["requires.unavailable"]],
    app: ["error", ["requires.unavailable"]],
    broken: ["error", ["router.not_found"]],
    report: ["error", ["requires.unavailable"]],
  });
  assert.match(
    plugins.find((item) => item.name === "app")!.errors[0]!.message,
    /`crm`, which cannot be served/,
  );
  assert.deepEqual(plugins.find((item) => item.name === "crm")!.routers, []);
});

Deno.test("the order and the problems do not depend on the order folders were created in", async () => {
  const files = {
    ...plugin("d", "1.0.0", { b: "*", c: "*" }),
    ...plugin("c", "1.0.0", { a: "*" }),
    ...plugin("b", "1.0.0", { a: "*" }),
    ...plugin("a", "1.0.0"),
    ...plugin("e", "1.0.0", { missing: "*" }),
    ...plugin("f", "1.0.0", { e: "*" }),
  };
  const forward = await verifyPlugins(files);
  const backward = await verifyPlugins(Object.fromEntries(Object.entries(files).reverse()));
  const shape = (plugins: VerifiedPlugin[]) =>
    plugins.map((item) => [item.name, item.status, item.errors, item.dependents]);
  assert.deepEqual(shape(backward), shape(forward));
  assert.deepEqual(forward.map((item) => item.name), ["a", "b", "c", "d", "e", "f"]);
});
