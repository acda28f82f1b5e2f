/**
 * Bundling many plugins' files in one bundler run, and finding whose file broke it: when the run
 * fails, each entry is bundled alone, so that every failure is its own plugin's and the others still
 * get their bundles.
 *
 * @module
 */

/**
 * Runs `bundle` over every entry at once; when that fails (and there is more than one), over each
 * entry alone.
 *
 * @param entries What to bundle.
 * @param bundle One bundler run: a result per entry, in order, or the run's failure.
 * @returns A result or failure per entry, in order.
 * @example
 * ```ts
 * batchOrAlone([1, 2], (numbers) => numbers.map((n) => n * 2)); // [2, 4]
 * ```
 */
export function batchOrAlone<Entry, Result, Failure extends { readonly failure: string }>(
  entries: readonly Entry[],
  bundle: (entries: readonly Entry[]) => Result[] | Failure,
): (Result | Failure)[] {
  if (entries.length === 0) return [];
  const batch = bundle(entries);
  if (!("failure" in batch)) return batch;
  if (entries.length === 1) return [batch];
  return entries.map((entry) => {
    const alone = bundle([entry]);
    return "failure" in alone ? alone : alone[0]!;
  });
}
