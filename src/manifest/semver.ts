/**
 * Semantic Versioning 2.0.0 precedence (section 11 of the specification).
 *
 * @module
 */
import { SEMVER } from "./schema.ts";

/**
 * Compares two valid semver versions by precedence; build metadata is ignored.
 *
 * @param a A version.
 * @param b Another version.
 * @returns A negative number when `a` is older, positive when newer, 0 when equal in precedence.
 * @throws {Error} When either is not semver.
 * @example
 * ```ts
 * compareSemver("1.0.0-rc.1", "1.0.0"); // < 0
 * compareSemver("1.10.0", "1.9.0"); // > 0
 * ```
 */
export function compareSemver(a: string, b: string): number {
  const [coreA, preA] = split(a);
  const [coreB, preB] = split(b);
  for (let index = 0; index < 3; index++) {
    const difference = coreA[index]! - coreB[index]!;
    if (difference !== 0) return Math.sign(difference);
  }
  if (preA.length === 0 || preB.length === 0) {
    return preA.length === preB.length ? 0 : preA.length === 0 ? 1 : -1; // a release outranks its pre-releases
  }
  for (let index = 0; index < Math.max(preA.length, preB.length); index++) {
    const x = preA[index];
    const y = preB[index];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const numeric = /^\d+$/;
    if (numeric.test(x) && numeric.test(y)) {
      if (Number(x) !== Number(y)) return Math.sign(Number(x) - Number(y));
    } else if (numeric.test(x) !== numeric.test(y)) {
      return numeric.test(x) ? -1 : 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

function split(version: string): [number[], string[]] {
  const match = SEMVER.exec(version);
  if (!match) throw new Error(`not a semver version: ${version}`);
  return [
    [Number(match[1]), Number(match[2]), Number(match[3])],
    match[4] ? match[4].split(".") : [],
  ];
}
