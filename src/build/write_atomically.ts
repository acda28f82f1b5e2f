/**
 * Writing a file so that a reader sees the old contents or the new ones, never half of them.
 *
 * @module
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import process from "node:process";

/**
 * Writes a temporary file beside `file`, then renames it over `file` (creating the folder).
 *
 * @param file The file to write.
 * @param text Its new contents.
 * @example
 * ```ts
 * writeFileAtomically(".gen/registry.ts", "export const registry = …;\n");
 * ```
 */
export function writeFileAtomically(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}
