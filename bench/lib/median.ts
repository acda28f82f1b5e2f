/**
 * The median, the benchmarks' summary of rounds (robust to one slow round on a noisy machine).
 *
 * @module
 */

/**
 * The middle value (the mean of the two middle values for an even count).
 *
 * @param values The measurements.
 * @returns Their median.
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
