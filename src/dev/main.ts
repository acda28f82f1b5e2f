/**
 * `deno task dev`: supervises the dev loop (`loop.ts`). The loop rebuilds plugins itself; when the
 * host's own sources change it exits, and this supervisor starts a fresh one on the new sources.
 * When a loop fails (say, a host source that does not compile), the supervisor waits for the next
 * change to the host's sources and tries again. SIGINT and SIGTERM are passed on.
 *
 * @module
 */
import process from "node:process";
import { CONFIG_EXIT_CODE, LOOP_PERMISSIONS, RESTART_EXIT_CODE } from "./restart.ts";

const loop = new URL("./loop.ts", import.meta.url).pathname;
const hostSources = ["src"];
let stopping = false;
let current: Deno.ChildProcess | undefined;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => {
    stopping = true;
    if (current) current.kill(signal);
    else process.exit(0);
  });
}

while (!stopping) {
  current = new Deno.Command(Deno.execPath(), {
    args: ["run", ...LOOP_PERMISSIONS, loop, ...Deno.args],
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  const { code } = await current.status;
  current = undefined;
  if (stopping) process.exit(0);
  if (code === CONFIG_EXIT_CODE) process.exit(code);
  if (code === RESTART_EXIT_CODE) {
    console.log("dev: the host's sources changed: starting a fresh dev loop");
    continue;
  }
  console.log(
    `dev: the dev loop stopped (exit ${code}); it starts again on the next change to ${
      hostSources.join(", ")
    }`,
  );
  await nextChange(hostSources);
}
process.exit(0);

/** Resolves on the next file-system event under the paths. */
async function nextChange(paths: readonly string[]): Promise<void> {
  using watcher = Deno.watchFs([...paths], { recursive: true });
  for await (const _ of watcher) return;
}
