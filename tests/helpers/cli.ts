/**
 * Test helper: running the CLI in-process and capturing what it prints.
 *
 * @module
 */
import { join } from "node:path";
import { runCli } from "../../src/cli/mod.ts";

/** What one CLI run printed and returned. */
export interface CliRun {
  /** The exit code. */
  readonly code: number;
  /** Standard output lines. */
  readonly out: string[];
  /** Standard error lines. */
  readonly err: string[];
}

/**
 * Runs the CLI with `argv`, an environment (no `INSTALL_DIR`/`DATA_DIR` unless given) and what it
 * reads on standard input.
 */
export async function cli(
  argv: string[],
  env: Record<string, string> = {},
  input = "",
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, env, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    input: () => Promise.resolve(input),
  });
  return { code, out, err };
}

/** The flags that point the CLI at a test tree: its plugins, its data folder, its registry. */
export function treeFlags(root: string): string[] {
  return [
    "--install-dir",
    root,
    "--data-dir",
    join(root, "data"),
    "--out",
    join(root, ".gen/registry.ts"),
  ];
}
