/**
 * Runtime configuration, read through one function from whatever environment the runtime offers:
 * `Deno.env`, `process.env`, or a Worker's bindings (`c.env`).
 *
 * @module
 */
import {
  ConfigError,
  envNumber,
  envOrDefault,
  type EnvSource,
  envSwitch,
  readEnv,
} from "../env/mod.ts";
import { type OidcConfig, readOidcConfig } from "./auth/oidc_config.ts";
import { createLogger, LOG_FORMATS, type LogFormat } from "../log/mod.ts";
import { type DbtConfig, readDbtConfig } from "./dbt/config.ts";
import { secretsKeyBytes } from "./context/secret_box.ts";
import { readPluginStorageMb } from "./context/plugin_storage.ts";

/** The host's runtime configuration. */
export interface HostConfig {
  /** The TCP port to listen on (`PORT`, default 8000). */
  readonly port: number;
  /** The interface to listen on (`HOST`, default `0.0.0.0`). */
  readonly hostname: string;
  /** The admin bearer token (`HONEYFRAME_ADMIN_TOKEN`); admin surfaces are closed without one. */
  readonly adminToken?: string;
  /** The HS256 secret of users' JWTs (`HONEYFRAME_JWT_SECRET`); protected routes answer 401 without. */
  readonly jwtSecret?: string;
  /**
   * The key plugins' secret settings are sealed with (`HONEYFRAME_SECRETS_KEY`, 32 bytes of
   * base64); without one, secret settings cannot be set.
   */
  readonly secretsKey?: string;
  /** How many MiB each plugin's storage may take (`HONEYFRAME_PLUGIN_STORAGE_MB`). */
  readonly pluginStorageMb?: number;
  /** The largest body a plugin route takes, in MiB (`HONEYFRAME_PLUGIN_BODY_MAX_MB`). */
  readonly pluginBodyMaxMb?: number;
  /** Whether a JWT without `exp` is refused (`HONEYFRAME_JWT_REQUIRE_EXP`, default true). */
  readonly jwtRequireExp: boolean;
  /** The longest a JWT may live, in seconds (`HONEYFRAME_JWT_MAX_TTL_S`, default 86400). */
  readonly jwtMaxTtlS?: number;
  /** The `iss` every JWT must have (`HONEYFRAME_JWT_ISSUER`), when set. */
  readonly jwtIssuer?: string;
  /** The audience every JWT's `aud` must name (`HONEYFRAME_JWT_AUDIENCE`), when set. */
  readonly jwtAudience?: string;
  /** Where people reach the host (`HONEYFRAME_PUBLIC_URL`), when set. */
  readonly publicUrl?: URL;
  /** The second origin isolated plugins' frames are served from (`HONEYFRAME_PLUGIN_ORIGIN`). */
  readonly pluginOrigin?: URL;
  /** Whether `X-Forwarded-Proto` from a proxy in front counts (`HONEYFRAME_TRUST_PROXY=1`). */
  readonly trustProxy: boolean;
  /** How long a plugin handler may take before the host answers 504 (`HONEYFRAME_PLUGIN_TIMEOUT_MS`). */
  readonly pluginTimeoutMs?: number;
  /** How log lines are written (`HONEYFRAME_LOG_FORMAT`). */
  readonly logFormat: LogFormat;
  /** Whether every request is logged (`HONEYFRAME_ACCESS_LOG=1`). */
  readonly accessLog: boolean;
  /** A bearer token that reads `/metrics` only (`HONEYFRAME_METRICS_TOKEN`). */
  readonly metricsToken?: string;
  /** How dbt workspaces run (`HONEYFRAME_DBT_*`). */
  readonly dbt: DbtConfig;
  /** Sign-in through an OpenID Connect provider, when configured. */
  readonly oidc?: OidcConfig;
}

/** The shortest admin token accepted: shorter ones are guessable. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

/** The shortest JWT secret accepted (HS256 wants at least 256 bits). */
export const MIN_JWT_SECRET_LENGTH = 32;

/**
 * Reads the configuration from environment variables.
 *
 * @param env `Deno.env`, `process.env` or Worker bindings.
 * @returns The configuration.
 * @throws {ConfigError} When `PORT` is not an integer from 0 to 65535, the admin token is
 * shorter than {@link MIN_ADMIN_TOKEN_LENGTH} characters, or the JWT secret shorter than
 * {@link MIN_JWT_SECRET_LENGTH}, or the secrets key not 32 bytes of base64.
 * @example
 * ```ts
 * const config = readConfig({ PORT: "8080" });
 * config.port; // 8080
 * ```
 */
