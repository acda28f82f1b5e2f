/**
 * Secrets never reach the build's outputs: problem messages (and so the registry, `dist/`,
 * `GET /api/plugins`, the admin UI and CLI output) have the values of the host's secret variables,
 * and of every variable named like a secret (`secretValues()`), replaced by `[redacted]`.
 *
 * @module
 */
import { redactSecrets } from "../log/mod.ts";
import type { Problem } from "../manifest/mod.ts";

/**
 * A problem list with the secrets of its messages redacted.
 *
 * @param problems The problems.
 * @param secrets The values to hide.
 * @returns The same problems, or copies with redacted messages.
 */
export function redactProblems(
  problems: readonly Problem[],
  secrets: readonly string[],
): Problem[] {
  return problems.map((item) => {
    const message = redactSecrets(item.message, secrets);
    return message === item.message ? item : { ...item, message };
  });
}
