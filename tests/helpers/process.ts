/**
 * Test helper: starting a server process and waiting for the line that says where it listens.
 *
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import { serverLaunchFlags } from "../../src/env/mod.ts";

/** A running child process with the port it listens on. */
export interface RunningServer extends AsyncDisposable {
  /** The base URL on 127.0.0.1. */
  readonly url: string;
  /** Everything the process printed so far. */
  readonly output: () => string;
  /**
   * Waits until the output matches (lines after the listening line may arrive a moment later).
   *
   * @param pattern What to wait for.
   * @param timeoutMs How long, before failing with the output.
   * @returns The output then.
   */
  readonly printed: (pattern: RegExp, timeoutMs?: number) => Promise<string>;
  /**
   * Waits until `/readyz` answers 200: the plugins' code imported in the background has arrived.
   *
   * @param timeoutMs How long, before failing with the last answer.
   */
  readonly ready: (timeoutMs?: number) => Promise<void>;
  /** The process id. */
  readonly pid: number;
  /** How it ended, once it has. */
  readonly status: Promise<Deno.CommandStatus>;
}

/** The line our servers print once they listen; Bun prints its own. */
const LISTENING = /(?:listening on|Started development server:) http:\/\/[^:\s]+:(\d+)/;

/**
 * Spawns `command` and resolves once it prints that it listens (`listening on http://…:<port>/`).
 *
 * @param command The command to spawn (its output is piped).
 * @param timeoutMs How long to wait for the listening line before failing.
 */
export async function startServer(
  command: Deno.Command,
  timeoutMs = 30_000,
): Promise<RunningServer> {
  const child = command.spawn();
  let output = "";
  const decoder = new TextDecoder();
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) output += decoder.decode(chunk, { stream: true });
  };
  const drained = Promise.all([collect(child.stdout), collect(child.stderr)]);
  const dispose = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // already exited
    }
    await child.status;
    await drained;
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const port = LISTENING.exec(output)?.[1];
    if (port) {
      return {
        url: `http://127.0.0.1:${port}`,
        output: () => output,
        printed: async (pattern, timeoutMs = 5_000) => {
          const until = Date.now() + timeoutMs;
          while (!pattern.test(output) && Date.now() < until) {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          if (!pattern.test(output)) throw new Error(`never printed ${pattern}:\n${output}`);
          return output;
        },
        ready: async (timeoutMs = 15_000) => {
          const url = `http://127.0.0.1:${port}/readyz`;
          const until = Date.now() + timeoutMs;
          let last = "";
          while (Date.now() < until) {
            const response = await fetch(url);
            last = `${response.status} ${await response.text()}`;
            if (response.status === 200) return;
            await new Promise((resolve) => setTimeout(resolve, 25));
          }
          throw new Error(`never ready (last: ${last}):\n${output}`);
        },
        pid: child.pid,
        status: child.status,
        [Symbol.asyncDispose]: dispose,
      };
    }
    const exited = await Promise.race([
      child.status,
      new Promise((resolve) => setTimeout(resolve, 50, null)),
    ]);
    if (exited) break;
  }
  await dispose();
  throw new Error(`the server did not start:\n${output}`);
}

/**
 * A `deno run` of a server entry with the project's config, file reads and writes, subprocesses and
 * FFI denied, network and environment allowed, and only `env` in its environment. With no
 * subprocesses there is no plugin process: every plugin runs in the host's process
 * (`HONEYFRAME_ISOLATION=none`) unless `env` says otherwise.
 *
 * @param entry The entry module.
 * @param env The server's environment.
 * @returns The command (its output piped, for {@link startServer}).
 */
export function sandboxedDenoServer(entry: string, env: Record<string, string>): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--config",
      `${Deno.cwd()}/deno.json`,
      "--deny-read",
      "--deny-write",
      "--deny-run",
      "--deny-ffi",
      "--allow-net",
      "--allow-env",
      entry,
    ],
    env: { HONEYFRAME_ISOLATION: "none", ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  });
}

