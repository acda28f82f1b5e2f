/**
 * Limits on failed sign-ins, and their audit: per client and for everyone together, in fixed
 * one-minute windows.
 *
 * - A client over its own limit gets 429 with `Retry-After` before its token is even compared.
 * - While the global limit is reached, a client that already failed in the window gets 429 too;
 *   a client that has not is still heard, so other clients' failures never lock out the person
 *   with the right token (a distributed guesser gets one try per address and minute).
 * - Failures are not written to the audit log one by one: each window ends with one row per
 *   client that failed in it, with the count and why (token sign-ins and OpenID Connect callbacks
 *   alike), written on the first sign-in request after the window, so nothing runs in the
 *   background and a flood of failures writes one row per address and minute.
 *
 * @module
 */
import type { Logger } from "../../log/mod.ts";
import type { AuditEvent } from "../../state/mod.ts";

/** How the throttle counts. */
export interface ThrottleLimits {
  /** Failed sign-ins one client may make per window. */
  readonly perClient: number;
  /** Failed sign-ins all clients together may make per window. */
  readonly global: number;
  /** The window, in milliseconds. */
  readonly windowMs: number;
}

/** The default limits: 10 failures per client and 100 in all per minute. */
export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = {
  perClient: 10,
  global: 100,
  windowMs: 60_000,
};

/** How many distinct reasons one client's summary names (the rest are counted, not named). */
const REASONS_NAMED = 3;

/** What one window saw from one client, written to the audit log when the window ends. */
export interface FailureSummary {
  /** The client address. */
  readonly client: string;
  /** Failed sign-ins, refused ones (429) included. */
  readonly failures: number;
  /** Why they failed, the first few distinct reasons (`wrong admin token`, `oidc: …`). */
  readonly reasons: readonly string[];
  /** When the window started (ISO 8601). */
  readonly windowStart: string;
}

/** One client's failures in the current window. */
interface ClientFailures {
  failures: number;
  readonly reasons: Set<string>;
}

/** Counts failed sign-ins and says when a client must wait. */
export class SignInThrottle {
  #windowStart: number;
  #global = 0;
  #clients = new Map<string, ClientFailures>();

  /**
   * @param limits The limits.
   * @param now The clock, in milliseconds.
   * @param flush Receives each ended window's per-client summaries (the audit log).
   */
  constructor(
    readonly limits: ThrottleLimits,
    readonly now: () => number,
    readonly flush: (summaries: FailureSummary[]) => Promise<void>,
  ) {
    this.#windowStart = this.#currentWindow();
  }

  /**
   * Admits a sign-in attempt of `client`, counted as a failure (for `reason`) until
   * {@link forgive} says it succeeded (so that concurrent attempts cannot all slip through before
   * any has failed), or says how long the client must wait.
   *
   * @param client The client address.
   * @param reason Why the attempt counts as failed if it is not forgiven.
   * @returns Seconds to wait (for `Retry-After`), or 0 when the attempt is admitted.
   */
  admit(client: string, reason = "wrong admin token"): number {
    const mine = this.#clients.get(client);
    const failed = mine?.failures ?? 0;
    const crowded = this.#global >= this.limits.global && failed > 0;
    if (failed < this.limits.perClient && !crowded) {
      this.fail(client, reason);
      return 0;
    }
    // A refused attempt is counted for the client only if it is already known (bounded memory).
    if (mine) mine.failures++;
    return Math.max(1, Math.ceil((this.#windowStart + this.limits.windowMs - this.now()) / 1000));
  }

  /**
   * Counts a failed sign-in that is not refused by the throttle (an OpenID Connect callback the
   * provider or the host refused): it is audited with the window's others.
   *
   * @param client The client address.
   * @param reason Why it failed (capped in the audit row).
   */
  fail(client: string, reason: string): void {
    this.#global++;
    const mine = this.#clients.get(client);
    if (!mine) {
      this.#clients.set(client, { failures: 1, reasons: new Set([reason]) });
      return;
    }
    mine.failures++;
    if (mine.reasons.size < REASONS_NAMED) mine.reasons.add(reason);
  }

  /**
   * Takes back an admitted attempt that succeeded.
   *
   * @param client The client address.
   */
  forgive(client: string): void {
    const mine = this.#clients.get(client);
    if (!mine || mine.failures <= 1) this.#clients.delete(client);
    else mine.failures--;
    this.#global = Math.max(0, this.#global - 1);
  }

  /**
   * Ends the current window if its time is up, handing its summaries to `flush`. Call it before
   * counting (the sign-in routes do on every request).
   *
   * @returns When the summaries were written.
   */
  async roll(): Promise<void> {
    const current = this.#currentWindow();
    if (current === this.#windowStart) return;
    const windowStart = new Date(this.#windowStart).toISOString();
    const summaries = [...this.#clients].map(([client, { failures, reasons }]) => ({
      client,
      failures,
      reasons: [...reasons],
      windowStart,
    }));
    this.#windowStart = current;
    this.#global = 0;
    this.#clients = new Map();
    if (summaries.length > 0) await this.flush(summaries);
  }

  #currentWindow(): number {
    return Math.floor(this.now() / this.limits.windowMs) * this.limits.windowMs;
  }
}

/**
 * The throttle's `flush`: one audit row per client and window, with the count and the reasons.
 *
 * @param append Writes an audit event (the store's `appendAudit`).
 * @param log Where a failed write is reported.
 * @returns The flush function.
 * @example
 * ```ts
 * import { MemoryStore } from "../../state/mod.ts";
 * const store = new MemoryStore();
 * new SignInThrottle(DEFAULT_THROTTLE_LIMITS, Date.now, auditSignInFailures((e) => store.appendAudit(e)));
 * ```
 */
export function auditSignInFailures(
  append: (event: AuditEvent) => Promise<void>,
  log?: Logger,
): (summaries: readonly FailureSummary[]) => Promise<void> {
  return async (summaries) => {
    for (const summary of summaries) {
      await append({
        time: summary.windowStart,
        actor: "anonymous",
        action: "sign_in",
        target: summary.client,
        outcome: "failure",
        detail: `${summary.failures} failed sign-in${
          summary.failures === 1 ? "" : "s"
        } in the minute (${summary.reasons.join("; ")})`,
      }).catch((error) => log?.error("the audit log could not be written", { error }));
    }
  };
}
