/**
 * Importing plugin code at build time: bounded in time, and with error messages stripped of the
 * server's file-system paths.
 *
 * @module
 */
import { pathToFileURL } from "node:url";

/** How long one module import may take before it is reported as hanging, in milliseconds. */
export const DEFAULT_IMPORT_TIMEOUT_MS = 10_000;

/** Thrown when a module import does not settle within the timeout. */
export class ImportTimeoutError extends Error {
  /**
   * @param timeoutMs The timeout that passed.
   */
  constructor(readonly timeoutMs: number) {
    super(
      `the import did not finish within ${timeoutMs} ms (a top-level await that never settles?)`,
    );
    this.name = "ImportTimeoutError";
  }
}

/**
 * Imports a module by its file path, rejecting with {@link ImportTimeoutError} when it takes too long.
 *
 * @param file The absolute path of the module.
 * @param timeoutMs The time limit.
 * @returns The module namespace.
 * @example
 * ```ts
 * const mod = await importWithTimeout("/data/plugins/crm/backend/routers/customers.ts", 10_000);
 * ```
 */
export async function importWithTimeout(
  file: string,
  timeoutMs: number = DEFAULT_IMPORT_TIMEOUT_MS,
): Promise<Record<string, unknown>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ImportTimeoutError(timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([import(pathToFileURL(file).href), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Rewrites an error message so that it names files relative to the plugin and never shows the
 * server's absolute paths: the plugin folders become relative, other known roots a placeholder.
 *
 * @param message The original message.
 * @param pluginDirs The plugin folder, as discovered and as its real path.
 * @param hostDir The host project folder, shown as `<host>`.
 * @returns The message on one line, without those paths.
 * @example
 * ```ts
 * redactPaths('Module not found "file:///data/plugins/crm/x.ts"', ["/data/plugins/crm"], "/app");
 * // 'Module not found "x.ts"'
 * ```
 */
export function redactPaths(
  message: string,
  pluginDirs: readonly string[],
  hostDir: string,
): string {
  let text = message.replace(/\s*\n\s*/g, " ").trim();
  const replacements: [string, string][] = [
    ...pluginDirs.map((dir): [string, string] => [dir, ""]),
    [hostDir, "<host>"],
  ];
  replacements.sort(([a], [b]) => b.length - a.length);
  for (const [dir, replacement] of replacements) {
    const url = pathToFileURL(dir).href;
    for (const prefix of [url, dir]) {
      text = text.replaceAll(`${prefix}/`, replacement ? `${replacement}/` : "");
      text = text.replaceAll(prefix, replacement || ".");
    }
  }
  return text;
}
