/**
 * One dev loop process, run by the supervisor (`main.ts`): the dev loop on the configured folders
 * and port (`INSTALL_DIR`, `DATA_DIR`, `PORT`, `HOST`; `--out` places the registry) until SIGINT
 * or SIGTERM (exit 0), a change to the host's sources (exit {@link RESTART_EXIT_CODE}: the
 * supervisor starts a fresh loop), or a configuration it cannot run with (one line, exit
 * {@link CONFIG_EXIT_CODE}).
 *
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { DEFAULT_REGISTRY_FILE } from "../build/mod.ts";
import {
  ConfigError,
  envNumber,
  envOrDefault,
  portInUse,
  processEnv,
  readEnv,
} from "../env/mod.ts";
import { type DevSession, startDev } from "./mod.ts";
import { CONFIG_EXIT_CODE, RESTART_EXIT_CODE } from "./restart.ts";

/** Where the dev proxy listens when `HOST` is unset. */
const DEV_HOST = "127.0.0.1";

const env = processEnv();
const { promise: ended, resolve } = Promise.withResolvers<number>();
let session: DevSession;
let port = Number.NaN;
try {
  const { values } = parseArgs({
    args: Deno.args,
    options: { out: { type: "string" }, check: { type: "boolean", default: false } },
  });
  port = envNumber(env, "PORT", { min: 0, max: 65535 });
  session = await startDev({
    installDir: envOrDefault(env, "INSTALL_DIR"),
    dataDir: envOrDefault(env, "DATA_DIR"),
    hostDir: process.cwd(),
    outFile: values.out ?? DEFAULT_REGISTRY_FILE,
    typeCheck: values.check,
    // A dev server serves code as it is being written: this machine only, unless HOST says so.
    hostname: readEnv(env, "HOST") ?? DEV_HOST,
    port,
    env: Deno.env.toObject(),
    print: console.log,
    onHostChange: () => resolve(RESTART_EXIT_CODE),
  });
} catch (error) {
  if (error instanceof Deno.errors.AddrInUse) {
    console.error(`dev: cannot start: ${portInUse(port)}`);
  } else if (
    error instanceof ConfigError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
  ) {
    console.error(`dev: ${(error as Error).message}`);
    console.error(
      `Usage: npx deno task dev [--out <registry file>] [--check] (default: ${DEFAULT_REGISTRY_FILE}; ` +
        "--check type-checks each changed plugin's code)",
    );
  } else {
    throw error;
  }
  process.exit(CONFIG_EXIT_CODE);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => resolve(0));
}
const code = await ended;
await session[Symbol.asyncDispose]();
process.exit(code);
