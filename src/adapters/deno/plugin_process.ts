/**
 * The plugin process on Deno, from the host's side: a Unix socket of the host's making in
 * `$DATA_DIR/.run/` (read and written only by the host, its supervisor and its plugin process —
 * plugin workers have no file permissions), the supervisor started before the host drops its
 * permissions (it alone may start programs: the plugin process, again whenever it ends), and the
 * {@link PluginLink} the host's isolated plugins speak over.
 *
 * @module
 */
import type { Frame, LinkListener, PluginLink } from "../../runtime/plugins/mod.ts";
import { type FrameChannel, frameChannel } from "../plugin_process/channel.ts";

/** How the plugin process is started. */
export interface PluginProcessOptions {
  /** The data directory (the socket goes in its `.run/` folder). */
  readonly dataDir: string;
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
export interface DenoPluginProcess extends PluginLink, AsyncDisposable {
  /** The `deno run` flags of the plugin process (shown by tests and the docs). */
  readonly flags: readonly string[];
}

/**
 * Creates the socket and starts the supervisor, which starts the plugin process. Call it before
 * the host drops its permissions: it needs to write in `$DATA_DIR/.run/` and to start Deno.
 *
 * @param options The bundle, limits and network.
 * @returns The link to the plugin process (up once it has connected).
 */
export async function startPluginProcess(
  options: PluginProcessOptions,
): Promise<DenoPluginProcess> {
  const runDir = `${options.dataDir}/.run`;
  await Deno.mkdir(runDir, { recursive: true, mode: 0o700 });
  await removeStaleSockets(runDir);
  const token = randomHex(32);
  const socket = `${runDir}/plugins-${randomHex(8)}.sock`;
  const listener = Deno.listen({ transport: "unix", path: socket });
  const deno = Deno.execPath();
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
  const code = new TextEncoder().encode(
    `const HONEYFRAME_CHANNEL_TOKEN = ${JSON.stringify(token)};\n${options.code}`,
  );
  const supervisor = new Deno.Command(deno, {
    args: [
      "run",
      "--no-prompt",
      "--no-remote",
      "--no-config",
      "--no-lock",
      `--allow-run=${deno}`,
      `--allow-read=${socket}`,
      `--allow-write=${socket}`,
      `--allow-net=unix:${socket}`,
      "-",
      "supervise",
      socket,
    ],
    stdin: "piped",
    stdout: "inherit",
    stderr: "inherit",
    clearEnv: true,
    env: {},
  }).spawn();
  const writer = supervisor.stdin.getWriter();
  await writer.write(code);
  await writer.close();

  const listeners: LinkListener[] = [];
  let data: FrameChannel | undefined;
  let control: FrameChannel | undefined;
  let closing = false;
  const accept = async () => {
    for await (const conn of listener) void greet(conn);
  };
  const greet = async (conn: Deno.Conn) => {
    let hello: Frame | undefined;
    const early: Frame[] = [];
    const greeted = Promise.withResolvers<void>();
    const channel = frameChannel(conn, (frame) => {
      if (!hello) {
        hello = frame;
        greeted.resolve();
      } else if (channel === data) {
        for (const listener of listeners) listener.frame(frame);
      } else {
        early.push(frame);
      }
      if (channel === control && frame.header.t === "exited") {
        options.onExit?.(Number(frame.header.code), frame.header.signal as string | null);
      }
    });
    await Promise.race([greeted.promise, channel.closed]);
    if (!hello || hello.header.token !== token) return channel.close();
    if (hello.header.role === "supervisor" && !control) {
      control = channel;
      channel.send({ header: { t: "spawn", args: flags }, bytes: code });
      return;
    }
    if (hello.header.role !== "process") return channel.close();
    data?.close();
    data = channel;
    for (const listener of listeners) listener.up();
    for (const frame of early) for (const listener of listeners) listener.frame(frame);
    await channel.closed;
    if (data !== channel) return;
    data = undefined;
    if (!closing) { for (const listener of listeners) listener.down("the plugin process ended"); }
  };
  void accept().catch(() => {});

  return {
    flags,
    get up() {
      return data !== undefined;
    },
    send(frame) {
      data?.send(frame);
    },
    listen(listener) {
      listeners.push(listener);
    },
    async [Symbol.asyncDispose]() {
      closing = true;
      control?.close();
      data?.close();
      try {
        listener.close();
      } catch {
        // already closed
      }
      try {
        supervisor.kill("SIGTERM");
      } catch {
        // already ended
      }
      await supervisor.status;
    },
  };
}

/** Sockets of hosts that are gone (nothing answers on them) are removed. */
async function removeStaleSockets(runDir: string): Promise<void> {
  for await (const entry of Deno.readDir(runDir)) {
    if (!/^plugins-[0-9a-f]+\.sock$/.test(entry.name)) continue;
    const path = `${runDir}/${entry.name}`;
    try {
      (await Deno.connect({ transport: "unix", path })).close();
    } catch {
      await Deno.remove(path).catch(() => {});
    }
  }
}

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)))
    .map((byte) => byte.toString(16).padStart(2, "0"))
    .join("");
}
