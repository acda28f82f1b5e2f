/**
 * Attack: installing a plugin that is refused only together with the others, and killing the
 * install at any moment. The complete future set is verified before anything is swapped in, so no
 * kill leaves a refused plugin installed, and the next command removes the abandoned staging.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { cli } from "../helpers/cli.ts";
import { makeTree, permissionClaimFiles } from "../helpers/tree.ts";

/** A bundled `crm` declaring `customer.read`, and a plugin to install that declares it too. */
const conflictingTree = () => makeTree(permissionClaimFiles("incoming"));

const dirs = (root: string) => ["--install-dir", root, "--data-dir", join(root, "data")];

Deno.test("install refuses a plugin that conflicts with a bundled one before swapping anything in", async () => {
  using tree = conflictingTree();
  const run = await cli(["install", join(tree.root, "incoming/spy"), ...dirs(tree.root)]);
  assert.equal(run.code, 1);
  assert.match(run.err.join("\n"), /permission\.conflict/);
  assert.deepEqual(readdirSync(join(tree.root, "data/plugins")), [], "nothing left behind");
});

Deno.test("killing install at any moment never leaves the refused plugin installed", async () => {
  using tree = conflictingTree();
  const deno = Deno.execPath();
  for (const delayMs of [50, 150, 300, 500, 800, 1200]) {
    const child = new Deno.Command(deno, {
      args: [
        "run",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "src/cli/tasks/plugins.ts",
        "install",
        join(tree.root, "incoming/spy"),
        ...dirs(tree.root),
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    try {
      child.kill("SIGKILL");
    } catch {
      // it had finished
    }
    await child.status;
    assert.equal(existsSync(join(tree.root, "data/plugins/spy")), false, `killed at ${delayMs} ms`);
  }
  const list = await cli(["list", ...dirs(tree.root)]);
  assert.equal(list.code, 0);
  assert.deepEqual(
    readdirSync(join(tree.root, "data/plugins")),
    [],
    "the next command removed every abandoned staging folder",
  );
});

Deno.test("the staging folder of a command still running is left alone, unless it is over an hour old", async () => {
  using tree = makeTree();
  const sleeper = new Deno.Command("sleep", { args: ["30"] }).spawn();
  try {
    const live = join(tree.root, `data/plugins/.install-crm-p${sleeper.pid}-abc123`);
    const dead = join(tree.root, "data/plugins/.install-crm-p4194303-def456");
    // A live process id on a folder older than any command runs: the id was reused.
    const stale = join(tree.root, `data/plugins/.uninstall-crm-p${sleeper.pid}-ghi789`);
    for (const folder of [live, dead, stale]) mkdirSync(folder, { recursive: true });
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(stale, twoHoursAgo, twoHoursAgo);
    const run = await cli([
      "build",
      ...dirs(tree.root),
      "--out",
      join(tree.root, ".gen/registry.ts"),
    ]);
    assert.match(run.err.join("\n"), /removed \.install-crm-p4194303-def456/);
    assert.match(run.err.join("\n"), /removed \.uninstall-crm-p\d+-ghi789/);
    assert.equal(existsSync(live), true);
    assert.equal(existsSync(dead), false);
    assert.equal(existsSync(stale), false);
  } finally {
    sleeper.kill();
    await sleeper.status;
  }
});
