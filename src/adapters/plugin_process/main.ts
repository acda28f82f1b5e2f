/**
 * The plugin process, and the supervisor that keeps it running. The host starts the supervisor
 * (`deno run … <this bundle as a data: URL> supervise <socket>`) before it drops its own
 * permissions and speaks frames with it over the supervisor's standard input and output, pipes no
 * one else holds. The supervisor makes a private folder for a Unix socket and listens on it, starts
 * the plugin process
 * (`… serve <socket>`), and starts it again after a back-off whenever it ends (heap exhausted,
 * killed from inside, aborted), telling the host `up`, `down` and `exited`; it passes whole frames
 * between the host and the plugin process, so a process that dies mid-frame leaves nothing half
 * sent. The plugin process connects to the socket, proves itself with a token the supervisor gave
 * it on its standard input, gives up its file permissions, and runs one worker per isolated plugin
 * ({@link PluginWorker}). Workers reach neither pipe nor socket: the process's own standard output
 * goes to the log, and workers have no permission to connect to the socket.
 *
 * @module
 */
import type { Frame } from "../../runtime/plugins/mod.ts";
import {
  type ByteStreams,
  type FrameChannel,
  frameChannel,
  randomHex,
  relayChannel,
} from "./channel.ts";
import { PluginWorker, type WorkerSettings } from "./plugin_worker.ts";

/** A plugin process that lived this long has its back-off reset. */
const STABLE_MS = 30_000;
const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

/** The length of the token a plugin process greets the supervisor with (hex digits). */
const TOKEN_LENGTH = 64;

const [role, socketPath, processFlags] = Deno.args;
if (!socketPath || (role !== "supervise" && role !== "serve")) {
  console.error(
    "usage: deno run <plugin process> supervise <socket> <flags as JSON> | serve <socket>",
  );
  Deno.exit(2);
}
if (role === "supervise") await supervise(socketPath, JSON.parse(processFlags ?? "[]"));
else await serve(socketPath);

/** The supervisor's standard input and output, its line to the host. */
function hostPipes(): ByteStreams {
  return {
    readable: Deno.stdin.readable,
    writable: Deno.stdout.writable,
    close: () => {},
  };
}

/**
 * Starts the plugin process with the flags the host gave, again whenever it ends, and passes whole
 * frames between the two without parsing them, until the host closes the pipes.
 */
async function supervise(socketPath: string, flags: string[]): Promise<void> {
  const folder = socketPath.slice(0, socketPath.lastIndexOf("/"));
  // Deno may have made it already, for its cache (DENO_DIR is in it).
  await Deno.mkdir(folder, { recursive: true });
  await Deno.chmod(folder, 0o700);
  const listener = Deno.listen({ transport: "unix", path: socketPath });
  let child: Deno.ChildProcess | undefined;
  let stopping = false;
  let current: FrameChannel | undefined;
  let token = "";
  const host = relayChannel(hostPipes(), (bytes) => current?.sendBytes(bytes));
  const admit = async (conn: Deno.Conn) => {
    const channel: FrameChannel = relayChannel(conn, (bytes) => host.sendBytes(bytes), {
      length: TOKEN_LENGTH,
      check: (greeting) => {
        if (token === "" || current || new TextDecoder().decode(greeting) !== token) {
          return channel.close();
        }
        token = "";
        current = channel;
        host.send({ header: { t: "up" } });
      },
    });
    await channel.closed;
    if (current !== channel) return;
    current = undefined;
    if (!stopping) host.send({ header: { t: "down" } });
  };
  const keepRunning = async (args: string[]) => {
    let backoff = FIRST_BACKOFF_MS;
    while (!stopping) {
      const started = Date.now();
      token = randomHex(32);
      child = new Deno.Command(Deno.execPath(), {
        args: [...args, Deno.mainModule, "serve", socketPath],
        stdin: "piped",
        stdout: "piped",
        stderr: "inherit",
        clearEnv: true,
        env: { DENO_DIR: `${folder}/cache` },
      }).spawn();
      // What plugins print goes to the log, never into the host's pipe.
      void child.stdout.pipeTo(Deno.stderr.writable, { preventClose: true }).catch(() => {});
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(token)).catch(() => {});
      await writer.close().catch(() => {});
      const status = await child.status;
      if (stopping) break;
      current?.close();
      host.send({ header: { t: "exited", code: status.code, signal: status.signal ?? null } });
      if (Date.now() - started > STABLE_MS) backoff = FIRST_BACKOFF_MS;
      await new Promise((resolve) => setTimeout(resolve, backoff));
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  };
  void (async () => {
    for await (const conn of listener) void admit(conn);
  })().catch(() => {});
  void keepRunning(flags);
  await host.closed;
  stopping = true;
  try {
    child?.kill("SIGKILL");
  } catch {
    // already ended
  }
  listener.close();
  await Deno.remove(folder, { recursive: true }).catch(() => {});
  Deno.exit(0);
}

/** Runs the isolated plugins' workers and passes frames between them and the host. */
async function serve(socketPath: string): Promise<void> {
  const token = await new Response(Deno.stdin.readable).text();
  const conn = await Deno.connect({ transport: "unix", path: socketPath });
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
  channel.sendBytes(new TextEncoder().encode(token));
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
