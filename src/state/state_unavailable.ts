/**
 * The error a store raises when it cannot keep what it is given, so that the host answers
 * `503 state_unavailable` instead of reporting success for a change that would be lost.
 *
 * @module
 */

/** The store cannot serve reads or keep writes (its database file went away, say). */
export class StateUnavailable extends Error {
  /** The error's name. */
  override name = "StateUnavailable";
}
