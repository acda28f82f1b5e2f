/**
 * The front and the host together: `npm run start:prod` (and the container's entry point).
 * nginx (from `PATH` or `/usr/sbin`) listens on `HOST:PORT` with the repository's
 * `container/nginx.conf`; the host listens on a Unix socket in the run folder behind it. `SIGTERM`
 * drains both; the exit code is the host's. Without nginx it fails in one line.
 *
 * Usage: `front.ts [--run-dir <folder>] [-- <host command…>]`. Without a command the host is
 * `main.ts` with the permissions `deno task start` gives it (and its socket's folder); a given
 * command gets `HONEYFRAME_SOCKET` (`<run folder>/host.sock`) in its environment.
 *
 * @module
 */
import process from "node:process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { serverLaunchFlags } from "../../env/mod.ts";
import { runFront } from "../front/front.ts";

const split = Deno.args.indexOf("--");
const own = split < 0 ? Deno.args : Deno.args.slice(0, split);
const command = split < 0 ? [] : Deno.args.slice(split + 1);
const runDirAt = own.indexOf("--run-dir");
const runDir = runDirAt < 0 ? undefined : own[runDirAt + 1];

const code = await runFront({
  env: Deno.env,
  template: readFileSync(
    fileURLToPath(new URL("../../../container/nginx.conf", import.meta.url)),
    "utf8",
  ),
  ...(runDir === undefined ? {} : { runDir }),
  host: (socket) => {
    const env = { ...Deno.env.toObject(), HONEYFRAME_SOCKET: socket };
    const [program, ...args] = command.length > 0
      ? command
      : [Deno.execPath(), "run", ...serverLaunchFlags(env), "main.ts"];
    return new Deno.Command(program!, {
      args,
      env,
      stdin: "null",
      stdout: "inherit",
      stderr: "inherit",
    });
  },
});
process.exit(code);
