/**
 * Command-line arguments of `deno task plugins <verb>`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { envOrDefault } from "../env/mod.ts";
import { DEFAULT_REGISTRY_FILE } from "../build/mod.ts";
import { DEFAULT_IMPORT_TIMEOUT_MS } from "../build/module_inspector.ts";
import { didYouMean } from "../manifest/mod.ts";

/** The verbs the CLI knows. */
export const VERBS = [
  "build",
  "verify",
  "list",
  "new",
  "install",
  "uninstall",
  "dbt",
  "config",
  "secrets",
  "warehouse",
] as const;

/** What a verb with actions takes after the action: how many arguments at least, and at most. */
interface ActionArity {
  readonly min: number;
  readonly max: number;
  /** What the arguments are, for the usage error. */
  readonly what: string;
}

/** The verbs that take an action (`dbt run <plugin>`, `config get <plugin>`), and each action's. */
const ACTIONS: Readonly<Partial<Record<Verb, Readonly<Record<string, ActionArity>>>>> = {
  dbt: {
    list: { min: 0, max: 0, what: "no more arguments" },
    run: { min: 1, max: 1, what: "exactly one plugin name" },
    export: { min: 0, max: 0, what: "no more arguments" },
  },
  config: {
    get: { min: 1, max: 1, what: "exactly one plugin name" },
    set: { min: 1, max: Infinity, what: "a plugin name, then key=value pairs" },
    unset: { min: 2, max: Infinity, what: "a plugin name, then the keys to clear" },
  },
  secrets: { rotate: { min: 0, max: 0, what: "no more arguments" } },
  warehouse: { grants: { min: 0, max: 0, what: "no more arguments" } },
};

/** Verbs that take exactly one positional argument. */
const ONE_ARGUMENT: Readonly<Partial<Record<Verb, string>>> = {
  new: "a slug",
  install: "a plugin folder, a package tarball or an npm package spec",
  uninstall: "a plugin or package name",
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
  /** `verify` also type-checks the mounted plugins' code (`--check`). */
  readonly check: boolean;
  /** `new` scaffolds into the data directory instead of the install directory. */
  readonly data: boolean;
  /** `install` may replace an installed data plugin with a newer version. */
  readonly force: boolean;
  /** Whether `build`, `verify` and `list` reuse earlier results for unchanged plugins. */
  readonly useCache: boolean;
  /** Time limit for importing one router module at build time, in milliseconds. */
  readonly importTimeoutMs: number;
  /** `config set`: the settings whose secret values are read from standard input (`--secret`). */
  readonly secrets: readonly string[];
  /** `uninstall` also deletes the plugin's settings and storage (`--purge`). */
  readonly purge: boolean;
  /** The environment; the values of its secrets are redacted from every problem shown. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A command line that cannot be run; the CLI prints the message and usage, and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";

  /**
   * @param message What is wrong.
   * @param verb The verb whose usage to show, when the verb itself was right.
   */
  constructor(message: string, readonly verb?: Verb) {
    super(message);
  }
}

/** What each verb does, and the argument it takes. */
const VERB_HELP: Readonly<Record<Verb, { readonly argument?: string; readonly summary: string }>> =
  {
    build: { summary: "discover, validate and verify plugins, write the registry" },
    verify: { summary: "the same checks, write nothing; fail on problems or a stale registry" },
    list: { summary: "show every plugin with its source and status" },
    new: { argument: "<slug>", summary: "scaffold a plugin from the _demo shape" },
    install: {
      argument: "<dir | tarball | npm spec>",
      summary: "verify a plugin (folder, or npm package into $DATA_DIR), install it, rebuild",
    },
    uninstall: { argument: "<name>", summary: "remove a data plugin or plugin package, rebuild" },
    dbt: {
      argument: "list | run <plugin> | export",
      summary: "list the dbt workspaces, run one with dbt, or export them for an orchestrator",
    },
    config: {
      argument: "get <plugin> | set <plugin> key=value… | unset <plugin> key…",
      summary: "show or change a plugin's settings in the state store (secrets: --secret)",
    },
    secrets: {
      argument: "rotate",
      summary: "seal every secret setting again under a new key, read from standard input",
    },
    warehouse: {
      argument: "grants",
      summary: "print the SQL a DBA runs to make each plugin's warehouse role and grants",
    },
  };

