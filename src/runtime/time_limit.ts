/**
 * One time limit for the host's waits on plugin code (a handler, a health check): the work's result,
 * or a rejection once the limit passed or an abort signal fired, whichever comes first.
 *
 * @module
 */
import { after, type Timer } from "./timer.ts";

/**
 * Settles with `work`, or rejects with `timeout()` after `timeoutMs` or when `signal` aborts.
 *
 * @param work The work.
 * @param timeoutMs The limit, in milliseconds.
 * @param timeout The error to reject with.
 * @param signal Ends the wait early (a client that left).
 * @returns The work's result.
 * @example
 * ```ts
 * await withinTime(Promise.resolve(1), 1_000, () => new Error("too slow")); // 1
 * ```
 */
export function withinTime<T>(
  work: Promise<T>,
  timeoutMs: number,
  timeout: () => Error,
  signal?: AbortSignal,
): Promise<T> {
  let timer: Timer | undefined;
  let onAbort: (() => void) | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = after(() => reject(timeout()), timeoutMs);
    onAbort = () => reject(timeout());
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  return Promise.race([work, limit]).finally(() => {
    timer!.cancel();
    signal?.removeEventListener("abort", onAbort!);
  });
}
