/**
 * The audit log's free text is bounded: every store keeps at most {@link AUDIT_TEXT_LIMIT}
 * characters of an event's actor, target and detail, so text a client chose (an identity
 * provider's error, a plugin's message) cannot grow the log by kilobytes a row.
 *
 * @module
 */
import type { AuditEvent } from "./types.ts";

/** The most characters an audit event's actor, target or detail keeps. */
export const AUDIT_TEXT_LIMIT = 256;

/**
 * An audit event with its free text cut to {@link AUDIT_TEXT_LIMIT} characters (`…` marks a cut).
 *
 * @param event The event as written.
 * @returns The event as stored.
 * @example
 * ```ts
 * boundedAuditEvent({ time: "t", actor: "x".repeat(300), action: "sign_in", outcome: "failure" })
 *   .actor.length; // 256
 * ```
 */
export function boundedAuditEvent(event: AuditEvent): AuditEvent {
  return {
    ...event,
    actor: bounded(event.actor),
    ...(event.target === undefined ? {} : { target: bounded(event.target) }),
    ...(event.detail === undefined ? {} : { detail: bounded(event.detail) }),
  };
}

function bounded(text: string): string {
  const characters = [...text];
  return characters.length <= AUDIT_TEXT_LIMIT
    ? text
    : `${characters.slice(0, AUDIT_TEXT_LIMIT - 1).join("")}…`;
}
