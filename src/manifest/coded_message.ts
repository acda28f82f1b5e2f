/**
 * Problem codes carried in valibot messages: a rule's message starts with its code in brackets, and
 * the validator takes it apart again when issues become problems.
 *
 * @module
 */
import type { ProblemCode } from "./problems.ts";

const CODE_PREFIX = /^\[([a-z_]+\.[a-z_]+)\] /;

/**
 * Joins a problem code and a sentence into a valibot message; {@link splitCodedMessage} takes them
 * apart again when issues become problems.
 *
 * @param code The stable problem code.
 * @param text The sentence for humans.
 * @returns The message for valibot.
 * @example
 * ```ts
 * codedMessage("manifest.invalid_name", "must be a slug"); // "[manifest.invalid_name] must be a slug"
 * ```
 */
export function codedMessage(code: ProblemCode, text: string): string {
  return `[${code}] ${text}`;
}

/**
 * Splits a message made by {@link codedMessage}. Messages without a code get `fallback`.
 *
 * @param message A valibot issue message.
 * @param fallback The code for messages that carry none.
 * @returns The code and the sentence.
 * @example
 * ```ts
 * splitCodedMessage("[manifest.invalid_name] must be a slug", "manifest.invalid_value");
 * // { code: "manifest.invalid_name", text: "must be a slug" }
 * ```
 */
export function splitCodedMessage(
  message: string,
  fallback: ProblemCode,
): { code: ProblemCode; text: string } {
  const match = CODE_PREFIX.exec(message);
  if (!match) return { code: fallback, text: message };
  return { code: match[1] as ProblemCode, text: message.slice(match[0].length) };
}
