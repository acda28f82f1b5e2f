/**
 * "Did you mean …?": the known word closest to a mistyped one, by edit distance.
 *
 * @module
 */

/** The largest edit distance a suggestion may be away. */
export const MAX_SUGGESTION_DISTANCE = 2;

/**
 * The candidate closest to `word` (ties: the first in order), if one is within
 * {@link MAX_SUGGESTION_DISTANCE} edits (insertions, deletions, substitutions, transpositions).
 *
 * @param word The mistyped word.
 * @param candidates The known words.
 * @returns The suggestion, or `undefined`.
 * @example
 * ```ts
 * didYouMean("router", ["name", "routers", "nav"]); // "routers"
 * didYouMean("biuld", ["build", "verify"]); // "build"
 * didYouMean("zebra", ["build", "verify"]); // undefined
 * ```
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = MAX_SUGGESTION_DISTANCE + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance && distance < Math.max(word.length, candidate.length)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Optimal string alignment distance (Damerau–Levenshtein without repeated edits of a substring). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > MAX_SUGGESTION_DISTANCE) return Infinity;
  const rows = Array.from({ length: a.length + 1 }, (_, i) => {
    const row = new Array<number>(b.length + 1).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        rows[i - 1]![j]! + 1,
        rows[i]![j - 1]! + 1,
        rows[i - 1]![j - 1]! + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, rows[i - 2]![j - 2]! + 1);
      }
      rows[i]![j] = value;
    }
  }
  return rows[a.length]![b.length]!;
}
