/**
 * Audit retention: events older than the retention are deleted when a server starts and every
 * hour after, so the audit log cannot grow without bound.
 *
 * @module
 */
import { createLogger, type Logger } from "../log/mod.ts";
import type { StateStore } from "../state/mod.ts";
import { every, type Timer } from "./timer.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

/**
 * Deletes the audit events older than `days` now and every hour.
 *
 * @param store The state store.
 * @param days The retention, in days.
 * @param now The clock, in milliseconds.
 * @param log Where a failed deletion is reported.
 * @returns A promise of the first deletion's count, and the timer to stop the hourly one.
 * @example
 * ```ts
 * import { MemoryStore } from "../state/mod.ts";
 * const { first, timer } = keepAuditFor(new MemoryStore(), 90);
 * await first; // 0
 * timer.cancel();
 * ```
 */
export function keepAuditFor(
  store: Pick<StateStore, "pruneAudit">,
  days: number,
  now: () => number = Date.now,
  log: Logger = createLogger(),
): { first: Promise<number>; timer: Timer } {
  const prune = () =>
    store.pruneAudit(new Date(now() - days * DAY_MS).toISOString()).catch((error) => {
      log.warn("audit retention: old events could not be deleted", { error });
      return 0;
    });
  return { first: prune(), timer: every(() => void prune(), HOUR_MS) };
}
