/**
 * Where in a plugin's code an import failed: Deno names the place in its message (a syntax error,
 * a module that is not found: `… at file:///…/backend/routers/crm.ts:4:42`); the problem then
 * points at that file, line and column, with the source line and a caret under the column.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** A place in a plugin's code. */
export interface CodeLocation {
  /** The file, relative to the plugin folder. */
  readonly file: string;
  /** The line, from 1. */
  readonly line: number;
  /** The column, from 1. */
  readonly column: number;
  /** The source line, numbered, and a caret under the column. */
  readonly frame: string;
}

const PLACE = /\bat (file:\/\/\S+?|\/\S+?):(\d+):(\d+)\b/g;

/**
 * The last place in the plugin's own files that a failure's message names.
 *
 * @param message The failure's message (colour codes allowed).
 * @param pluginDirs The plugin folder, as discovered and as its real path.
 * @returns The place, or `undefined` when the message names none inside the plugin.
 * @example
 * ```ts ignore
 * codeLocation("SyntaxError: Unexpected token at file:///p/crm/r.ts:4:42", ["/p/crm"]);
 * // { file: "r.ts", line: 4, column: 42, frame: "4 | …\n  |   ^" }
 * ```
 */
export function codeLocation(
  message: string,
  pluginDirs: readonly string[],
): CodeLocation | undefined {
  // deno-lint-ignore no-control-regex
  const plain = message.replace(/\u001b\[[0-9;]*m/g, "");
  for (const match of [...plain.matchAll(PLACE)].reverse()) {
    const path = match[1]!.startsWith("file:") ? fileURLToPath(match[1]!) : match[1]!;
    const dir = pluginDirs.find((candidate) => path.startsWith(candidate + sep));
    if (dir === undefined) continue;
    const line = Number(match[2]);
    const column = Number(match[3]);
    return { file: relative(dir, path), line, column, frame: sourceFrame(path, line, column) };
  }
  return undefined;
}

/**
 * A source line, numbered, and a caret under a column.
 *
 * @param path The file.
 * @param line The line, from 1.
 * @param column The column, from 1.
 * @returns The two lines, or `""` when the file or line cannot be read.
 */
export function sourceFrame(path: string, line: number, column: number): string {
  let source: string | undefined;
  try {
    source = readFileSync(path, "utf8").split(/\r?\n/)[line - 1];
  } catch {
    source = undefined;
  }
  if (source === undefined) return "";
  const gutter = String(line);
  return [
    `${gutter} | ${source}`,
    `${" ".repeat(gutter.length)} | ${" ".repeat(Math.max(column - 1, 0))}^`,
  ].join("\n");
}

/**
 * The first line of a failure's message, without the `TypeError: ` a dynamic import wraps a
 * syntax error in, nor the place it names (the problem's location says it).
 *
 * @param message The message, already one line or not.
 * @returns The summary.
 */
export function failureSummary(message: string): string {
  // deno-lint-ignore no-control-regex
  const first = message.replace(/\u001b\[[0-9;]*m/g, "").trim().split("\n")[0]!.trim();
  return first.replace(/^TypeError: (?=\w*Error: )/, "").replace(PLACE, "").trim();
}
