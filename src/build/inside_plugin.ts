/**
 * Resolving a manifest path on disk and checking that, symlinks followed, it stays inside the plugin.
 *
 * @module
 */
import { realpathSync, statSync } from "node:fs";
import { join, sep } from "node:path";

/** What a manifest path resolves to. */
export type Resolution =
  | { readonly kind: "inside"; readonly realPath: string; readonly isDirectory: boolean }
  | { readonly kind: "not_found" }
  | { readonly kind: "outside"; readonly realPath: string };

/**
 * Resolves `relativePath` against the plugin folder, following symlinks.
 *
 * @param pluginDir The plugin folder.
 * @param relativePath A path from the manifest (already checked to be relative and free of `..`).
 * @returns Whether it exists and whether its real location is inside the plugin's real folder.
 * @example
 * ```ts
 * const where = resolveInsidePlugin("/data/plugins/crm", "backend/routers/customers.ts");
 * if (where.kind === "inside") console.log(where.realPath);
 * ```
 */
export function resolveInsidePlugin(pluginDir: string, relativePath: string): Resolution {
  let realPath: string;
  let realRoot: string;
  try {
    realRoot = realpathSync(pluginDir);
    realPath = realpathSync(join(pluginDir, relativePath));
  } catch {
    return { kind: "not_found" };
  }
  if (realPath !== realRoot && !realPath.startsWith(realRoot + sep)) {
    return { kind: "outside", realPath };
  }
  return { kind: "inside", realPath, isDirectory: statSync(realPath).isDirectory() };
}
