/**
 * Issue 29's review against the Node bundle, under Node and under Bun: neither has permissions per
 * worker, so both start the same plugin process as Deno does (a Deno program: the `deno` package
 * beside the server), and the attacks of `_hostile_suite.ts` must end as they do on Deno.
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { bundle } from "../../src/build/bundle.ts";
import { serverEntrySource } from "../../src/build/server_entry.ts";
import { buildServerEntry } from "../helpers/build.ts";
import { startServer } from "../helpers/process.ts";
import { makeTree } from "../helpers/tree.ts";
import { attackIsolatedPlugins, HOSTILE, hostileEnv } from "./_hostile_suite.ts";

const tree = makeTree(HOSTILE);
await buildServerEntry(tree.root);
const entry = join(tree.root, "gen/node_server.ts");
writeFileSync(entry, serverEntrySource(join(tree.root, "gen/registry.ts"), entry, "node"));
const server = join(tree.root, "server.mjs");
bundle({ entry, output: server });

const runtimes: [string, string][] = [["Node", "node"], ["Bun", resolve("node_modules/.bin/bun")]];
for (const [runtime, program] of runtimes) {
  Deno.test(`${runtime}: isolated customer plugins reach nothing of the host's, and their faults stay in their box`, async (t) => {
    await using running = await startServer(
      new Deno.Command(program, {
        args: [server],
        env: { ...hostileEnv(join(tree.root, "data")), PATH: Deno.env.get("PATH") ?? "" },
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }),
    );
    await attackIsolatedPlugins(t, running);
  });
}

globalThis.addEventListener("unload", () => tree[Symbol.dispose]());
