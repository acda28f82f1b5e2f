/**
 * `deno task start`: serves `main.ts` (after the build) with file access limited to the data
 * directory, where the SQLite state store lives, and the network narrowed when
 * `HONEYFRAME_PLUGIN_NET` asks for it. The server itself drops the rest before plugin code runs.
 * Signals are passed on to the server.
 *
 * @module
 */
import process from "node:process";
import { serverLaunchFlags } from "../../env/mod.ts";

const server = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    ...serverLaunchFlags(Deno.env),
    "main.ts",
  ],
  stdin: "inherit",
  stdout: "inherit",
  stderr: "inherit",
}).spawn();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => server.kill(signal));
}
process.exit((await server.status).code);
