/**
 * `deno task test`: `deno test` over {@link testRoots} (the host's tests, bundled plugins',
 * examples' and data-root plugins'), without type-checking again what `deno task check` checked;
 * extra arguments (`--filter …`) pass through, and the exit code is deno test's.
 *
 * @module
 */
import { testRoots } from "../test_roots.ts";

const roots = testRoots(Deno.env);
const run = new Deno.Command(Deno.execPath(), {
  args: ["test", "--allow-all", "--no-check", ...Deno.args, ...roots],
  stdin: "inherit",
  stdout: "inherit",
  stderr: "inherit",
}).spawn();
Deno.exit((await run.status).code);
