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

/**
 * A folder and, when a link leads elsewhere, the folder it leads to: the paths a check of "inside
 * this folder" must accept.
 *
 * @param dir The folder.
 * @returns `[dir]`, or `[dir, its real path]`.
 * @example
 * ```ts ignore
 * folderAndRealPath("/srv/plugins/crm"); // ["/srv/plugins/crm", "/data/crm"] when it is a link
 * ```
 */
export function folderAndRealPath(dir: string): string[] {
  try {
    const real = realpathSync(dir);
    return real === dir ? [dir] : [dir, real];
  } catch {
    return [dir];
  }
}
