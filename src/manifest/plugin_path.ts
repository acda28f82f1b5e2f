/**
 * Rules for paths a manifest writes (router modules, dbt workspace, frontend entry): relative,
 * forward slashes, inside the plugin. These are checked on the text; the build later checks what
 * the path resolves to on disk (symlinks included).
 *
 * @module
 */

/** File extensions a router or frontend module may have. */
export const MODULE_EXTENSIONS = [".ts", ".tsx", ".js", ".mjs"] as const;

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Explains why a manifest path cannot name something inside the plugin, or returns `undefined`
 * when it can.
 *
 * @param path The path as written in the manifest.
 * @returns A reason phrase such as "is absolute", or `undefined`.
 * @example
 * ```ts
 * pathProblem("../other/x.ts"); // "leaves the plugin folder (`..`)"
 * pathProblem("backend/x.ts"); // undefined
 * ```
 */
export function pathProblem(path: string): string | undefined {
  if (path.trim() === "") return "is empty";
  if (SCHEME.test(path) && !/^[a-z]:[\\/]/i.test(path)) {
    return "is a URL or package specifier, not a path inside the plugin";
  }
  if (path.includes("\\")) return "uses backslashes; write paths with `/`";
  if (path.startsWith("/") || /^[a-z]:/i.test(path)) return "is absolute";
  if (path.split("/").includes("..")) return "leaves the plugin folder (`..`)";
  return undefined;
}

/**
 * Explains why a path cannot name a module (`.ts`, `.tsx`, `.js`, `.mjs`) inside the plugin.
 *
 * @param path The module path as written in the manifest.
 * @returns A reason phrase, or `undefined` when the path is acceptable.
 * @example
 * ```ts
 * modulePathProblem("backend/x.py"); // "must end in .ts, .tsx, .js or .mjs"
 * ```
 */
export function modulePathProblem(path: string): string | undefined {
  const problem = pathProblem(path);
  if (problem) return problem;
  if (!MODULE_EXTENSIONS.some((extension) => path.endsWith(extension))) {
    return `must end in ${MODULE_EXTENSIONS.slice(0, -1).join(", ")} or ${
      MODULE_EXTENSIONS.at(-1)
    }`;
  }
  return undefined;
}

/**
 * The rule of a stylesheet path: a path inside the plugin ending in `.css`.
 *
 * @param path The path as written in the manifest.
 * @returns A reason phrase, or `undefined` when the path is acceptable.
 * @example
 * ```ts
 * stylesheetPathProblem("frontend/styles.scss"); // "must end in .css"
 * ```
 */
export function stylesheetPathProblem(path: string): string | undefined {
  return pathProblem(path) ?? (path.endsWith(".css") ? undefined : "must end in .css");
}
