/**
 * Issue 29's review against a Deno server: the attacks of `_hostile_suite.ts`, the plugins served
 * isolated (a worker each of the plugin process) on 127.0.0.1.
 */
import { join } from "node:path";
import { buildServerEntry } from "../helpers/build.ts";
import { isolatingDenoServer, startServer } from "../helpers/process.ts";
import { makeTree } from "../helpers/tree.ts";
import { attackIsolatedPlugins, HOSTILE, hostileEnv } from "./_hostile_suite.ts";

Deno.test("isolated customer plugins reach nothing of the host's, and their faults stay in their box", async (t) => {
  using tree = makeTree(HOSTILE);
  const entry = await buildServerEntry(tree.root);
  await using server = await startServer(
    isolatingDenoServer(entry, hostileEnv(join(tree.root, "data"))),
  );
  await attackIsolatedPlugins(t, server);
});
