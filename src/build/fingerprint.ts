/**
 * The fingerprint of a build's inputs: every plugin's location and status and the digest of every
 * file in its folder. Same inputs, same fingerprint; any change to them, a different one.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { folderDigest } from "./folder_digest.ts";
import type { VerifiedPlugin } from "./verify.ts";

/**
 * Hashes the inputs of a build.
 *
 * @param plugins The verified plugins, in registry order.
 * @param digestOf The digest of a plugin folder (the build cache knows the unchanged ones).
 * @returns `sha256-<hex>`.
 * @example
 * ```ts
 * import { discover } from "./discover.ts";
 * import { verify } from "./verify.ts";
 * const fingerprint = fingerprintInputs(await verify(discover({ installDir: ".", dataDir: "./data" })));
 * ```
 */
export function fingerprintInputs(
  plugins: readonly VerifiedPlugin[],
  digestOf: (dir: string) => string | undefined = folderDigest,
): string {
  const hash = createHash("sha256");
  for (const plugin of plugins) {
    hash.update(`plugin\0${plugin.source}\0${plugin.name}\0${plugin.status}\n`);
    hash.update(`folder\0${digestOf(plugin.dir) ?? "unreadable"}\n`);
  }
  return `sha256-${hash.digest("hex")}`;
}
