/**
 * `npm test` runs the tests of data-root plugins too: each `$DATA_DIR/plugins/<name>/tests/` that
 * exists joins the project's test folders, and a plugin without tests adds nothing.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { testRoots } from "../../src/cli/test_roots.ts";
import { makeTree } from "../helpers/tree.ts";

Deno.test("the test task covers the project, the examples and data-root plugins' tests", () => {
  using tree = makeTree({
    "plugins/zeta/tests/zeta_test.ts": "",
    "plugins/alpha/tests/alpha_test.ts": "",
    "plugins/untested/plugin.yaml": "name: untested\n",
  });
  assert.deepEqual(testRoots({ DATA_DIR: tree.root }), [
    "tests/",
    "plugins/",
    "examples/",
    join(tree.root, "plugins/alpha/tests"),
    join(tree.root, "plugins/zeta/tests"),
  ]);
  assert.deepEqual(testRoots({ DATA_DIR: join(tree.root, "missing") }), [
    "tests/",
    "plugins/",
    "examples/",
  ]);
});
