/**
 * `deno task plugins build` as a user runs it: a fresh process, timed from spawn to exit.
 *
 * @module
 */

/** Where one timed build reads and writes. */
export interface CliBuild {
  /** The install directory (bundled plugins in `<dir>/plugins`). */
  readonly installDir: string;
  /** The data directory (customer plugins in `<dir>/plugins`). */
  readonly dataDir: string;
  /** The registry file (the build cache sits beside it). */
  readonly outFile: string;
  /** Whether the build ignores the cache (`--no-cache`). */
  readonly noCache: boolean;
}

/**
 * Runs one build in a fresh process.
 *
 * @param deno The Deno executable.
 * @param project The host project folder.
 * @param build Its folders and whether it uses the cache.
 * @returns The seconds from spawn to exit.
 * @throws {Error} With the build's error output when it fails.
 */
export async function timeCliBuild(
  deno: string,
  project: string,
  build: CliBuild,
): Promise<number> {
  const started = performance.now();
  const output = await new Deno.Command(deno, {
    args: [
      "run",
      "-A",
      "src/cli/tasks/plugins.ts",
      "build",
      ...(build.noCache ? ["--no-cache"] : []),
      "--install-dir",
      build.installDir,
      "--data-dir",
      build.dataDir,
      "--out",
      build.outFile,
    ],
    cwd: project,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (output.code !== 0) throw new Error(new TextDecoder().decode(output.stderr));
  return (performance.now() - started) / 1000;
}
