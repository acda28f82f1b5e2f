/**
 * The dbt settings of a server: which runner starts dbt runs and how.
 *
 * @module
 */
import { ConfigError, envNumber, envOrDefault, type EnvSource, readEnv } from "../../env/mod.ts";

/** The shortest webhook secret accepted. */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;

/** How dbt runs start. */
export type DbtRunnerKind = "command" | "webhook";

/** The dbt settings. */
export interface DbtConfig {
  /** The runner (`HONEYFRAME_DBT_RUNNER`); runs are refused without one. */
  readonly runner?: DbtRunnerKind;
  /** The executable the `command` runner starts (`HONEYFRAME_DBT_COMMAND`). */
  readonly command: string;
  /** `--profiles-dir` for dbt (`HONEYFRAME_DBT_PROFILES_DIR`), when set. */
  readonly profilesDir?: string;
  /** The warehouse dbt builds in (`HONEYFRAME_WAREHOUSE_URL`), when set. */
  readonly warehouseUrl?: URL;
  /** How long a run may take, in milliseconds (`HONEYFRAME_DBT_TIMEOUT_S`). */
  readonly timeoutMs: number;
  /** Where the `webhook` runner posts runs (`HONEYFRAME_DBT_WEBHOOK_URL`). */
  readonly webhookUrl?: URL;
  /** The HMAC key of webhook bodies and reported results (`HONEYFRAME_DBT_WEBHOOK_SECRET`). */
  readonly webhookSecret?: string;
  /** The bundled plugins' root (`INSTALL_DIR`), where their workspaces are. */
  readonly installDir: string;
  /** The customer plugins' root (`DATA_DIR`). */
  readonly dataDir: string;
}

/**
 * Reads the dbt settings.
 *
 * @param env The environment.
 * @returns The settings.
 * @throws {ConfigError} For an unknown runner, a webhook runner without its URL or secret, a short
 * secret or a time limit out of range.
 * @example
 * ```ts
 * readDbtConfig({ HONEYFRAME_DBT_RUNNER: "command" }).command; // "dbt"
 * ```
 */
export function readDbtConfig(env: EnvSource): DbtConfig {
  const runner = readEnv(env, "HONEYFRAME_DBT_RUNNER");
  if (runner !== undefined && runner !== "command" && runner !== "webhook") {
    throw new ConfigError(
      `HONEYFRAME_DBT_RUNNER must be command or webhook, not ${JSON.stringify(runner)}`,
    );
  }
  const urlText = readEnv(env, "HONEYFRAME_DBT_WEBHOOK_URL");
  const webhookUrl = urlText !== undefined && URL.canParse(urlText) ? new URL(urlText) : undefined;
  if (urlText !== undefined && !/^https?:$/.test(webhookUrl?.protocol ?? "")) {
    throw new ConfigError(
      `HONEYFRAME_DBT_WEBHOOK_URL must be an http:// or https:// URL, not ${
        JSON.stringify(urlText)
      }`,
    );
  }
  const webhookSecret = readEnv(env, "HONEYFRAME_DBT_WEBHOOK_SECRET");
  if (webhookSecret !== undefined && webhookSecret.length < MIN_WEBHOOK_SECRET_LENGTH) {
    throw new ConfigError(
      `HONEYFRAME_DBT_WEBHOOK_SECRET is ${webhookSecret.length} characters long; use at least ${MIN_WEBHOOK_SECRET_LENGTH}`,
    );
  }
  if (runner === "webhook" && (webhookUrl === undefined || webhookSecret === undefined)) {
    throw new ConfigError(
      "HONEYFRAME_DBT_RUNNER=webhook needs HONEYFRAME_DBT_WEBHOOK_URL and HONEYFRAME_DBT_WEBHOOK_SECRET",
    );
  }
  const profilesDir = readEnv(env, "HONEYFRAME_DBT_PROFILES_DIR");
  const warehouseText = readEnv(env, "HONEYFRAME_WAREHOUSE_URL");
  const warehouseUrl = warehouseText !== undefined && URL.canParse(warehouseText)
    ? new URL(warehouseText)
    : undefined;
  if (warehouseText !== undefined && !/^postgres(ql)?:$/.test(warehouseUrl?.protocol ?? "")) {
    // The value may hold a password: it is not repeated.
    throw new ConfigError(
      "HONEYFRAME_WAREHOUSE_URL must be a postgres:// or postgresql:// URL (PostgreSQL)",
    );
  }
  return {
    ...(runner === undefined ? {} : { runner }),
    command: envOrDefault(env, "HONEYFRAME_DBT_COMMAND"),
    ...(profilesDir === undefined ? {} : { profilesDir }),
    ...(warehouseUrl === undefined ? {} : { warehouseUrl }),
    timeoutMs: envNumber(env, "HONEYFRAME_DBT_TIMEOUT_S", { min: 1, max: 7 * 86_400 }) * 1000,
    ...(webhookUrl === undefined ? {} : { webhookUrl }),
    ...(webhookSecret === undefined ? {} : { webhookSecret }),
    installDir: envOrDefault(env, "INSTALL_DIR"),
    dataDir: envOrDefault(env, "DATA_DIR"),
  };
}
