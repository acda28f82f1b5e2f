/**
 * Command-line arguments of `deno task plugins <verb>`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { envOrDefault } from "../env/mod.ts";
import { DEFAULT_REGISTRY_FILE } from "../build/mod.ts";
import { DEFAULT_IMPORT_TIMEOUT_MS } from "../build/module_inspector.ts";

/** The verbs the CLI knows. */
export const VERBS = ["build", "verify", "list", "new", "install", "uninstall"] as const;

/** Verbs that take exactly one positional argument. */
const ONE_ARGUMENT: Readonly<Partial<Record<Verb, string>>> = {
  new: "a slug",
  install: "a plugin folder",
  uninstall: "a slug",
};

/** One CLI verb. */
export type Verb = (typeof VERBS)[number];

/** Parsed command line. */
export interface CliArgs {
  /** The verb to run. */
  readonly verb: Verb;
  /** Positional arguments after the verb (the slug of `new`). */
  readonly positionals: readonly string[];
  /** The install directory (`--install-dir`, `$INSTALL_DIR`, or `.`). */
  readonly installDir: string;
  /** The data directory (`--data-dir`, `$DATA_DIR`, or `./data`). */
  readonly dataDir: string;
  /** The registry file (`--out`, default `.gen/registry.ts`). */
  readonly outFile: string;
  /** Machine-readable output. */
  readonly json: boolean;
  /** `build` exits 1 when any plugin has errors. */
  readonly strict: boolean;
  /** `new` scaffolds into the data directory instead of the install directory. */
  readonly data: boolean;
  /** `install` may replace an installed data plugin with a newer version. */
  readonly force: boolean;
  /** Time limit for importing one router module at build time, in milliseconds. */
  readonly importTimeoutMs: number;
  /** The environment; the values of its secrets are redacted from every problem shown. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A command line that cannot be run; the CLI prints the message and usage, and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The help text. */
export const USAGE = `Usage: deno task plugins <verb> [options]

Verbs:
  build           discover, validate and verify plugins, write the registry
  verify          the same checks, write nothing; fail on problems or a stale registry
  list            show every plugin with its source and status
  new <slug>      scaffold a plugin from the _demo shape
  install <dir>   verify a plugin folder, copy it into the data directory, rebuild
  uninstall <slug> remove a data plugin, rebuild

Options:
  --install-dir <dir>     bundled plugins are in <dir>/plugins  (default: $INSTALL_DIR or ${
  envOrDefault({}, "INSTALL_DIR")
})
  --data-dir <dir>        customer plugins are in <dir>/plugins (default: $DATA_DIR or ${
  envOrDefault({}, "DATA_DIR")
})
  --out <file>            registry module to write or check     (default: ${DEFAULT_REGISTRY_FILE})
  --json                  machine-readable output
  --strict                build: exit 1 when any plugin has errors
  --data                  new: create the plugin in the data directory
  --force                 install: replace an installed data plugin with a newer version
  --import-timeout <ms>   time limit for importing one router   (default: ${DEFAULT_IMPORT_TIMEOUT_MS})
  -h, --help              show this help

Exit codes: 0 success, 1 problems found, 2 usage error.`;

/**
 * Parses the command line.
 *
 * @param argv The arguments after the program name.
 * @param env Environment variables (`INSTALL_DIR`, `DATA_DIR`).
 * @returns The parsed arguments, or `"help"` when help was asked for.
 * @throws {UsageError} For an unknown verb, flag or a missing value.
 * @example
 * ```ts
 * parseCliArgs(["build", "--strict"], {}); // { verb: "build", strict: true, … }
 * ```
 */
export function parseCliArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliArgs | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        "install-dir": { type: "string" },
        "data-dir": { type: "string" },
        out: { type: "string" },
        json: { type: "boolean", default: false },
        strict: { type: "boolean", default: false },
        data: { type: "boolean", default: false },
        force: { type: "boolean", default: false },
        "import-timeout": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  const [verb, ...rest] = positionals;
  if (verb === undefined) throw new UsageError("a verb is required");
  if (!(VERBS as readonly string[]).includes(verb)) {
    throw new UsageError(`unknown verb \`${verb}\``);
  }
  const argument = ONE_ARGUMENT[verb as Verb];
  if (argument ? rest.length !== 1 : rest.length > 0) {
    throw new UsageError(
      argument
        ? `\`${verb}\` takes exactly one argument: ${argument}`
        : `\`${verb}\` takes no arguments`,
    );
  }
  return {
    verb: verb as Verb,
    positionals: rest,
    installDir: values["install-dir"] ?? envOrDefault(env, "INSTALL_DIR"),
    dataDir: values["data-dir"] ?? envOrDefault(env, "DATA_DIR"),
    outFile: values.out ?? DEFAULT_REGISTRY_FILE,
    json: values.json,
    strict: values.strict,
    data: values.data,
    force: values.force,
    importTimeoutMs: parseTimeout(values["import-timeout"]),
    env,
  };
}

function parseTimeout(text: string | undefined): number {
  if (text === undefined) return DEFAULT_IMPORT_TIMEOUT_MS;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    throw new UsageError(
      `--import-timeout must be a positive number of milliseconds, not \`${text}\``,
    );
  }
  return value;
}