/** The options, and the verbs each applies to (all when absent). */
const OPTION_HELP: readonly { flag: string; text: string; verbs?: readonly Verb[] }[] = [
  {
    flag: "--install-dir <dir>",
    text: `bundled plugins are in <dir>/plugins (default: $INSTALL_DIR or ${
      envOrDefault({}, "INSTALL_DIR")
    })`,
  },
  {
    flag: "--data-dir <dir>",
    text: `customer plugins are in <dir>/plugins (default: $DATA_DIR or ${
      envOrDefault({}, "DATA_DIR")
    })`,
  },
  {
    flag: "--out <file>",
    text: `registry module to write or check (default: ${DEFAULT_REGISTRY_FILE})`,
    verbs: ["build", "verify", "install", "uninstall"],
  },
  { flag: "--json", text: "machine-readable output (one JSON object)" },
  {
    flag: "--strict",
    text: "exit 1 when any plugin has errors or cannot load on a target (HONEYFRAME_TARGETS)",
    verbs: ["build"],
  },
  {
    flag: "--check",
    text: "also type-check the mounted plugins' code (errors: code.type_error)",
    verbs: ["verify"],
  },
  { flag: "--data", text: "create the plugin in the data directory", verbs: ["new"] },
  {
    flag: "--force",
    text: "replace an installed data plugin with a newer version, or re-install the same package",
    verbs: ["install"],
  },
  {
    flag: "--secret <key>",
    text: "read the value of secret setting <key> from standard input (one line each)",
    verbs: ["config"],
  },
  {
    flag: "--purge",
    text: "also delete the plugin's settings and storage from the state store",
    verbs: ["uninstall"],
  },
  {
    flag: "--import-timeout <ms>",
    text: `time limit for importing one router (default: ${DEFAULT_IMPORT_TIMEOUT_MS})`,
    // Every verb that builds: all but `new`.
    verbs: VERBS.filter((verb) => verb !== "new"),
  },
  {
    flag: "--no-cache",
    text: "check every plugin again instead of reusing the results of the last build",
    verbs: ["build", "verify", "list", "dbt", "config", "secrets", "warehouse"],
  },
  { flag: "-h, --help", text: "show this help (`<verb> --help`: that verb's)" },
  { flag: "--version", text: "show the version of Honeyframe Edge" },
];

const EXIT_CODES = "Exit codes: 0 success, 1 problems found, 2 usage error.";

function optionLines(verb?: Verb): string[] {
  return OPTION_HELP.filter((option) => !verb || !option.verbs || option.verbs.includes(verb))
    .map((option) => `  ${option.flag.padEnd(24)}${option.text}`);
}

/**
 * The help text: every verb and option, or one verb's usage and its options.
 *
 * @param verb The verb asked about, if any.
 * @returns The text.
 * @example
 * ```ts
 * usage("new").startsWith("Usage: deno task plugins new <slug>"); // true
 * ```
 */
export function usage(verb?: Verb): string {
  if (verb) {
    const { argument, summary } = VERB_HELP[verb];
    return [
      `Usage: npx deno task plugins ${verb}${argument ? ` ${argument}` : ""} [options]`,
      "",
      `${summary[0]!.toUpperCase()}${summary.slice(1)}.`,
      "",
      "Options:",
      ...optionLines(verb),
      "",
      EXIT_CODES,
    ].join("\n");
  }
  return [
    "Usage: npx deno task plugins <verb> [options]",
    "",
    "Verbs:",
    ...VERBS.map((name) => {
      const { argument, summary } = VERB_HELP[name];
      return `  ${`${name}${argument ? ` ${argument}` : ""}`.padEnd(18)}${summary}`;
    }),
    "",
    "Options:",
    ...optionLines(),
    "",
    EXIT_CODES,
  ].join("\n");
}

