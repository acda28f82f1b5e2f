/**
 * The plugin process, and the supervisor that starts it. The host listens on a port of 127.0.0.1
 * and starts the supervisor (`deno run … <this bundle as a data: URL> supervise <folder> <port>
 * <flags>`) before it drops its own permissions; it speaks frames with it over the supervisor's
 * standard input and output, pipes no one else holds. On the host's `start`, the supervisor starts
 * the plugin process (`… serve <port>`) with the flags the host gave and hands it the host's token
 * on its standard input; when the process ends (heap exhausted, killed from inside, aborted) it
 * tells the host `exited`, and the host decides when to start it again. The plugin process connects
 * to the host's port, greets it with the token, and runs one worker per isolated plugin
 * ({@link PluginWorker}). Workers reach neither pipe nor port: the process's own standard output
 * goes to the log, its standard input is read to its end before any worker starts, and workers may
 * connect only to the hosts their plugins declare.
 *
 * @module
 */
import type { Frame } from "../../runtime/plugins/mod.ts";
import { type FrameChannel, frameChannel } from "./channel.ts";
import { PluginWorker, type WorkerSettings } from "./plugin_worker.ts";
import { SharedModules } from "./shared_modules.ts";

const [role, ...args] = Deno.args;
if (role === "supervise" && args.length === 3) {
  await supervise(args[0]!, Number(args[1]), JSON.parse(args[2]!));
} else if (role === "serve" && args.length === 1) {
  await serve(Number(args[0]));
} else {
  console.error(
    "usage: deno run <plugin process> supervise <folder> <port> <flags as JSON> | serve <port>",
  );
  Deno.exit(2);
}

/**
 * Starts the plugin process whenever the host says `start`, tells the host when it ended, and stops
 * it when the host closes the pipes. Deno's cache for the process is in `folder`, removed at the
 * end.
 */
async function supervise(folder: string, port: number, flags: string[]): Promise<void> {
  await Deno.mkdir(folder, { recursive: true, mode: 0o700 });
  let child: Deno.ChildProcess | undefined;
  let stopping = false;
  const start = async (token: string) => {
    if (child || stopping) return;
    const started = new Deno.Command(Deno.execPath(), {
      args: [...flags, Deno.mainModule, "serve", String(port)],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
      clearEnv: true,
      env: { DENO_DIR: `${folder}/cache` },
    }).spawn();
    child = started;
    // What plugins print goes to the log, never into the host's pipe.
    void started.stdout.pipeTo(Deno.stderr.writable, { preventClose: true }).catch(() => {});
    const writer = started.stdin.getWriter();
    await writer.write(new TextEncoder().encode(token)).catch(() => {});
    await writer.close().catch(() => {});
    const status = await started.status;
    child = undefined;
    if (stopping) return;
    host.send({ header: { t: "exited", code: status.code, signal: status.signal ?? null } });
  };
  const host: FrameChannel = frameChannel(
    { readable: Deno.stdin.readable, writable: Deno.stdout.writable, close: () => {} },
    (frame) => {
      if (frame.header.t === "start") void start(String(frame.header.token));
    },
  );
  await host.closed;
  stopping = true;
  try {
    child?.kill("SIGKILL");
  } catch {
    // already ended
  }
  await Deno.remove(folder, { recursive: true }).catch(() => {});
  Deno.exit(0);
}

/** Runs the isolated plugins' workers and passes frames between them and the host. */
async function serve(port: number): Promise<void> {
  // Read to its end before any worker exists: no worker can read the token.
  const token = await new Response(Deno.stdin.readable).text();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  conn.setNoDelay(true);
  const workers = new Map<string, PluginWorker>();
  const shared = new SharedModules();
  const channel: FrameChannel = frameChannel(conn, (frame) => {
    const { header } = frame;
    if (header.t === "module" && frame.bytes) {
      shared.add(String(header.file), new TextDecoder().decode(frame.bytes));
      return;
    }
    if (header.t === "load" && frame.bytes) {
      const name = String(header.plugin);
      if (workers.has(name)) return;
      const report = (out: Frame) =>
        channel.send({ header: { ...out.header, plugin: name }, ...bytesOf(out) });
      let url;
      try {
        url = shared.mainUrl(new TextDecoder().decode(frame.bytes));
      } catch (error) {
        report({ header: { t: "failed", reason: (error as Error).message } });
        return;
      }
      workers.set(name, new PluginWorker(loadSettings(frame, url), report));
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

function loadSettings(frame: Frame, url: string): WorkerSettings {
  const { header } = frame;
  return {
    name: String(header.plugin),
    url,
    net: Array.isArray(header.net) ? header.net.map(String) : [],
    timeoutMs: Number(header.timeoutMs) || 10_000,
    maxRestarts: Number(header.maxRestarts) || 0,
    windowMs: Number(header.windowMs) || 60_000,
  };
}

function bytesOf(frame: Frame): { bytes?: Uint8Array } {
  return frame.bytes ? { bytes: frame.bytes } : {};
}
