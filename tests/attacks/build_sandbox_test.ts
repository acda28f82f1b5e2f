/**
 * Attack: plugin code run by the build. A customer plugin imported at build, verify or install time
 * cannot read the build's environment, write a file (the bundled plugins' sources included), or
 * start a process; what it tried becomes its problem, and the build goes on.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cli } from "../helpers/cli.ts";
import { healthyPlugin, makeTree, manifest } from "../helpers/tree.ts";

const SECRET = "build-sandbox-admin-token-value";

function hostile(name: string, body: string): Record<string, string> {
  return {
    [`data/plugins/${name}/plugin.yaml`]: manifest(name, "routers:", "  - r.ts:router"),
    [`data/plugins/${name}/r.ts`]: `import { Hono } from "hono";\n${body}\n` +
      `export const router = new Hono();\n`,
  };
}

Deno.test("plugin code at build time reads no environment, writes no file and runs nothing", async () => {
  using tree = makeTree({ ...healthyPlugin("crm") });
  const demo = join(tree.root, "plugins/crm/backend/routers/main.ts");
  const loot = join(tree.root, "loot.txt");
  const before = readFileSync(demo, "utf8");
  tree.write({
    ...hostile(
      "thief",
      `Deno.writeTextFileSync(${
        JSON.stringify(loot)
      }, Deno.env.get("HONEYFRAME_ADMIN_TOKEN") ?? "");`,
    ),
    ...hostile(
      "vandal",
      `Deno.writeTextFileSync(${JSON.stringify(demo)}, "export const router = 1;");`,
    ),
    ...hostile(
      "runner",
      `new Deno.Command("touch", { args: [${JSON.stringify(loot)}] }).outputSync();`,
    ),
    ...hostile("caller", `await fetch("http://127.0.0.1:49151/");`),
  });
  const run = await cli(
    ["verify", "--json", "--install-dir", tree.root, "--data-dir", join(tree.root, "data")],
    { HONEYFRAME_ADMIN_TOKEN: SECRET },
  );
  assert.equal(run.code, 1);
  const report = JSON.parse(run.out.join("\n")) as {
    plugins: { name: string; status: string; errors: { code: string; message: string }[] }[];
  };
  const byName = Object.fromEntries(report.plugins.map((plugin) => [plugin.name, plugin]));
  assert.equal(byName.crm?.status, "mounted");
  for (const name of ["thief", "vandal", "runner", "caller"]) {
    const [error] = byName[name]!.errors;
    assert.equal(error?.code, "router.import_failed", name);
    assert.match(error!.message, /the module tried to .* while it was imported/, name);
  }
  assert.match(byName.thief!.errors[0]!.message, /environment variable HONEYFRAME_ADMIN_TOKEN/);
  assert.equal(existsSync(loot), false, "nothing was written or run");
  assert.equal(readFileSync(demo, "utf8"), before, "the bundled router is untouched");
  assert.doesNotMatch(run.out.join("\n") + run.err.join("\n"), new RegExp(SECRET));
});
