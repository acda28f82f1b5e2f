/**
 * Test helper: running one of the Chromium scripts (`tests/e2e/*.mjs`, `tests/dev/*.mjs`) with
 * Node, killed when it overruns its time.
 *
 * @module
 */
import { resolve } from "node:path";

/** What a browser script printed, and how it ended. */
export interface BrowserRun {
  /** Its exit code. */
  readonly code: number;
  /** Its standard output, then its standard error. */
  readonly text: string;
}

/**
 * Runs `node <script> …args`, killing it after `timeoutMs`.
 *
 * @param script The script, relative to the project.
 * @param args Its arguments.
 * @param timeoutMs How long it may run.
 * @returns Its exit code and output.
 */
export async function runBrowserScript(
  script: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<BrowserRun> {
  const browser = new Deno.Command("node", {
    args: [resolve(script), ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const killer = setTimeout(() => browser.kill("SIGKILL"), timeoutMs);
  const output = await browser.output();
  clearTimeout(killer);
  const decoder = new TextDecoder();
  return {
    code: output.code,
    text: decoder.decode(output.stdout) + decoder.decode(output.stderr),
  };
}
