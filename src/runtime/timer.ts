/**
 * The host's timers: plugin time limits, the connection guard's header and idle times, background
 * jobs. On Deno the global `setTimeout` loads the Node-compatible timers on its first call, 8–17 ms
 * of a cold start (bench/README.md), where `AbortSignal.timeout` costs under 1 ms; so on Deno the
 * host's timers share one queue, and one `AbortSignal.timeout` at a time is armed for its earliest
 * deadline (a cancelled timer holds nothing but its queue entry, removed at once). Elsewhere they
 * are plain `setTimeout`s, background ones unreferenced.
 *
 * On Deno a pending timer keeps the process alive, background ones too: servers listen anyway, and
 * end through their shutdown, which exits.
 *
 * @module
 */

/** A started timer. */
export interface Timer {
  /** Stops it; it will not fire (again). Calling it twice does nothing. */
  cancel(): void;
}

/** One pending deadline of the queue. */
interface Entry {
  readonly at: number;
  readonly fire: () => void;
}

/**
 * The pending deadlines by duration: each set holds its entries in the order they were added,
 * which is the order of their deadlines (one duration, a monotonic clock).
 */
const queues = new Map<number, Set<Entry>>();
/** When the armed signal fires (`Infinity`: none armed). */
let armedAt = Infinity;

const onDeno = typeof (globalThis as { Deno?: unknown }).Deno === "object";

/**
 * Calls `fire` once, after `ms` milliseconds, unless cancelled first.
 *
 * @param fire What to call.
 * @param ms The delay.
 * @returns The timer.
 * @example
 * ```ts
 * const timer = after(() => console.log("a second passed"), 1_000);
 * timer.cancel();
 * ```
 */
export function after(fire: () => void, ms: number): Timer {
  if (!onDeno) {
    const id = setTimeout(fire, ms);
    return { cancel: () => clearTimeout(id) };
  }
  const delay = ms > 0 ? ms : 0; // as setTimeout: a negative or NaN delay is none
  const entry: Entry = { at: performance.now() + delay, fire };
  let queue = queues.get(delay);
  if (!queue) queues.set(delay, queue = new Set());
  queue.add(entry);
  if (entry.at < armedAt) arm(entry.at);
  const pending = queue;
  return { cancel: () => void pending.delete(entry) };
}

/**
 * Calls `work` every `ms` milliseconds until cancelled; outside Deno the timer does not keep the
 * process alive.
 *
 * @param work What to call.
 * @param ms The interval.
 * @returns The timer.
 * @example
 * ```ts
 * const timer = every(() => console.log("a minute passed"), 60_000);
 * timer.cancel();
 * ```
 */
export function every(work: () => void, ms: number): Timer {
  if (!onDeno) {
    const id = setInterval(work, ms);
    (id as { unref?: () => void }).unref?.();
    return { cancel: () => clearInterval(id) };
  }
  let next: Timer;
  const tick = () => {
    next = after(tick, ms);
    work();
  };
  next = after(tick, ms);
  return { cancel: () => next.cancel() };
}

function arm(at: number): void {
  armedAt = at;
  AbortSignal.timeout(Math.max(0, Math.ceil(at - performance.now())))
    .addEventListener("abort", expire, { once: true });
}

/** Fires what is due, then arms the signal for the earliest deadline left. */
function expire(): void {
  const now = performance.now();
  armedAt = Infinity;
  let earliest = Infinity;
  for (const [delay, queue] of queues) {
    for (const entry of queue) {
      if (entry.at > now) {
        earliest = Math.min(earliest, entry.at);
        break;
      }
      queue.delete(entry);
      try {
        entry.fire();
      } catch (error) {
        reportError(error);
      }
    }
    if (queue.size === 0) queues.delete(delay);
  }
  if (earliest < armedAt) arm(earliest);
}
