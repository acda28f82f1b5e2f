/**
 * The runner `HONEYFRAME_DBT_RUNNER` asks for.
 *
 * @module
 */
import { ConfigError } from "../../env/mod.ts";
import { commandRunner, type Spawn } from "./command_runner.ts";
import type { DbtConfig } from "./config.ts";
import type { DbtRunner } from "./runner.ts";
import { WEBHOOK_TIMEOUT_MS, webhookRunner } from "./webhook.ts";

/**
 * The configured runner.
 *
 * @param config The dbt settings.
 * @param spawn How this runtime starts a program (Deno and Node servers have one; Workers do not).
 * @returns The runner, or `undefined` when none is configured.
 * @throws {ConfigError} When the `command` runner is asked for where programs cannot start.
 * @example
 * ```ts
 * import { readDbtConfig } from "./config.ts";
 * configuredRunner(readDbtConfig({})); // undefined
 * ```
 */
export function configuredRunner(config: DbtConfig, spawn?: Spawn): DbtRunner | undefined {
  if (config.runner === "webhook") {
    return webhookRunner({
      url: config.webhookUrl!,
      secret: config.webhookSecret!,
      timeoutMs: Math.min(WEBHOOK_TIMEOUT_MS, config.timeoutMs),
    });
  }
  if (config.runner !== "command") return undefined;
  if (!spawn) {
    throw new ConfigError(
      "HONEYFRAME_DBT_RUNNER=command needs a server that can start programs (Deno or Node); " +
        "use webhook on this runtime",
    );
  }
  return commandRunner({
    command: config.command,
    timeoutMs: config.timeoutMs,
    spawn,
    ...(config.profilesDir === undefined ? {} : { profilesDir: config.profilesDir }),
    ...(config.warehouseUrl === undefined ? {} : { warehouseUrl: config.warehouseUrl }),
  });
}
