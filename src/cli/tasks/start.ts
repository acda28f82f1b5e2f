/**
 * `deno task start`: serves `main.ts` (after the build) with file access limited to the data
 * directory, where the SQLite state store lives. Signals are passed on to the server.
 *
 * @module
 */
import process from "node:process";
import { envOrDefault } from "../../env/mod.ts";

const dataDir = envOrDefault(Deno.env, "DATA_DIR");
const server = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "--allow-net",
    "--allow-env",
    `--allow-read=${dataDir}`,
    `--allow-write=${dataDir}`,
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
