/**
 * The plugin process, from the host's side, on any server runtime: the supervisor (a Deno program,
 * whichever runtime the host is) started before the host drops its permissions (it alone may start
 * programs: the plugin process, again whenever it ends), the pipes to it — the host's private
 * channel, which needs no permission and which no plugin holds — and the {@link PluginLink} the
 * host's isolated plugins speak over. The supervisor and the plugin
 * process meet on a Unix socket in a folder of `/tmp` the supervisor makes (mode 0700) and removes,
 * which only they may use.
 *
 * @module
 */
import type { Frame, LinkListener, PluginLink } from "../runtime/plugins/mod.ts";
import { frameChannel, randomHex } from "./plugin_process/channel.ts";

/** The longest program argument Linux takes (`MAX_ARG_STRLEN`, 32 pages), less a margin. */
const MAX_ARGUMENT_LENGTH = 128 * 1024 - 1024;

/** Where the supervisor makes the private folder of its socket. */
const SOCKET_PARENT = "/tmp";

/** A started program, as the host holds it: its standard input and output, and its end. */
export interface LaunchedProgram {
  /** Its standard input. */
  readonly stdin: WritableStream<Uint8Array>;
  /** Its standard output. */
  readonly stdout: ReadableStream<Uint8Array>;
  /** Resolves once it has ended (or could not start). */
  readonly ended: Promise<void>;
  /** Ends it at once. */
  kill(): void;
}

/**
 * A runtime's way of starting a program with its input and output piped to the host, its errors
 * on the host's, and nothing of the host's environment but `env`.
 */
export type Launch = (
  program: string,
  args: readonly string[],
  env: Record<string, string>,
) => LaunchedProgram;

/** How the plugin process is started. */
export interface PluginProcessOptions {
  /** The Deno executable that runs the supervisor and the plugin process. */
  readonly deno: string;
  /** How this runtime starts it. */
  readonly launch: Launch;
  /** The plugin process's bundle (`src/adapters/plugin_process/main.ts`, bundled by the build). */
  readonly code: string;
  /** Its heap limit, in MiB. */
  readonly memoryMb: number;
  /** The hosts its workers may reach, all plugins together (`--allow-net`); none when empty. */
  readonly net: readonly string[];
  /** What it may never reach (`--deny-net`): loopback, link-local, the host's own services. */
  readonly denyNet: readonly string[];
  /** Where the supervisor's reports go. */
  readonly onExit?: (code: number, signal: string | null) => void;
}

/** The running plugin process, as the host holds it. */
export interface PluginProcess extends PluginLink, AsyncDisposable {
  /** The `deno run` flags of the plugin process (shown by tests and the docs). */
  readonly flags: readonly string[];
}

/**
 * Starts the supervisor, which starts the plugin process. Call it before the host drops its
 * permissions: it starts Deno. The host itself touches no file and holds no permission for the
 * plugin process afterwards: it speaks over the supervisor's standard input and output.
 *
 * @param options The bundle, limits and network.
 * @returns The link to the plugin process (up once it has connected).
 */
export function startPluginProcess(options: PluginProcessOptions): PluginProcess {
  const folder = `${SOCKET_PARENT}/honeyframe-plugins-${randomHex(8)}`;
  const socket = `${folder}/plugins.sock`;
  const deno = options.deno;
  const program = `data:text/javascript;base64,${base64(options.code)}`;
  if (program.length > MAX_ARGUMENT_LENGTH) {
    throw new Error(
      `its bundle is ${program.length} bytes as a data: URL, over the ${MAX_ARGUMENT_LENGTH} ` +
        "one program argument may have",
    );
  }
  const flags = [
    "run",
    "--no-prompt",
    "--no-remote",
    "--no-config",
    "--no-lock",
    "--unstable-worker-options",
    `--v8-flags=--max-old-space-size=${options.memoryMb}`,
    `--allow-read=${socket}`,
    `--allow-write=${socket}`,
    `--allow-net=${[`unix:${socket}`, ...options.net].join(",")}`,
    ...(options.denyNet.length > 0 ? [`--deny-net=${options.denyNet.join(",")}`] : []),
  ];
  // Deno needs a cache folder, and a user with no home (the image's) has none by default.
  const supervisorEnv = { DENO_DIR: `${folder}/cache` };
  const supervisor = options.launch(
    deno,
    [
      "run",
      "--no-prompt",
      "--no-remote",
      "--no-config",
      "--no-lock",
      `--allow-run=${deno}`,
      `--allow-read=${folder}`,
      `--allow-write=${folder}`,
      `--allow-net=unix:${socket}`,
      program,
      "supervise",
      socket,
      JSON.stringify(flags),
    ],
    supervisorEnv,
  );

  const listeners: LinkListener[] = [];
  let up = false;
  let closing = false;
  let gone = false;
  const goneDown = (reason: string, final = false) => {
    if (gone || (!up && !final)) return;
    up = false;
    gone = final;
    if (!closing) { for (const listener of listeners) listener.down(reason, final); }
  };
  const channel = frameChannel({
    readable: supervisor.stdout,
    writable: supervisor.stdin,
    close: () => {},
  }, (frame: Frame) => {
    switch (frame.header.t) {
      case "up":
        up = true;
        for (const listener of listeners) listener.up();
        return;
      case "down":
        return goneDown("the plugin process ended");
      case "exited":
        return options.onExit?.(Number(frame.header.code), frame.header.signal as string | null);
      default:
        for (const listener of listeners) listener.frame(frame);
    }
  });
  void supervisor.ended.then(() =>
    goneDown(`the plugin process's supervisor (${deno}) ended or could not start`, true)
  );

  return {
    flags,
    get up() {
      return up;
    },
    send(frame) {
      if (up) channel.send(frame);
    },
    listen(listener) {
      listeners.push(listener);
    },
    async [Symbol.asyncDispose]() {
      closing = true;
      // The supervisor stops the plugin process and removes the socket when its input ends.
      channel.close();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const ended = await Promise.race([
        supervisor.ended.then(() => true),
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 2_000))),
      ]);
      clearTimeout(timer);
      if (!ended) {
        supervisor.kill();
        await supervisor.ended;
      }
    },
  };
}

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
