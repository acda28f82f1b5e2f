/**
 * Starting a program on Deno (the dbt `command` runner). The host's own variables are blanked in
 * the child's environment, so a dbt project cannot read the tokens with `env_var()`.
 *
 * @module
 */
import { serverVariables } from "../../env/mod.ts";
import type { Spawn } from "../../runtime/mod.ts";
import { OutputTail } from "../_output_tail.ts";

/**
 * Starts `command`, collects its standard output and error as they come, and resolves with its
 * exit code; `signal` kills it.
 */
export const denoSpawn: Spawn = async (command, args, signal) => {
  const child = new Deno.Command(command, {
    args: [...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: Object.fromEntries(serverVariables().map((name) => [name, ""])),
    signal,
  }).spawn();
  const output = new OutputTail();
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const text of stream.pipeThrough(new TextDecoderStream())) output.push(text);
  };
  const [status] = await Promise.all([child.status, collect(child.stdout), collect(child.stderr)]);
  return { code: status.code, output: output.text };
};
