/**
 * Background timers that never keep a process alive (Deno and Node have different APIs for it).
 *
 * @module
 */

/**
 * Starts `work` every `ms` milliseconds without keeping the process alive for it.
 *
 * @param work What to run.
 * @param ms The interval.
 * @returns The timer, for `clearInterval`.
 * @example
 * ```ts
 * const timer = backgroundInterval(() => console.log("tick"), 60_000);
 * clearInterval(timer);
 * ```
 */
export function backgroundInterval(
  work: () => void,
  ms: number,
): ReturnType<typeof setInterval> {
  const timer = setInterval(work, ms);
  const runtime = globalThis as { Deno?: { unrefTimer(id: number): void } };
  if (typeof timer === "number") runtime.Deno?.unrefTimer(timer);
  else (timer as { unref?: () => void }).unref?.();
  return timer;
}