/**
 * A server entry behind the front, as `npm run start:prod` and the container run it:
 * `src/cli/tasks/front.ts` with nginx on `127.0.0.1:<port>` and the server (as
 * {@link sandboxedDenoServer}'s, plus its socket's folder) on a Unix socket in `runDir`. With
 * `descriptors`, the whole service runs under that descriptor limit (`ulimit -n`).
 *
 * @param entry The entry module.
 * @param env The environment of the front and the server (`PORT` is required).
 * @param options The run folder (inside a tree the test disposes) and the descriptor limit.
 * @returns The command (its output piped, for {@link startServer}).
 */
export function frontedDenoServer(
  entry: string,
  env: Record<string, string> & { PORT: string },
  options: { runDir: string; descriptors?: number },
): Deno.Command {
  const front = [
    Deno.execPath(),
    "run",
    "--no-prompt",
    "--no-config",
    "--allow-env",
    "--allow-read",
    "--allow-write",
    "--allow-run",
    "--allow-net",
    "--allow-sys=uid",
    `${Deno.cwd()}/src/cli/tasks/front.ts`,
    "--run-dir",
    options.runDir,
    "--",
    Deno.execPath(),
    "run",
    "--no-prompt",
    "--config",
    `${Deno.cwd()}/deno.json`,
    `--allow-read=${options.runDir}`,
    `--allow-write=${options.runDir}`,
    "--deny-run",
    "--deny-ffi",
    "--allow-net",
    "--allow-env",
    entry,
  ];
  const [program, ...args] = options.descriptors === undefined
    ? front
    : ["sh", "-c", `ulimit -n ${options.descriptors} && exec "$0" "$@"`, ...front];
  return new Deno.Command(program!, {
    args,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOST: "127.0.0.1",
      HONEYFRAME_ISOLATION: "none",
      ...env,
    },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  });
}

/**
 * A server entry with the permissions `deno task start` gives a Deno server with isolated plugins:
 * its data directory, and starting Deno (the plugin process's supervisor, before it drops its
 * permissions).
 *
 * @param entry The entry module.
 * @param env The server's environment (with an absolute `DATA_DIR`).
 * @returns The command.
 */
export function isolatingDenoServer(entry: string, env: Record<string, string>): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--config",
      `${Deno.cwd()}/deno.json`,
      `--allow-read=${env.DATA_DIR}`,
      `--allow-write=${env.DATA_DIR}`,
      `--allow-run=${Deno.execPath()}`,
      "--deny-ffi",
      "--allow-net",
      "--allow-env",
      entry,
    ],
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  });
}

/**
 * `main.ts` (the project's registry) started with the permissions `deno task start` gives a server
 * for `env` (`serverLaunchFlags`), and only `env` as its environment.
 */
export function taskStartServer(env: Record<string, string>): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", ...serverLaunchFlags(env), "main.ts"],
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  });
}

/** Waits for a process to end (polling /proc: whoever spawned it owns its status). */
export async function exited(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return !alive(pid);
}

/** Whether a process runs (exists and is not a zombie). */
export function alive(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** Every process whose ancestry leads to `pid`. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = [];
  const visit = (id: number) => {
    for (const child of children.get(id) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

/**
 * Runs `deno task <args>` and returns what it printed, failing the test when it exits non-zero.
 *
 * @param args The task and its arguments.
 * @returns Its standard output.
 */
export async function denoTaskOutput(...args: string[]): Promise<string> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  if (output.code !== 0) {
    throw new Error(
      `deno task ${args.join(" ")} exited ${output.code}:\n${text}` +
        new TextDecoder().decode(output.stderr),
    );
  }
  return text;
}

/**
 * `deno task dev` on a test tree (its plugins, `data/`, the registry in `gen/`), on a free port of
 * 127.0.0.1, without colours.
 *
 * @param root The tree.
 * @param args More arguments for the task (`--check`).
 * @param env Variables to add or override (`PORT`, `HONEYFRAME_PLUGIN_NET`…).
 * @returns The command, for {@link startServer}.
 */
export function devTask(
  root: string,
  args: readonly string[] = [],
  env: Record<string, string> = {},
): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["task", "dev", "--out", `${root}/gen/registry.ts`, ...args],
    env: {
      INSTALL_DIR: root,
      DATA_DIR: `${root}/data`,
      PORT: "0",
      HOST: "127.0.0.1",
      NO_COLOR: "1",
      ...env,
    },
    stdout: "piped",
    stderr: "piped",
  });
}
