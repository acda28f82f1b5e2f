/**
 * The fingerprint of a build's inputs: every plugin's location, manifest bytes and the bytes of the
 * modules it declares. Same inputs, same fingerprint; any change to them, a different one.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { VerifiedPlugin } from "./verify.ts";

/**
 * Hashes the inputs of a build.
 *
 * @param plugins The verified plugins, in registry order.
 * @returns `sha256-<hex>`.
 * @example
 * ```ts
 * import { discover } from "./discover.ts";
 * import { verify } from "./verify.ts";
 * const fingerprint = fingerprintInputs(await verify(discover({ installDir: ".", dataDir: "./data" })));
 * ```
 */
export function fingerprintInputs(plugins: readonly VerifiedPlugin[]): string {
  const hash = createHash("sha256");
  for (const plugin of plugins) {
    hash.update(`plugin\0${plugin.source}\0${plugin.name}\0${plugin.status}\n`);
    hash.update(`manifest\0${digest(plugin.manifestBytes)}\n`);
    for (const module of declaredModules(plugin)) {
      hash.update(`module\0${module}\0${digest(readOrUndefined(join(plugin.dir, module)))}\n`);
    }
  }
  return `sha256-${hash.digest("hex")}`;
}

function declaredModules(plugin: VerifiedPlugin): string[] {
  const manifest = plugin.manifest;
  if (!manifest) return [];
  const modules = manifest.routers.map((router) => router.module);
  if (manifest.frontend_entry !== undefined) modules.push(manifest.frontend_entry);
  return [...new Set(modules)].sort();
}

function digest(bytes: Uint8Array | undefined): string {
  return bytes === undefined ? "-" : createHash("sha256").update(bytes).digest("hex");
}

function readOrUndefined(file: string): Uint8Array | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}
