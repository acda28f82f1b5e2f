/**
 * The plugin process, and the supervisor that keeps it running. The host starts the supervisor
 * (`deno run … - supervise <socket>`, this file's bundle on its standard input) before it drops
 * its own permissions; the supervisor connects to the host's private socket, is told how to start
 * the plugin process, starts it and starts it again after a back-off whenever it ends (heap
 * exhausted, killed from inside, aborted), and stops it when the host goes away. The plugin process
 * (`- serve <socket>`) connects to the same socket, gives up its file permissions, and runs one
 * worker per isolated plugin the host sends it ({@link PluginWorker}), passing frames between the
 * host and the workers.
 *
 * Both prove themselves to the host with the token the host put before the bundle's code
 * (`const HONEYFRAME_CHANNEL_TOKEN = "…";`): no other program can speak for them, and no plugin
 * worker can reach the socket (it has no file permissions).
 *
 * @module
 */
import type { Frame } from "../../runtime/plugins/mod.ts";
import { type FrameChannel, frameChannel } from "./channel.ts";
import { PluginWorker, type WorkerSettings } from "./plugin_worker.ts";

declare const HONEYFRAME_CHANNEL_TOKEN: string;

/** A plugin process that lived this long has its back-off reset. */
const STABLE_MS = 30_000;
const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

const [role, socketPath] = Deno.args;
if (!socketPath || (role !== "supervise" && role !== "serve")) {
  console.error("usage: deno run - supervise|serve <socket>");
  Deno.exit(2);
}
const conn = await Deno.connect({ transport: "unix", path: socketPath });
if (role === "supervise") await supervise(conn);
else await serve(conn);

/** Starts the plugin process as the host says, again whenever it ends, until the host leaves. */
async function supervise(conn: Deno.Conn): Promise<void> {
  let child: Deno.ChildProcess | undefined;
  let stopping = false;
  let launch: { args: string[]; code: Uint8Array } | undefined;
  const channel: FrameChannel = frameChannel(conn, (frame) => {
    if (frame.header.t === "spawn" && frame.bytes && !launch) {
      launch = { args: (frame.header.args as string[]).map(String), code: frame.bytes };
      void keepRunning();
    }
  });
  channel.send({ header: { t: "hello", role: "supervisor", token: HONEYFRAME_CHANNEL_TOKEN } });
  const keepRunning = async () => {
    let backoff = FIRST_BACKOFF_MS;
    while (!stopping && launch) {
      const started = Date.now();
      child = new Deno.Command(Deno.execPath(), {
        args: [...launch.args, "-", "serve", socketPath!],
        stdin: "piped",
        stdout: "inherit",
        stderr: "inherit",
        clearEnv: true,
        env: {},
      }).spawn();
      const writer = child.stdin.getWriter();
      await writer.write(launch.code).catch(() => {});
      await writer.close().catch(() => {});
      const status = await child.status;
      if (stopping) break;
      channel.send({
        header: { t: "exited", code: status.code, signal: status.signal ?? null },
      });
      if (Date.now() - started > STABLE_MS) backoff = FIRST_BACKOFF_MS;
      await new Promise((resolve) => setTimeout(resolve, backoff));
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  };
  await channel.closed;
  stopping = true;
  try {
    child?.kill("SIGKILL");
  } catch {
    // already ended
  }
  Deno.exit(0);
}

/** Runs the isolated plugins' workers and passes frames between them and the host. */
async function serve(conn: Deno.Conn): Promise<void> {
  // The socket is connected: nothing here reads or writes files again.
  for (const name of ["read", "write"] as const) await Deno.permissions.revoke({ name });
  const workers = new Map<string, PluginWorker>();
  const channel: FrameChannel = frameChannel(conn, (frame) => {
    const { header } = frame;
    if (header.t === "load" && frame.bytes) {
      const settings = loadSettings(frame);
      if (workers.has(settings.name)) return;
      const report = (out: Frame) =>
        channel.send({ header: { ...out.header, plugin: settings.name }, ...bytesOf(out) });
      workers.set(settings.name, new PluginWorker(settings, report));
      return;
    }
    const worker = workers.get(String(header.plugin));
    if (worker) void worker.deliver(frame);
  });
  channel.send({ header: { t: "hello", role: "process", token: HONEYFRAME_CHANNEL_TOKEN } });
  await channel.closed;
  for (const worker of workers.values()) worker.stop();
  Deno.exit(0);
}

function loadSettings(frame: Frame): WorkerSettings {
  const { header } = frame;
  return {
    name: String(header.plugin),
    code: new TextDecoder().decode(frame.bytes),
    net: Array.isArray(header.net) ? header.net.map(String) : [],
    timeoutMs: Number(header.timeoutMs) || 10_000,
    maxRestarts: Number(header.maxRestarts) || 0,
    windowMs: Number(header.windowMs) || 60_000,
  };
}

function bytesOf(frame: Frame): { bytes?: Uint8Array } {
  return frame.bytes ? { bytes: frame.bytes } : {};
}
