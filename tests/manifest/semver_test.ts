import assert from "node:assert/strict";
import { compareSemver } from "../../src/manifest/semver.ts";

Deno.test("compareSemver() follows the specification's precedence example", () => {
  const ordered = [
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
    "1.0.1",
    "1.2.0",
    "1.10.0",
    "2.0.0",
  ];
  for (let i = 0; i < ordered.length; i++) {
    for (let j = 0; j < ordered.length; j++) {
      assert.equal(
        Math.sign(compareSemver(ordered[i]!, ordered[j]!)),
        Math.sign(i - j),
        `${ordered[i]} vs ${ordered[j]}`,
      );
    }
  }
  assert.equal(
    compareSemver("1.0.0+build.1", "1.0.0+build.2"),
    0,
    "build metadata has no precedence",
  );
  assert.throws(() => compareSemver("1.0", "1.0.0"));
});
