/**
 * dbt schedules: five-field cron expressions in UTC (minute, hour, day of month, month, day of
 * week), parsed by `croner`. The build checks them with {@link scheduleProblem}; the server finds
 * the slots that are due with {@link dueSlot}.
 *
 * @module
 */
import { Cron } from "croner";

function cronOf(expression: string): Cron {
  return new Cron(expression, { timezone: "UTC", mode: "5-part", paused: true });
}

/**
 * Why a schedule is not a five-field cron expression, or `undefined` when it is one.
 *
 * @param expression The `dbt_schedule` of a manifest.
 * @returns A short reason, or `undefined`.
 * @example
 * ```ts
 * scheduleProblem("0 2 * * *"); // undefined
 * scheduleProblem("61 2 * * *"); // "Invalid value for minute: 61"
 * ```
 */
export function scheduleProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    return `it has ${fields.length} field${
      fields.length === 1 ? "" : "s"
    }; five are needed (minute hour day-of-month month day-of-week)`;
  }
  try {
    cronOf(expression);
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^CronPattern:\s*/, "");
  }
}

/**
 * When a schedule fires next after `after`.
 *
 * @param expression A valid schedule.
 * @param after The moment to look from.
 * @returns The next firing time, or `null` when it never fires again.
 * @example
 * ```ts
 * nextRun("0 2 * * *", new Date("2026-01-01T03:00:00Z"))?.toISOString(); // "2026-01-02T02:00:00.000Z"
 * ```
 */
export function nextRun(expression: string, after: Date): Date | null {
  return cronOf(expression).nextRun(after);
}

/**
 * The latest firing time of a schedule in the window `(since, until]`, if any: the slot a
 * scheduler that last looked at `since` must run now (missed earlier slots are not replayed).
 *
 * @param expression A valid schedule.
 * @param since When the scheduler last looked (exclusive).
 * @param until Now (inclusive).
 * @returns The slot, or `undefined` when none fell in the window.
 * @example
 * ```ts
 * dueSlot("0 2 * * *", new Date("2026-01-02T01:59:30Z"), new Date("2026-01-02T02:00:00Z"));
 * // 2026-01-02T02:00:00.000Z
 * ```
 */
export function dueSlot(expression: string, since: Date, until: Date): Date | undefined {
  const cron = cronOf(expression);
  let slot: Date | undefined;
  for (
    let next = cron.nextRun(since);
    next !== null && next.getTime() <= until.getTime();
    next = cron.nextRun(next)
  ) {
    slot = next;
  }
  return slot;
}
