/**
 * Reading the host's variables from whatever environment a runtime offers: `Deno.env`,
 * `process.env`, or a Worker's bindings.
 *
 * @module
 */
import { ENV_VARIABLES, type EnvName, type EnvNameWithDefault } from "./variables.ts";

const DEFAULTS: ReadonlyMap<string, string> = new Map(
  ENV_VARIABLES.flatMap((variable) =>
    "default" in variable ? [[variable.name, variable.default]] : []
  ),
);

/**
 * Any source of environment variables: an object with `get()` (`Deno.env`) or a plain record
 * (`process.env`, Worker bindings, whose non-string values are ignored).
 */
export type EnvSource =
  | { get(name: string): string | undefined }
  | Readonly<Record<string, unknown>>;

/** A configuration the host refuses to start with. The message never contains a secret. */
export class ConfigError extends Error {
  /** The error's name. */
  override name = "ConfigError";
}

/**
 * Reads one of the host's variables.
 *
 * @param env The source.
 * @param name The variable (one of {@link ENV_VARIABLES}).
 * @returns The trimmed value, or `undefined` when unset, empty, not a string, or not readable.
 * @example
 * ```ts
 * readEnv({ PORT: " 8080 " }, "PORT"); // "8080"
 * readEnv({}, "PORT"); // undefined
 * ```
 */
export function readEnv(env: EnvSource, name: EnvName): string | undefined {
  let value: unknown;
  try {
    value = typeof env.get === "function"
      ? (env as { get(name: string): string | undefined }).get(name)
      : Object.hasOwn(env, name)
      ? (env as Readonly<Record<string, unknown>>)[name]
      : undefined;
  } catch {
    return undefined; // a variable the process may not read (Deno's --allow-env=<list>) is unset
  }
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/**
 * Reads one of the host's variables that has a default, applying it when unset.
 *
 * @param env The source.
 * @param name The variable.
 * @returns The value or the variable's default.
 * @example
 * ```ts
 * envOrDefault({}, "DATA_DIR"); // "./data"
 * ```
 */
export function envOrDefault(env: EnvSource, name: EnvNameWithDefault): string {
  return readEnv(env, name) ?? DEFAULTS.get(name)!;
}

/**
 * Reads one of the host's numeric variables that has a default.
 *
 * @param env The source.
 * @param name The variable.
 * @param range The smallest and largest values accepted.
 * @returns The number.
 * @throws {ConfigError} When the value is not a number in the range.
 * @example
 * ```ts
 * envNumber({ HONEYFRAME_HEADER_TIMEOUT_S: "2.5" }, "HONEYFRAME_HEADER_TIMEOUT_S", { min: 0.1, max: 3600 }); // 2.5
 * ```
 */
export function envNumber(
  env: EnvSource,
  name: EnvNameWithDefault,
  range: { readonly min: number; readonly max: number },
): number {
  const text = envOrDefault(env, name);
  const value = Number(text);
  if (!Number.isFinite(value) || value < range.min || value > range.max) {
    throw new ConfigError(
      `${name} must be a number from ${range.min} to ${range.max}, not ${JSON.stringify(text)}`,
    );
  }
  return value;
}

/**
 * Reads a `0`/`1` switch (its default when unset).
 *
 * @param env The environment source.
 * @param name The variable (one with a default).
 * @returns Whether it is on.
 * @throws {ConfigError} When the value is neither `0` nor `1`.
 * @example
 * ```ts
 * envSwitch({ HONEYFRAME_TRUST_PROXY: "1" }, "HONEYFRAME_TRUST_PROXY"); // true
 * ```
 */
export function envSwitch(env: EnvSource, name: EnvNameWithDefault): boolean {
  const value = envOrDefault(env, name);
  if (value !== "0" && value !== "1") {
    throw new ConfigError(`${name} must be 0 or 1, not ${JSON.stringify(value)}`);
  }
  return value === "1";
}

/**
 * The environment of the running process, on runtimes that have one (`Deno.env`, `process.env`);
 * an empty source elsewhere (Workers).
 *
 * @returns The source.
 * @example
 * ```ts
 * readEnv(processEnv(), "PORT");
 * ```
 */
export function processEnv(): EnvSource {
  const runtime = globalThis as {
    Deno?: { env: { get(name: string): string | undefined } };
    process?: { env: Record<string, string | undefined> };
  };
  return runtime.Deno?.env ?? runtime.process?.env ?? {};
}

/**
 * Sources read in order: the first that has a value wins (Worker bindings before the process
 * environment, for example).
 *
 * @param sources The sources, first wins.
 * @returns One source.
 * @example
 * ```ts
 * readEnv(layeredEnv({ PORT: "1" }, { PORT: "2", HOST: "h" }), "PORT"); // "1"
 * ```
 */
export function layeredEnv(...sources: readonly EnvSource[]): EnvSource {
  return {
    get(name: string) {
      for (const source of sources) {
        const value = readEnv(source, name as EnvName);
        if (value !== undefined) return value;
      }
      return undefined;
    },
  };
}
