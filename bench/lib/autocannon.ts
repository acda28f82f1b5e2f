/**
 * Load from 32 concurrent clients with autocannon (the project's npm dependency), on one URL. Its
 * latencies are collected as it measures them (fractions of a millisecond): autocannon's own
 * percentiles count whole milliseconds, too coarse to compare two servers' 2–5 ms tails.
 *
 * @module
 */
import { resolve } from "node:path";

/** What one load run measured. */
export interface LoadResult {
  /** Mean requests per second. */
  readonly rps: number;
  /** The 99th percentile latency, in milliseconds (to the microsecond). */
  readonly p99: number;
}

/**
 * Sends requests to `url` from 32 clients for `seconds`.
 *
 * @param project The host project folder (where `node_modules/autocannon` is).
 * @param url The URL.
 * @param seconds How long.
 * @param label Who is measured, for the error.
 * @returns The throughput and tail latency.
 * @throws {Error} When any answer was not 2xx or any request failed.
 */
export async function loadWith32Clients(
  project: string,
  url: string,
  seconds: number,
  label: string,
): Promise<LoadResult> {
  const output = await new Deno.Command("node", {
    args: [resolve(project, "bench/lib/autocannon_load.cjs"), url, "32", String(seconds)],
    cwd: project,
    stdout: "piped",
    stderr: "null",
  }).output();
  const result = JSON.parse(new TextDecoder().decode(output.stdout));
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${label}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  }
  return { rps: result.rps, p99: result.p99 };
}