export function readConfig(env: EnvSource): HostConfig {
  const portText = envOrDefault(env, "PORT");
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(
      `PORT must be an integer from 0 to 65535, not ${JSON.stringify(portText)}`,
    );
  }
  const adminToken = readSecret(env, "HONEYFRAME_ADMIN_TOKEN", MIN_ADMIN_TOKEN_LENGTH);
  const jwtSecret = readSecret(env, "HONEYFRAME_JWT_SECRET", MIN_JWT_SECRET_LENGTH);
  const metricsToken = readSecret(env, "HONEYFRAME_METRICS_TOKEN", MIN_ADMIN_TOKEN_LENGTH);
  const secretsKey = readEnv(env, "HONEYFRAME_SECRETS_KEY");
  if (secretsKey !== undefined) {
    try {
      secretsKeyBytes(secretsKey);
    } catch (error) {
      throw new ConfigError((error as Error).message);
    }
  }
  const jwtIssuer = readEnv(env, "HONEYFRAME_JWT_ISSUER");
  const jwtAudience = readEnv(env, "HONEYFRAME_JWT_AUDIENCE");
  const publicUrl = readUrl(env, "HONEYFRAME_PUBLIC_URL");
  const pluginOrigin = readUrl(env, "HONEYFRAME_PLUGIN_ORIGIN");
  if (pluginOrigin !== undefined) {
    if (publicUrl === undefined) {
      throw new ConfigError(
        "HONEYFRAME_PLUGIN_ORIGIN needs HONEYFRAME_PUBLIC_URL: plugin frames load the host's " +
          "stylesheet and scripts from it",
      );
    }
    if (pluginOrigin.origin === publicUrl.origin) {
      throw new ConfigError(
        `HONEYFRAME_PLUGIN_ORIGIN must be another origin than HONEYFRAME_PUBLIC_URL (${publicUrl.origin})`,
      );
    }
  }
  const oidc = readOidcConfig(env);
  return {
    port,
    hostname: envOrDefault(env, "HOST"),
    ...(adminToken === undefined ? {} : { adminToken }),
    ...(jwtSecret === undefined ? {} : { jwtSecret }),
    ...(metricsToken === undefined ? {} : { metricsToken }),
    ...(secretsKey === undefined ? {} : { secretsKey }),
    jwtRequireExp: readBoolean(env, "HONEYFRAME_JWT_REQUIRE_EXP"),
    jwtMaxTtlS: envNumber(env, "HONEYFRAME_JWT_MAX_TTL_S", { min: 1, max: 31_536_000 }),
    ...(jwtIssuer === undefined ? {} : { jwtIssuer }),
    ...(jwtAudience === undefined ? {} : { jwtAudience }),
    ...(publicUrl === undefined ? {} : { publicUrl }),
    ...(pluginOrigin === undefined ? {} : { pluginOrigin: new URL(pluginOrigin.origin) }),
    trustProxy: envSwitch(env, "HONEYFRAME_TRUST_PROXY"),
    pluginTimeoutMs: envNumber(env, "HONEYFRAME_PLUGIN_TIMEOUT_MS", { min: 10, max: 86_400_000 }),
    pluginStorageMb: readPluginStorageMb(env),
    pluginBodyMaxMb: envNumber(env, "HONEYFRAME_PLUGIN_BODY_MAX_MB", { min: 1, max: 4096 }),
    logFormat: readLogFormat(env),
    accessLog: envSwitch(env, "HONEYFRAME_ACCESS_LOG"),
    dbt: readDbtConfig(env),
    ...(oidc === undefined ? {} : { oidc }),
  };
}

/**
 * Reads `HONEYFRAME_LOG_FORMAT`.
 *
 * @param env The environment source.
 * @returns `json` or `text`.
 * @throws {ConfigError} For any other value.
 * @example
 * ```ts
 * readLogFormat({ HONEYFRAME_LOG_FORMAT: "json" }); // "json"
 * ```
 */
export function readLogFormat(env: EnvSource): LogFormat {
  const format = envOrDefault(env, "HONEYFRAME_LOG_FORMAT");
  if (!(LOG_FORMATS as readonly string[]).includes(format)) {
    throw new ConfigError(
      `HONEYFRAME_LOG_FORMAT must be ${LOG_FORMATS.join(" or ")}, not ${JSON.stringify(format)}`,
    );
  }
  return format as LogFormat;
}

function readSecret(
  env: EnvSource,
  name: "HONEYFRAME_ADMIN_TOKEN" | "HONEYFRAME_JWT_SECRET" | "HONEYFRAME_METRICS_TOKEN",
  minLength: number,
): string | undefined {
  const value = readEnv(env, name);
  if (value !== undefined && value.length < minLength) {
    throw new ConfigError(
      `${name} is ${value.length} characters long; use at least ${minLength} ` +
        "(for example: openssl rand -hex 32)",
    );
  }
  return value;
}

function readBoolean(env: EnvSource, name: "HONEYFRAME_JWT_REQUIRE_EXP"): boolean {
  const value = envOrDefault(env, name);
  if (value !== "true" && value !== "false") {
    throw new ConfigError(`${name} must be true or false, not ${JSON.stringify(value)}`);
  }
  return value === "true";
}

function readUrl(
  env: EnvSource,
  name: "HONEYFRAME_PUBLIC_URL" | "HONEYFRAME_PLUGIN_ORIGIN",
): URL | undefined {
  const text = readEnv(env, name);
  if (text === undefined) return undefined;
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new ConfigError(
      `${name} must be an http:// or https:// URL, not ${JSON.stringify(text)}`,
    );
  }
  return url;
}

/**
 * Reads the configuration for a server that is starting: a {@link ConfigError} is printed as one
 * clear line and the process exits with status 1.
 *
 * @param env The environment source.
 * @param exit The runtime's exit function (`Deno.exit`, `process.exit`).
 * @returns The configuration.
 * @example
 * ```ts
 * const config = readConfigOrExit(Deno.env, Deno.exit);
 * ```
 */
export function readConfigOrExit(env: EnvSource, exit: (code: number) => never): HostConfig {
  try {
    return readConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    let format: LogFormat = "text";
    try {
      format = readLogFormat(env);
    } catch {
      // the format itself is wrong: the line is written as text
    }
    createLogger({ format }).error(`Honeyframe Edge cannot start: ${error.message}`);
    return exit(1);
  }
}
