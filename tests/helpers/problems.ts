/**
 * Test helper: the codes of a list of problems, for compact assertions.
 *
 * @module
 */
import type { Problem } from "../../src/manifest/mod.ts";

/** The codes of `problems`, in order. */
export function codes(problems: readonly Problem[]): string[] {
  return problems.map((item) => item.code);
}
