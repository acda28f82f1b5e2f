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
  dbtArguments,
  type Spawn,
  type SpawnResult,
} from "./command_runner.ts";
export { configuredRunner } from "./configured_runner.ts";
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