/** What the command line asks for besides running a verb. */
export type CliRequest = CliArgs | { readonly help: Verb | undefined } | "version";

/**
 * Parses the command line.
 *
 * @param argv The arguments after the program name.
 * @param env Environment variables (`INSTALL_DIR`, `DATA_DIR`).
 * @returns The parsed arguments, `{ help }` when help was asked for (of one verb, or of all), or
 * `"version"`.
 * @throws {UsageError} For an unknown verb, flag or a missing value (with a suggestion when one is
 * close).
 * @example
 * ```ts
 * parseCliArgs(["build", "--strict"], {}); // { verb: "build", strict: true, … }
 * ```
 */
export function parseCliArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliRequest {
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
        check: { type: "boolean", default: false },
        data: { type: "boolean", default: false },
        force: { type: "boolean", default: false },
        "import-timeout": { type: "string" },
        "no-cache": { type: "boolean", default: false },
        secret: { type: "string", multiple: true, default: [] },
        purge: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
        version: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    const first = argv.find((arg) => !arg.startsWith("-"));
    const verb = (VERBS as readonly string[]).includes(first ?? "") ? first as Verb : undefined;
    throw new UsageError(withSuggestion((error as Error).message), verb);
  }
  const { values, positionals } = parsed;
  if (values.version) return "version";
  const [verb, ...rest] = positionals;
  const known = verb !== undefined && (VERBS as readonly string[]).includes(verb);
  if (values.help) return { help: known ? verb as Verb : undefined };
  if (verb === undefined) throw new UsageError("a verb is required");
  if (!known) {
    const suggestion = didYouMean(verb, VERBS);
    throw new UsageError(
      `unknown verb \`${verb}\`${suggestion ? `; did you mean \`${suggestion}\`?` : ""}`,
    );
  }
  const actions = ACTIONS[verb as Verb];
  if (actions) checkActionArguments(verb as Verb, actions, rest);
  const argument = ONE_ARGUMENT[verb as Verb];
  if (!actions && (argument ? rest.length !== 1 : rest.length > 0)) {
    throw new UsageError(
      argument
        ? `\`${verb}\` takes exactly one argument: ${argument}`
        : `\`${verb}\` takes no arguments`,
      verb as Verb,
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
    check: values.check,
    data: values.data,
    force: values.force,
    useCache: !values["no-cache"],
    importTimeoutMs: parseTimeout(values["import-timeout"]),
    secrets: values.secret,
    purge: values.purge,
    env,
  };
}

/** A known action of the verb, with as many arguments as it takes. */
function checkActionArguments(
  verb: Verb,
  actions: Readonly<Record<string, ActionArity>>,
  rest: readonly string[],
): void {
  const [action, ...more] = rest;
  const names = Object.keys(actions);
  if (action === undefined || !Object.hasOwn(actions, action)) {
    const suggestion = action === undefined ? undefined : didYouMean(action, names);
    throw new UsageError(
      `\`${verb}\` takes ${names.join(", ")}${
        action === undefined
          ? ""
          : `, not \`${action}\`${suggestion ? `; did you mean \`${suggestion}\`?` : ""}`
      }`,
      verb,
    );
  }
  const { min, max, what } = actions[action]!;
  if (more.length < min || more.length > max) {
    throw new UsageError(`\`${verb} ${action}\` takes ${what}`, verb);
  }
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

/** Node's message for an unknown option, with the closest known one suggested. */
function withSuggestion(message: string): string {
  const unknown = /^Unknown option '(--[^']+)'/.exec(message)?.[1];
  if (!unknown) return message;
  const flags = OPTION_HELP.flatMap((option) => option.flag.split(", ")).map((flag) =>
    flag.split(" ")[0]!
  );
  const suggestion = didYouMean(unknown, flags);
  return `unknown option \`${unknown}\`${suggestion ? `; did you mean \`${suggestion}\`?` : ""}`;
}
