/**
 * The plugins CLI: `build`, `verify`, `list`, `new`, `install`, `uninstall`, `dbt`, `config`,
 * `secrets` and `warehouse`, with exit codes 0
 * (success), 1 (problems) and 2 (usage).
 *
 * @module
 */
import { resolve } from "node:path";
import { removeAbandonedStaging } from "./staging.ts";
import { HOST_VERSION } from "../runtime/version.ts";
import { parseCliArgs, usage, UsageError } from "./args.ts";
import { buildVerb, listVerb, verifyVerb } from "./build_verbs.ts";
import { type CliIo, consoleIo } from "./io.ts";
import { installVerb, uninstallVerb } from "./install_verbs.ts";
import { newVerb } from "./new_verb.ts";
import { dbtVerb } from "./dbt_verb.ts";
import { configVerb, secretsVerb } from "./config_verbs.ts";
import { warehouseVerb } from "./warehouse_verb.ts";

export type { CliIo };

/**
 * Runs the CLI.
 *
 * @param argv The arguments after the program name.
 * @param env Environment variables (`INSTALL_DIR`, `DATA_DIR`).
 * @param io Where to write (the console by default).
 * @returns The exit code.
 * @example
 * ```ts
 * Deno.exit(await runCli(Deno.args, Deno.env.toObject()));
 * ```
 */
export async function runCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: CliIo = consoleIo,
): Promise<number> {
  let args;
  try {
    args = parseCliArgs(argv, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`error: ${error.message}`);
    io.err(
      error.verb
        ? usage(error.verb)
        : "run `npx deno task plugins --help` for the verbs and options",
    );
    return 2;
  }
  if (args === "version") {
    io.out(`Honeyframe Edge ${HOST_VERSION} (Deno ${Deno.version.deno})`);
    return 0;
  }
  if ("help" in args) {
    io.out(usage(args.help));
    return 0;
  }
  for (const folder of removeAbandonedStaging(resolve(args.dataDir, "plugins"))) {
    io.err(`note: removed ${folder}, left behind by an install or uninstall that did not finish`);
  }
  switch (args.verb) {
    case "build":
      return await buildVerb(args, io);
    case "verify":
      return await verifyVerb(args, io);
    case "list":
      return await listVerb(args, io);
    case "new":
      return newVerb(args, io);
    case "install":
      return await installVerb(args, io);
    case "uninstall":
      return await uninstallVerb(args, io);
    case "dbt":
      return await dbtVerb(args, io);
    case "config":
      return await configVerb(args, io);
    case "secrets":
      return await secretsVerb(args, io);
    case "warehouse":
      return await warehouseVerb(args, io);
  }
}
