/**
 * Keys a JavaScript object cannot hold as plain data: valibot's `record` drops them without a word,
 * so a map entry under one (a required plugin, a setting) would vanish silently. Maps refuse them
 * first.
 *
 * @module
 */
import * as v from "valibot";
import { codedMessage } from "./coded_message.ts";
import type { ProblemCode } from "./problems.ts";

/** The keys a record drops. */
const UNSAFE_KEYS = ["__proto__", "constructor", "prototype"] as const;

/**
 * A check that refuses a mapping with an unsafe key, before a `record` schema reads it.
 *
 * @param code The problem code.
 * @param what What a key names, for the message (`a required plugin`, `a setting`).
 * @returns The valibot action.
 */
export function noUnsafeKeys(code: ProblemCode, what: string) {
  const unsafeKey = (input: unknown) =>
    typeof input === "object" && input !== null
      ? UNSAFE_KEYS.find((key) => Object.hasOwn(input, key))
      : undefined;
  return v.check(
    (input: unknown) => unsafeKey(input) === undefined,
    (issue) => codedMessage(code, `\`${unsafeKey(issue.input)}\` cannot name ${what}`),
  );
}
