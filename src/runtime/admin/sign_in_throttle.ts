/**
 * Limits on failed sign-ins: per client and for everyone together, in fixed one-minute windows.
 * A client over its limit, or anyone while the global limit is reached, gets 429 with
 * `Retry-After` before the token is even compared. Failures are not written to the audit log one
 * by one: each window ends with one row per client that failed in it, with the count (written on
 * the first admin request after the window, so that nothing runs in the background).
 *
 * @module
 */

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

/** What one window saw from one client, written to the audit log when the window ends. */
export interface FailureSummary {
  /** The client address. */
  readonly client: string;
  /** Failed sign-ins, refused ones (429) included. */
  readonly failures: number;
  /** When the window started (ISO 8601). */
  readonly windowStart: string;
}

/** Counts failed sign-ins and says when a client must wait. */
export class SignInThrottle {
  #windowStart: number;
  #global = 0;
  #clients = new Map<string, number>();

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
   * Admits a sign-in attempt of `client`, counted as a failure until {@link forgive} says it
   * succeeded (so that concurrent attempts cannot all slip through before any has failed), or
   * says how long the client must wait.
   *
   * @param client The client address.
   * @returns Seconds to wait (for `Retry-After`), or 0 when the attempt is admitted.
   */
  admit(client: string): number {
    const mine = this.#clients.get(client) ?? 0;
    if (mine < this.limits.perClient && this.#global < this.limits.global) {
      this.#global++;
      this.#clients.set(client, mine + 1);
      return 0;
    }
    // A refused attempt is counted for the client only if it is already known (bounded memory).
    if (this.#clients.has(client)) this.#clients.set(client, mine + 1);
    return Math.max(1, Math.ceil((this.#windowStart + this.limits.windowMs - this.now()) / 1000));
  }

  /**
   * Takes back an admitted attempt that succeeded.
   *
   * @param client The client address.
   */
  forgive(client: string): void {
    const mine = this.#clients.get(client) ?? 0;
    if (mine <= 1) this.#clients.delete(client);
    else this.#clients.set(client, mine - 1);
    this.#global = Math.max(0, this.#global - 1);
  }

  /**
   * Ends the current window if its time is up, handing its summaries to `flush`. Call it before
   * counting (the admin UI does on every request).
   *
   * @returns When the summaries were written.
   */
  async roll(): Promise<void> {
    const current = this.#currentWindow();
    if (current === this.#windowStart) return;
    const windowStart = new Date(this.#windowStart).toISOString();
    const summaries = [...this.#clients].map(([client, failures]) => ({
      client,
      failures,
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
