/**
 * Bundling: each server entry becomes one self-contained JavaScript file with `deno bundle`
 * (esbuild inside), so a runtime needs nothing but that file.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import process from "node:process";

/** One bundle to write: an entry module and the file it becomes. */
export interface BundleTarget {
  /** The entry module, e.g. `main_node.ts`. */
  readonly entry: string;
  /** The output file, e.g. `dist/server.mjs`. */
  readonly output: string;
}

/** The three bundles of `deno task bundle`. */
export const BUNDLE_TARGETS: readonly BundleTarget[] = [
  { entry: "main.ts", output: "dist/server.js" },
  { entry: "main_node.ts", output: "dist/server.mjs" },
  { entry: "main_worker.ts", output: "dist/worker.js" },
];

/**
 * Bundles one entry with the running Deno binary (every dependency inlined, `node:` built-ins kept
 * as imports, minified).
 *
 * @param target The entry and output file.
 * @param cwd The project folder whose `deno.json` resolves the imports.
 * @throws {Error} With `deno bundle`'s output when bundling fails.
 * @example
 * ```ts
 * bundle({ entry: "main_node.ts", output: "dist/server.mjs" });
 * ```
 */
export function bundle(target: BundleTarget, cwd: string = process.cwd()): void {
  const failure = denoBundle(["--minify", "--output", target.output, target.entry], cwd);
  if (failure !== undefined) throw new Error(`deno bundle ${target.entry} failed:\n${failure}`);
}

/**
 * Runs `deno bundle --quiet --platform deno` with the running Deno binary.
 *
 * @param args The rest of the arguments (output, entry, externals…).
 * @param cwd The project folder whose `deno.json` resolves the imports.
 * @returns The bundler's message when it failed, else `undefined`.
 * @example
 * ```ts
 * denoBundle(["--output", "dist/server.js", "main.ts"], "."); // undefined
 * ```
 */
export function denoBundle(args: readonly string[], cwd: string): string | undefined {
  const result = spawnSync(
    process.execPath,
    ["bundle", "--quiet", "--platform", "deno", ...args],
    { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
  );
  if (result.status === 0) return undefined;
  return result.stderr || result.error?.message || "the bundler could not run";
}
