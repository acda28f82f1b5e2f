/**
 * A dbt project vendored under `plugins/` (its README, its Taskfile, its YAML and SQL) is the
 * project's own business: the host's `deno fmt --check` gate looks at plugins' TypeScript only.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { makeTree } from "./helpers/tree.ts";

Deno.test("deno fmt --check skips a vendored dbt project's files under plugins/, not its TypeScript", async () => {
  const { fmt } = JSON.parse(readFileSync("deno.json", "utf8"));
  using tree = makeTree({
    "deno.json": JSON.stringify({ fmt }),
    "plugins/crm/dbt/README.md": "# jaffle_shop\n\n* one\n*   two\n",
    "plugins/crm/dbt/Taskfile.yml": "tasks:\n    build:   {cmds: [dbt build]}\n",
    "plugins/crm/dbt/models/schema.yml": "version: 2\nmodels:\n    - name:   customers\n",
    "plugins/crm/dbt/package-lock.json": '{"a":1,\n"b":2}\n',
    "plugins/crm/backend/api.ts": "export const x  = 1\n",
  });
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--check"],
    cwd: tree.root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 1, text);
  const flagged = [...text.matchAll(/from (\S+):/g)]
    .map((match) => match[1]!.slice(tree.root.length))
    .filter((path) => path.startsWith("/plugins/"));
  assert.deepEqual(flagged, ["/plugins/crm/backend/api.ts"], "only the plugin's TypeScript");
});
