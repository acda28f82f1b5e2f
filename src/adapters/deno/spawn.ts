/**
 * Starting a program on Deno: the dbt `command` runner (the host's own variables are blanked in
 * the child's environment, so a dbt project cannot read the tokens with `env_var()`), and the
 * plugin process's supervisor and the port the plugin process connects to.
 *
 * @module
 */
import { serverVariables } from "../../env/mod.ts";
import type { Spawn } from "../../runtime/mod.ts";
import { OutputTail, PIPE_GRACE_MS } from "../_output_tail.ts";
import type { Launch, ListenLoopback } from "../_plugin_process.ts";

/** Listens on a free port of 127.0.0.1 (the plugin process's connection). */
export const denoListenLoopback: ListenLoopback = () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  return Promise.resolve({
    port: listener.addr.port,
    accept(onConnection) {
      void (async () => {
        for await (const conn of listener) {
          conn.setNoDelay(true);
          onConnection({
            readable: conn.readable,
            writable: conn.writable,
            close: () => {
              try {
                conn.close();
              } catch {
                // already closed
              }
            },
          });
        }
      })().catch(() => {});
    },
    close: () => {
      try {
        listener.close();
      } catch {
        // already closed
      }
    },
  });
};

/** Starts a program with piped input and output and only the environment given. */
export const denoLaunch: Launch = (program, args, env) => {
  const child = new Deno.Command(program, {
    args: [...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
    clearEnv: true,
    env,
  }).spawn();
  return {
    stdin: child.stdin,
    stdout: child.stdout,
    ended: child.status.then(() => {}),
    kill: () => {
      try {
        child.kill("SIGKILL");
      } catch {
        // already ended
      }
    },
  };
};

/**
 * Starts `command`, collects its standard output and error as they come, and resolves with its
 * exit code once it ended; `signal` kills it.
 */
export const denoSpawn: Spawn = async (command, args, signal, env = {}) => {
  const child = new Deno.Command(command, {
    args: [...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { ...Object.fromEntries(serverVariables().map((name) => [name, ""])), ...env },
    signal,
  }).spawn();
  const output = new OutputTail();
  const readers = [child.stdout, child.stderr].map((stream) => stream.getReader());
  const drained = Promise.all(readers.map(async (reader) => {
    const decoder = new TextDecoder();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      output.push(decoder.decode(chunk.value, { stream: true }));
    }
  })).catch(() => {});
  const status = await child.status;
  // A program it started may still hold the pipes open: its output is not waited for long.
  let grace: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    drained,
    new Promise((resolve) => grace = setTimeout(resolve, PIPE_GRACE_MS)),
  ]);
  clearTimeout(grace);
  await Promise.all(readers.map((reader) => reader.cancel().catch(() => {})));
  return { code: status.code, output: output.text };
};
