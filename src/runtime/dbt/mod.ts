/**
 * dbt workspaces at run time: settings, runners (a subprocess or a webhook), schedules, the
 * service that runs and records them, and its API.
 *
 * @module
 */
export {
  type DbtConfig,
  type DbtRunnerKind,
  MIN_WEBHOOK_SECRET_LENGTH,
  readDbtConfig,
} from "./config.ts";
export {
  commandRunner,
  type CommandRunnerOptions,
  type Spawn,
  type SpawnResult,
} from "./command_runner.ts";
export { configuredRunner } from "./configured_runner.ts";
export {
  type DbtInvocation,
  dbtInvocation,
  type DbtInvocationOptions,
  GENERATED_PROFILES_DIR,
  WAREHOUSE_TARGET,
  WAREHOUSE_VARIABLES,
  warehouseProfiles,
} from "./invocation.ts";
export { derivedSchema, MAX_IDENTIFIER_BYTES, pluginSchema, schemaRefusal } from "./schema.ts";
export { type DbtRunner, type DbtRunRequest, type DbtRunResult } from "./runner.ts";
export { dueSlot, nextRun, scheduleProblem } from "./schedule.ts";
export {
  type DbtRunRefusal,
  DbtService,
  type DbtServiceOptions,
  type DbtWorkspaceView,
  SCHEDULER_INTERVAL_MS,
  type StartedRun,
} from "./service.ts";
export {
  SIGNATURE_HEADER,
  SIGNATURE_TOLERANCE_S,
  signRunBody,
  webhookRunner,
  type WebhookRunnerOptions,
} from "./webhook.ts";
