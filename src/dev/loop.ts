/**
 * One dev loop process, run by the supervisor (`main.ts`): the dev loop on the configured folders
 * and port (`INSTALL_DIR`, `DATA_DIR`, `PORT`, `HOST`; `--out` places the registry) until SIGINT or SIGTERM (exit 0) or a change
 * to the host's sources (exit {@link RESTART_EXIT_CODE}: the supervisor starts a fresh loop).
 *
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { DEFAULT_REGISTRY_FILE } from "../build/mod.ts";
import { envNumber, envOrDefault, processEnv } from "../env/mod.ts";
import { startDev } from "./mod.ts";
import { RESTART_EXIT_CODE, USAGE_EXIT_CODE } from "./restart.ts";

let outFile: string;
try {
  const { values } = parseArgs({ args: Deno.args, options: { out: { type: "string" } } });
  outFile = values.out ?? DEFAULT_REGISTRY_FILE;
} catch (error) {
  console.error(`dev: ${(error as Error).message}`);
  console.error(`Usage: deno task dev [--out <registry file>] (default: ${DEFAULT_REGISTRY_FILE})`);
  process.exit(USAGE_EXIT_CODE);
}
const env = processEnv();
const { promise: ended, resolve } = Promise.withResolvers<number>();
const session = await startDev({
  installDir: envOrDefault(env, "INSTALL_DIR"),
  dataDir: envOrDefault(env, "DATA_DIR"),
  hostDir: process.cwd(),
  outFile,
  hostname: envOrDefault(env, "HOST"),
  port: envNumber(env, "PORT", { min: 0, max: 65535 }),
  env: Deno.env.toObject(),
  print: console.log,
  onHostChange: () => resolve(RESTART_EXIT_CODE),
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => resolve(0));
}
const code = await ended;
await session[Symbol.asyncDispose]();
process.exit(code);
