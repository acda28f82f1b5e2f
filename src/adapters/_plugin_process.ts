/**
 * The plugin process, from the host's side, on any server runtime: the supervisor (a Deno program,
 * whichever runtime the host is) started before the host drops its permissions (it alone may start
 * programs: the plugin process, whenever the host asks), the pipes to it — which need no
 * permission and which no plugin holds — and the {@link PluginLink} the host's isolated plugins
 * speak over: a connection the plugin process makes to the host's port on 127.0.0.1, proven by a
 * token the host gave it through the supervisor. The host restarts the plugin process with a
 * back-off (100 ms, doubling to 5 s) whenever it ends.
 *
 * @module
 */
import type { Frame, LinkListener, PluginLink } from "../runtime/plugins/mod.ts";
import {
  type ByteStreams,
  type FrameChannel,
  frameChannel,
  randomHex,
} from "./plugin_process/channel.ts";

/** The longest program argument Linux takes (`MAX_ARG_STRLEN`, 32 pages), less a margin. */
const MAX_ARGUMENT_LENGTH = 128 * 1024 - 1024;

/** Where the supervisor makes the folder of the plugin process's Deno cache. */
const CACHE_PARENT = "/tmp";

/** The token's random bytes (it crosses as twice as many hex digits). */
const TOKEN_BYTES = 32;

/** How long a connection to the host's port has to greet it with the token. */
const GREETING_TIMEOUT_MS = 5_000;

/** A plugin process that lived this long has its back-off reset. */
const STABLE_MS = 30_000;
const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

const decoder = new TextDecoder();

/** The host's port on 127.0.0.1 for the plugin process, as a runtime listens on it. */
export interface LoopbackListener {
  /** The port. */
  readonly port: number;
  /** Calls `onConnection` with each connection (with `TCP_NODELAY`). */
  accept(onConnection: (conn: ByteStreams) => void): void;
  /** Stops listening. */
  close(): void;
}

/** A runtime's way of listening on a free port of 127.0.0.1. */
export type ListenLoopback = () => Promise<LoopbackListener>;

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
  /** How this runtime listens for it. */
  readonly listen: ListenLoopback;
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
 * Listens on 127.0.0.1 and starts the supervisor, which starts the plugin process whenever the host
 * says so. Call it before the host drops its permissions: it starts Deno. The host itself touches no
 * file and holds no permission for the plugin process afterwards: it speaks to the supervisor over
 * its standard input and output, and the plugin process connects to the host's port and greets it
 * with the token the host gave it through the supervisor (a connection without it is closed).
 *
 * @param options The bundle, limits and network.
 * @returns The link to the plugin process (up once it has connected).
 */
export async function startPluginProcess(options: PluginProcessOptions): Promise<PluginProcess> {
  const folder = `${CACHE_PARENT}/honeyframe-plugins-${randomHex(8)}`;
  const deno = options.deno;
  const program = `data:text/javascript;base64,${base64(options.code)}`;
  if (program.length > MAX_ARGUMENT_LENGTH) {
    throw new Error(
      `its bundle is ${program.length} bytes as a data: URL, over the ${MAX_ARGUMENT_LENGTH} ` +
        "one program argument may have",
    );
  }
  const listener = await options.listen();
  const flags = [
    "run",
    "--no-prompt",
    "--no-remote",
    "--no-config",
    "--no-lock",
    "--unstable-worker-options",
    `--v8-flags=--max-old-space-size=${options.memoryMb}`,
    `--allow-net=${[`127.0.0.1:${listener.port}`, ...options.net].join(",")}`,
    ...(options.denyNet.length > 0 ? [`--deny-net=${options.denyNet.join(",")}`] : []),
  ];
  // Deno needs a cache folder, and a user with no home (the image's) has none by default.
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
      program,
      "supervise",
      folder,
      String(listener.port),
      JSON.stringify(flags),
    ],
    { DENO_DIR: `${folder}/cache` },
  );

  const listeners: LinkListener[] = [];
  let current: FrameChannel | undefined;
  /** The token the plugin process being started greets with ("" when none is expected). */
  let token = "";
  let closing = false;
  let gone = false;
  let backoff = FIRST_BACKOFF_MS;
  let startedAt = 0;
  let restart: ReturnType<typeof setTimeout> | undefined;

  const lost = (reason: string, final: boolean) => {
    if (gone || closing) return;
    gone = final;
    for (const listener of listeners) listener.down(reason, final);
  };
  const control = frameChannel(
    { readable: supervisor.stdout, writable: supervisor.stdin, close: () => {} },
    (frame: Frame) => {
      if (frame.header.t !== "exited") return;
      options.onExit?.(Number(frame.header.code), frame.header.signal as string | null);
      if (Date.now() - startedAt > STABLE_MS) backoff = FIRST_BACKOFF_MS;
      restart = setTimeout(startProcess, backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    },
  );
  function startProcess() {
    if (closing || gone) return;
    token = randomHex(TOKEN_BYTES);
    startedAt = Date.now();
    control.send({ header: { t: "start", token } });
  }
  listener.accept((conn) => {
    const unproven = setTimeout(() => conn.close(), GREETING_TIMEOUT_MS);
    const channel: FrameChannel = frameChannel(
      conn,
      (frame) => {
        for (const listener of listeners) listener.frame(frame);
      },
      {
        length: TOKEN_BYTES * 2,
        check: (greeting) => {
          clearTimeout(unproven);
          if (current || token === "" || decoder.decode(greeting) !== token) return false;
          token = "";
          current = channel;
          for (const listener of listeners) listener.up();
          return true;
        },
      },
    );
    void channel.closed.then(() => {
      clearTimeout(unproven);
      if (current !== channel) return;
      current = undefined;
      lost("the plugin process ended", false);
    });
  });
  void supervisor.ended.then(() =>
    lost(`the plugin process's supervisor (${deno}) ended or could not start`, true)
  );
  startProcess();

  return {
    flags,
    get up() {
      return current !== undefined;
    },
    send(frame) {
      current?.send(frame);
    },
    listen(listener) {
      listeners.push(listener);
    },
    async [Symbol.asyncDispose]() {
      closing = true;
      clearTimeout(restart);
      current?.close();
      listener.close();
      // The supervisor stops the plugin process and removes its folder when its input ends.
      control.close();
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
