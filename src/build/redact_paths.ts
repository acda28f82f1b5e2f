/**
 * Error messages from plugin code, stripped of the server's file-system paths.
 *
 * @module
 */
import { pathToFileURL } from "node:url";

/**
 * Rewrites a message so that it names files relative to the plugin and never shows the server's
 * absolute paths: the plugin folders become relative, the host folder becomes `<host>`; terminal
 * colour codes and line breaks go.
 *
 * @param message The original message.
 * @param pluginDirs The plugin folder, as discovered and as its real path.
 * @param hostDir The host project folder.
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
  // deno-lint-ignore no-control-regex
  let text = message.replace(/\u001b\[[0-9;]*m/g, "").replace(/\s*\n\s*/g, " ").trim();
  const replacements: [string, string][] = [
    ...pluginDirs.map((dir): [string, string] => [dir, ""]),
    [hostDir, "<host>"],
  ];
  replacements.sort(([a], [b]) => b.length - a.length);
  for (const [dir, replacement] of replacements) {
    for (const prefix of [pathToFileURL(dir).href, dir]) {
      text = text.replaceAll(`${prefix}/`, replacement ? `${replacement}/` : "");
      text = text.replaceAll(prefix, replacement || ".");
    }
  }
  return text;
}
