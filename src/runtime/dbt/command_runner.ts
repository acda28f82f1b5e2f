/**
 * The `command` runner: `dbt build --project-dir <workspace>` as a subprocess of the server, with a
 * time limit and its output captured. How a subprocess starts differs per runtime, so the adapter
 * passes a {@link Spawn}.
 *
 * @module
 */
import { dbtInvocation } from "./invocation.ts";
import { type DbtRunner, type DbtRunRequest, failedRun, lastLines } from "./runner.ts";

/** What a subprocess did. */
export interface SpawnResult {
  /** Its exit code (a signal counts as failure). */
  readonly code: number;
  /** Its standard output and error, as they came. */
  readonly output: string;
}

/**
 * Starts a program and resolves when it ends; `signal` stops it. Rejects when it cannot start.
 * `env` adds variables to what it inherits (never the host's own, which are blanked).
 */
export type Spawn = (
  command: string,
  args: readonly string[],
  signal: AbortSignal,
  env?: Readonly<Record<string, string>>,
) => Promise<SpawnResult>;

/** Options of {@link commandRunner}. */
export interface CommandRunnerOptions {
  /** The dbt executable. */
  readonly command: string;
  /** `--profiles-dir`, when set. */
  readonly profilesDir?: string;
  /** The warehouse dbt builds in, when set (dbt then builds into each plugin's schema). */
  readonly warehouseUrl?: URL;
  /** How long a run may take. */
  readonly timeoutMs: number;
  /** How the runtime starts a subprocess. */
  readonly spawn: Spawn;
}

/**
 * A runner that starts dbt as a subprocess; exit code 0 is `succeeded`, anything else, a start
 * failure or the time limit is `failed` with the reason.
 *
 * @param options Command, profiles folder, time limit and spawn.
 * @returns The runner.
 */
export function commandRunner(options: CommandRunnerOptions): DbtRunner {
  return {
    kind: "command",
    async start(request: DbtRunRequest) {
      const limit = AbortSignal.timeout(options.timeoutMs);
      const { args, env } = dbtInvocation(request.project_dir, request.schema, options);
      try {
        const { code, output } = await options.spawn(options.command, args, limit, env);
        if (limit.aborted) {
          return failedRun(
            `stopped after the time limit of ${options.timeoutMs / 1000} s`,
            code,
            output,
          );
        }
        if (code !== 0) return failedRun(`dbt exited with ${code}`, code, output);
        return { status: "succeeded", exit_code: 0, output: lastLines(output), reason: null };
      } catch (error) {
        return failedRun(
          `\`${options.command}\` could not be started: ${(error as Error).message}`,
        );
      }
    },
  };
}
