/**
 * What a dbt runner is: something that takes a run and either reports its result or hands it to
 * an orchestrator that reports it back later.
 *
 * @module
 */

/** What a runner is given. */
export interface DbtRunRequest {
  /** The run's id. */
  readonly run_id: string;
  /** The plugin whose workspace runs. */
  readonly plugin: string;
  /** The dbt project's name. */
  readonly project: string;
  /** The plugin's warehouse schema: dbt's target schema for the run. */
  readonly schema: string;
  /** The workspace folder, relative to the server's working directory (or absolute). */
  readonly project_dir: string;
  /** The names of its models. */
  readonly models: readonly string[];
  /** The plugin's schedule, or `null`. */
  readonly schedule: string | null;
}

/** How a run ended. */
export interface DbtRunResult {
  /** Whether dbt succeeded. */
  readonly status: "succeeded" | "failed";
  /** dbt's exit code, when known. */
  readonly exit_code: number | null;
  /** The last lines of its output. */
  readonly output: string;
  /** Why it failed, when the runner knows. */
  readonly reason: string | null;
}

/** Starts dbt runs. */
export interface DbtRunner {
  /** `command` or `webhook`. */
  readonly kind: string;
  /**
   * Starts a run and resolves with its result, or with `"reported_later"` when an orchestrator
   * took it and will report the result (`POST /api/dbt/runs/<id>`). Never rejects.
   */
  start(request: DbtRunRequest): Promise<DbtRunResult | "reported_later">;
}

/** How many lines of a run's output are kept. */
export const OUTPUT_LINES = 40;

/** The most characters of output kept. */
export const OUTPUT_CHARS = 8_000;

/**
 * The last lines of a run's output, as the run history keeps them.
 *
 * @param text Everything dbt printed.
 * @returns At most {@link OUTPUT_LINES} lines and {@link OUTPUT_CHARS} characters, from the end.
 * @example
 * ```ts
 * lastLines("a\nb\n"); // "a\nb"
 * ```
 */
export function lastLines(text: string): string {
  return text.replace(/\s+$/, "").split("\n").slice(-OUTPUT_LINES).join("\n").slice(-OUTPUT_CHARS);
}

/** A failed result with a reason. */
export function failedRun(
  reason: string,
  exitCode: number | null = null,
  output = "",
): DbtRunResult {
  return { status: "failed", exit_code: exitCode, output: lastLines(output), reason };
}
