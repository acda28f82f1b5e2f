/**
 * The audit log: who did what to the admin surface, and with what outcome. Behind a small store
 * interface; the in-memory store keeps the most recent events.
 *
 * @module
 */

/** What happened. Lifecycle actions join later. */
export type AuditAction = "sign_in" | "sign_out";

/** One audit event. */
export interface AuditEvent {
  /** When, as an ISO 8601 timestamp. */
  readonly time: string;
  /** Who: `admin` for a signed-in admin, `anonymous` otherwise. */
  readonly actor: string;
  /** The action. */
  readonly action: AuditAction;
  /** Whether it succeeded. */
  readonly outcome: "success" | "failure";
  /** A short, non-secret detail. */
  readonly detail?: string;
}

/** Where audit events are kept. */
export interface AuditStore {
  /** Records an event. */
  append(event: AuditEvent): Promise<void>;
  /** The most recent events, newest first. */
  recent(limit: number): Promise<AuditEvent[]>;
}

/**
 * An audit store in memory, keeping the newest `capacity` events.
 *
 * @example
 * ```ts
 * const audit = new MemoryAuditStore();
 * await audit.append({ time: new Date().toISOString(), actor: "admin", action: "sign_in", outcome: "success" });
 * ```
 */
export class MemoryAuditStore implements AuditStore {
  readonly #events: AuditEvent[] = [];

  /** @param capacity How many events to keep. */
  constructor(readonly capacity = 1000) {}

  append(event: AuditEvent): Promise<void> {
    this.#events.push(Object.freeze({ ...event }));
    if (this.#events.length > this.capacity) this.#events.shift();
    return Promise.resolve();
  }

  recent(limit: number): Promise<AuditEvent[]> {
    return Promise.resolve(this.#events.slice(-limit).reverse());
  }
}
