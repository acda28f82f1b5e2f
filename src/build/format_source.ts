/**
 * Formats generated TypeScript with `deno fmt`, using the configuration that governs the folder the
 * file will live in, so that `deno fmt --check` passes on it whatever the project's line width.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import process from "node:process";

/**
 * Formats TypeScript source as `deno fmt` would format a file in `dir`. Outside Deno (Node, Bun)
 * the source is returned unchanged.
 *
 * @param source The TypeScript source.
 * @param dir The folder the file will be written to (its `deno.json` decides the style).
 * @returns The formatted source.
 * @throws {Error} When the formatter rejects the source (a bug in the generator).
 * @example
 * ```ts
 * const formatted = formatTypeScript("export const a = {b:1}", ".gen");
 * ```
 */
export function formatTypeScript(source: string, dir: string): string {
  if (!("Deno" in globalThis)) return source;
  const result = spawnSync(process.execPath, ["fmt", "--ext", "ts", "-"], {
    cwd: nearestExisting(dir),
    input: source,
    encoding: "utf8",
    maxBuffer: 1024 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`deno fmt rejected the generated source: ${result.stderr || result.error}`);
  }
  return result.stdout;
}

function nearestExisting(dir: string): string {
  let current = dir;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}
