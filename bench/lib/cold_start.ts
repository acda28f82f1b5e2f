/**
 * Cold start to the first 200 on a plugin route, for a server process (Deno, Node) or a Worker in
 * workerd (through Miniflare).
 *
 * @module
 */
import { dirname } from "node:path";
import { Miniflare } from "npm:miniflare@4.20260426.0";
import { pluginName } from "./synthetic.ts";

/** The route every cold start asks for. */
const FIRST_ROUTE = `/api/${pluginName(1)}/a/one`;

/** A server process started by {@link spawnServer}. */
export interface SpawnedServer {
  /** Its process id. */
  readonly pid: number;
  /** The port it listens on, once it said so. */
  readonly port: Promise<number>;
  /** Ends it. */
  stop(): Promise<void>;
}

/**
 * Starts a server (`program args…`) on a free port of 127.0.0.1, state in memory.
 *
 * @param program `deno`'s path or `node`.
 * @param args Its arguments (the server file last).
 * @param dataDir The server's `DATA_DIR`.
 * @param cwd Where it runs.
 * @param env More of its environment.
 * @returns The running server.
 */
export function spawnServer(
  program: string,
  args: readonly string[],
  dataDir: string,
  cwd: string,
  env: Readonly<Record<string, string>> = {},
): SpawnedServer {
  const child = new Deno.Command(program, {
    args: [...args],
    cwd,
    env: { PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, HONEYFRAME_STORE: "memory", ...env },
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const port = (async () => {
    const decoder = new TextDecoder();
    let text = "";
    for await (const chunk of child.stdout) {
      text += decoder.decode(chunk, { stream: true });
      const match = /listening on http:\/\/[^:]+:(\d+)\//.exec(text);
      if (match) {
        child.stdout.pipeTo(new WritableStream()).catch(() => {});
        return Number(match[1]);
      }
    }
    throw new Error(`${args.at(-1)} exited before listening`);
  })();
  return {
    pid: child.pid,
    port,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

/**
 * Spawns a server and returns the seconds until its first 200 on a plugin route.
 *
 * @param program `deno`'s path or `node`.
 * @param args Its arguments (the server file last).
 * @param dataDir The server's `DATA_DIR`.
 * @param cwd Where it runs.
 * @param env More of its environment.
 * @returns Seconds.
 */
export async function timeProcessColdStart(
  program: string,
  args: readonly string[],
  dataDir: string,
  cwd: string,
  env: Readonly<Record<string, string>> = {},
): Promise<number> {
  return (await timeProcessStart(program, args, dataDir, cwd, env, false)).first;
}

/** A server's start, in seconds from its spawn. */
export interface ProcessStart {
  /** Its first 200 on a plugin route. */
  readonly first: number;
  /** Its first 200 on `/readyz` (every plugin's code imported), when asked. */
  readonly ready?: number;
}

/**
 * Spawns a server and times its first 200 on a plugin route and, if asked, then its first 200 on
 * `/readyz` (asked again at once after each 503).
 *
 * @param program `deno`'s path or `node`.
 * @param args Its arguments (the server file last).
 * @param dataDir The server's `DATA_DIR`.
 * @param cwd Where it runs.
 * @param env More of its environment.
 * @param ready Whether to time `/readyz` too.
 * @returns The times.
 */
export async function timeProcessStart(
  program: string,
  args: readonly string[],
  dataDir: string,
  cwd: string,
  env: Readonly<Record<string, string>>,
  ready: boolean,
): Promise<ProcessStart> {
  const started = performance.now();
  const server = spawnServer(program, args, dataDir, cwd, env);
  try {
    const port = await server.port;
    const response = await fetch(`http://127.0.0.1:${port}${FIRST_ROUTE}`);
    await response.body?.cancel();
    if (response.status !== 200) throw new Error(`${args.at(-1)}: status ${response.status}`);
    const first = (performance.now() - started) / 1000;
    if (!ready) return { first };
    for (let asked = 0; asked < 100_000; asked++) {
      const probe = await fetch(`http://127.0.0.1:${port}/readyz`);
      await probe.body?.cancel();
      if (probe.status === 200) return { first, ready: (performance.now() - started) / 1000 };
    }
    throw new Error(`${args.at(-1)}: never ready`);
  } finally {
    await server.stop();
  }
}

/** A Worker's cold start, in seconds. */
export interface WorkerdColdStart {
  /** From starting workerd (Miniflare) to the first 200: the module's evaluation included. */
  readonly total: number;
  /** The first request alone, once workerd is ready (what a Worker does on its first request). */
  readonly firstRequest: number;
}

/**
 * Starts a Worker bundle in workerd through Miniflare and times its first 200 on a plugin route.
 *
 * @param worker The Worker bundle (an ES module).
 * @returns The times.
 */
export async function timeWorkerdColdStart(worker: string): Promise<WorkerdColdStart> {
  const started = performance.now();
  const miniflare = new Miniflare({
    modules: true,
    scriptPath: worker,
    modulesRoot: dirname(worker),
    compatibilityDate: "2026-04-01",
    // Plugins in the host Worker, like the other tables of this benchmark.
    bindings: { HONEYFRAME_ISOLATION: "none" },
  });
  try {
    await miniflare.ready;
    const ready = performance.now();
    const response = await miniflare.dispatchFetch(`http://localhost${FIRST_ROUTE}`);
    await response.body?.cancel();
    if (response.status !== 200) throw new Error(`${worker}: status ${response.status}`);
    const done = performance.now();
    return { total: (done - started) / 1000, firstRequest: (done - ready) / 1000 };
  } finally {
    await miniflare.dispose();
  }
}
