/**
 * Attack: a plugin that ships a link out of its folder (`ln -s /etc plugins/x/etc`) and a router
 * that reads through it and throws what it read, so the build's problem text would print the file.
 * A link that leads out of a plugin is now refused (`plugin.link_outside`) before any of the
 * plugin's code is imported, by build, verify and install alike, and install copies nothing.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cli, treeFlags } from "../helpers/cli.ts";
import { makeTree, manifest } from "../helpers/tree.ts";

const SECRET = "server-file-the-link-reaches-71d2";

function linkingTree() {
  const tree = makeTree({
    "server/shadow": SECRET,
    "incoming/peek/plugin.yaml": manifest("peek", "routers:", "  - r.ts:router"),
    "incoming/peek/r.ts": `import { Hono } from "hono";
throw new Error(Deno.readTextFileSync(new URL("./etc/shadow", import.meta.url)));
export const router = new Hono();
`,
  });
  tree.write({ "incoming/peek/etc": { symlink: join(tree.root, "server") } });
  return tree;
}

Deno.test("build and verify refuse a plugin with a link out of its folder, and never print what it leads to", async () => {
  using tree = linkingTree();
  tree.write({
    "data/plugins/peek/plugin.yaml": readFileSync(join(tree.root, "incoming/peek/plugin.yaml")),
    "data/plugins/peek/r.ts": readFileSync(join(tree.root, "incoming/peek/r.ts")),
    "data/plugins/peek/etc": { symlink: join(tree.root, "server") },
  });
  for (const verb of ["build", "verify"]) {
    const run = await cli([verb, "--json", ...treeFlags(tree.root)]);
    const text = [...run.out, ...run.err].join("\n");
    assert.ok(!text.includes(SECRET), `${verb} printed the file`);
    assert.match(text, /plugin\.link_outside/, verb);
    assert.match(text, /`etc` is a symbolic link that leads outside the plugin folder/, verb);
  }
  const registry = readFileSync(join(tree.root, ".gen/registry.ts"), "utf8");
  assert.ok(!registry.includes(SECRET));
  assert.doesNotMatch(registry, /peek\/r\.ts/, "its code is not imported");
});

Deno.test("install refuses a folder with a link out of it and copies nothing", async () => {
  using tree = linkingTree();
  const run = await cli(["install", join(tree.root, "incoming/peek"), ...treeFlags(tree.root)]);
  const text = [...run.out, ...run.err].join("\n");
  assert.equal(run.code, 1, text);
  assert.match(text, /plugin\.link_outside/);
  assert.ok(!text.includes(SECRET));
  const plugins = join(tree.root, "data/plugins");
  assert.deepEqual(existsSync(plugins) ? readdirSync(plugins) : [], [], "nothing left behind");
});
