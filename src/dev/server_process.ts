/**
 * One server of the dev loop: an entry like `main.ts`, run with the permissions `deno task start`
 * gives it (`serverLaunchFlags`), on a free port of 127.0.0.1, its output passed through. The dev proxy sends requests to it once it answers.
 *
 * @module
 */
import { serverLaunchFlags } from "../env/mod.ts";
/** How long a server may take to start listening before it counts as failed. */
const START_TIMEOUT_MS = 60_000;

/** How long a stopped server may take to finish before it is killed. */
const STOP_TIMEOUT_MS = 2_000;

const LISTENING = /listening on http:\/\/localhost:(\d+)\//;

/** A running server child. */
export interface ServerProcess {
  /** The port it listens on (127.0.0.1). */
  readonly port: number;
  /** Resolves when the process has ended. */
  readonly ended: Promise<Deno.CommandStatus>;
  /** Stops it (SIGTERM, then SIGKILL after a grace period), no longer passing its output on. */
  stop(): Promise<void>;
}

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** The entry module. */
  readonly entry: string;
  /** The host's `deno.json` (its import map resolves the plugins' imports). */
  readonly config: string;
  /** The data directory the server may read and write (its state store). */
  readonly dataDir: string;
  /** The server's environment, passed on whole except `PORT` and `HOST`. */
  readonly env: Readonly<Record<string, string>>;
  /** Where each line of its output goes. */
  readonly output: (line: string) => void;
}

/**
 * Starts a server and waits until it listens.
 *
 * @param options What to run and where its output goes.
 * @returns The server, or `undefined` when it ended or hung before listening (its output says why).
 * @example
 * ```ts
 * const server = await startServer({
 *   entry: ".gen/dev_server.ts", config: "deno.json", dataDir: "./data", env: {}, output: console.log,
 * });
 * await server?.stop();
 * ```
 */
export async function startServer(
  options: StartServerOptions,
): Promise<ServerProcess | undefined> {
  const env = { ...options.env, DATA_DIR: options.dataDir, PORT: "0", HOST: "127.0.0.1" };
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--config",
      options.config,
      ...serverLaunchFlags(env),
      options.entry,
    ],
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const ended = child.status;
  let stopping = false;
  const { promise: listening, resolve } = Promise.withResolvers<number | undefined>();
  const relayLines = async (stream: ReadableStream<Uint8Array>) => {
    for await (const line of stream.pipeThrough(new TextDecoderStream()).pipeThrough(lines())) {
      const port = LISTENING.exec(line)?.[1];
      // Its address is internal (the dev loop prints the proxy's); its farewell is noise.
      if (port) resolve(Number(port));
      else if (!stopping) options.output(line);
    }
  };
  const relay = Promise.all([relayLines(child.stdout), relayLines(child.stderr)]);
  const timer = setTimeout(() => resolve(undefined), START_TIMEOUT_MS);
  const port = await Promise.race([listening, ended.then(() => undefined)]);
  clearTimeout(timer);
  const stop = async () => {
    stopping = true;
    try {
      child.kill("SIGTERM");
    } catch {
      // It has ended already.
    }
    const killer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch {
        // It ended in the meantime.
      }
    }, STOP_TIMEOUT_MS);
    await ended;
    await relay;
    clearTimeout(killer);
  };
  if (port === undefined) {
    await stop();
    return undefined;
  }
  return { port, ended, stop };
}

/** Splits a text stream into lines. */
function lines(): TransformStream<string, string> {
  let rest = "";
  return new TransformStream({
    transform(chunk, controller) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop()!;
      for (const line of lines) controller.enqueue(line);
    },
    flush(controller) {
      if (rest) controller.enqueue(rest);
    },
  });
}
