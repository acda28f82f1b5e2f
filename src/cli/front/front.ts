/**
 * The front and the host as one service: the host on a Unix socket in a private run folder, nginx
 * on `HOST:PORT` in front of it, both supervised. On `SIGTERM` or `SIGINT` nginx stops gracefully
 * (`SIGQUIT`: it stops accepting and lets in-flight requests finish), then the host drains and
 * exits; the service's exit code is the host's. Either one ending on its own ends the other.
 *
 * @module
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, envNumber, envOrDefault, type EnvSource } from "../../env/mod.ts";
import { nginxConfig } from "./nginx_config.ts";

/** Where nginx is looked for besides `PATH`: Debian puts it in `/usr/sbin`. */
const NGINX_PLACES = ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx"];

/** How long the host may take to answer on its socket after it starts, in milliseconds. */
const HOST_START_MS = 120_000;

/** What the front runs. */
export interface FrontOptions {
  /** The environment (the server's variables and the front's). */
  readonly env: EnvSource;
  /** `container/nginx.conf`. */
  readonly template: string;
  /** The run folder (made, private to this user); a fresh temporary one by default. */
  readonly runDir?: string;
  /** The host's command, given the socket it must listen on (as `HONEYFRAME_SOCKET`). */
  readonly host: (socket: string) => Deno.Command;
  /** Where lines of the front's own go (default: standard error). */
  readonly say?: (line: string) => void;
}

/**
 * Finds nginx: on `PATH`, then in Debian's `/usr/sbin` (not on a normal user's `PATH`).
 *
 * @param path The `PATH` to search.
 * @param places Where else to look.
 * @returns The executable, or `undefined`.
 * @example
 * ```ts ignore
 * findNginx(Deno.env.get("PATH")); // "/usr/sbin/nginx"
 * ```
 */
export function findNginx(
  path: string | undefined,
  places: readonly string[] = NGINX_PLACES,
): string | undefined {
  const candidates = [
    ...(path ?? "").split(":").filter(Boolean).map((dir) => join(dir, "nginx")),
    ...places,
  ];
  return candidates.find((file) => existsSync(file));
}

/**
 * The hard limit on open descriptors of this process (`ulimit -Hn`, asked of the shell: Deno lets
 * only a fully privileged process read `/proc/self/limits`).
 *
 * @returns The limit (1024 where the shell cannot tell).
 */
export function descriptorLimit(): number {
  try {
    const { stdout } = new Deno.Command("sh", { args: ["-c", "ulimit -Hn"], stderr: "null" })
      .outputSync();
    const text = new TextDecoder().decode(stdout).trim();
    return text === "unlimited" ? 1_048_576 : Number(text) || 1024;
  } catch {
    return 1024;
  }
}

/**
 * Runs the front and the host until a signal or until one of them ends.
 *
 * @param options The environment, the configuration template and the host's command.
 * @returns The exit code: the host's, or 1 when the front could not start.
 */
export async function runFront(options: FrontOptions): Promise<number> {
  const say = options.say ?? ((line: string) => console.error(line));
  const nginx = findNginx(Deno.env.get("PATH"));
  if (!nginx) {
    say(
      "Honeyframe Edge cannot start the front: nginx is not installed (apt-get install nginx-light).",
    );
    return 1;
  }
  const runDir = options.runDir ?? mkdtempSync(join(tmpdir(), "honeyframe-front-"));
  mkdirSync(runDir, { recursive: true, mode: 0o700 });
  chmodSync(runDir, 0o700);
  const socket = join(runDir, "host.sock");
  try {
    let config: string;
    try {
      if (envNumber(options.env, "PORT", { min: 0, max: 65_535 }) === 0) {
        throw new ConfigError("PORT must name a port for the front, not 0");
      }
      config = nginxConfig(options.template, options.env, {
        runDir,
        socket,
        descriptors: descriptorLimit(),
        root: Deno.uid() === 0,
      });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      say(`Honeyframe Edge cannot start the front: ${error.message}`);
      return 1;
    }
    writeFileSync(join(runDir, "nginx.conf"), config);
    return await supervise(options, nginx, runDir, socket, say);
  } finally {
    // A given folder is kept (it may be a volume); what the front put in it goes.
    if (options.runDir === undefined) rmSync(runDir, { recursive: true, force: true });
    else rmSync(socket, { force: true });
  }
}

async function supervise(
  options: FrontOptions,
  nginx: string,
  runDir: string,
  socket: string,
  say: (line: string) => void,
): Promise<number> {
  const host = options.host(socket).spawn();
  let stopping = false;
  const hostEnded = host.status.then((status) => status.code);
  let front: Deno.ChildProcess | undefined;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    if (front) signal(front, "SIGQUIT");
    else signal(host, "SIGTERM");
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(signal, stop);
  try {
    const ready = await Promise.race([answersOn(socket), hostEnded.then(() => false)]);
    if (!ready || stopping) {
      if (!stopping) say("Honeyframe Edge: the host ended before it answered on its socket.");
      signal(host, "SIGTERM");
      return await hostEnded || 1;
    }
    front = new Deno.Command(nginx, {
      args: ["-p", runDir, "-c", join(runDir, "nginx.conf"), "-e", "stderr"],
      stdin: "null",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
    const frontEnded = front.status.then((status) => status.code);
    const listen = `${envOrDefault(options.env, "HOST")}:${envOrDefault(options.env, "PORT")}`;
    const started = await Promise.race([listening(listen), frontEnded.then(() => false)]);
    if (started) say(`Honeyframe Edge front (nginx) listening on http://${listen}/`);
    const first = await Promise.race([
      frontEnded.then(() => "front" as const),
      hostEnded.then(() => "host" as const),
    ]);
    if (first === "front") {
      if (!stopping) say("Honeyframe Edge: nginx ended; stopping the host.");
      signal(host, "SIGTERM");
      const code = await hostEnded;
      return stopping ? code : code || 1;
    }
    if (!stopping) say("Honeyframe Edge: the host ended; stopping nginx.");
    signal(front, "SIGQUIT");
    await frontEnded;
    return await hostEnded;
  } finally {
    for (const signal of ["SIGINT", "SIGTERM"] as const) Deno.removeSignalListener(signal, stop);
  }
}

/** Sends a signal to a child that may have ended already. */
function signal(child: Deno.ChildProcess, name: Deno.Signal): void {
  try {
    child.kill(name);
  } catch {
    // it ended already
  }
}

/** Waits until the host answers `/livez` on its socket with anything but the 503 it gives while it loads plugins. */
async function answersOn(socket: string): Promise<boolean> {
  const deadline = Date.now() + HOST_START_MS;
  while (Date.now() < deadline) {
    try {
      const conn = await Deno.connect({ transport: "unix", path: socket });
      await conn.write(
        new TextEncoder().encode("GET /livez HTTP/1.1\r\nHost: front\r\nConnection: close\r\n\r\n"),
      );
      const answer = await new Response(conn.readable).text();
      if (/^HTTP\/1\.1 (?!503)\d{3}/.test(answer)) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/** Waits until something accepts connections on `host:port` (nginx, once it has started). */
async function listening(address: string): Promise<boolean> {
  const [host, port] = [
    address.slice(0, address.lastIndexOf(":")),
    address.slice(address.lastIndexOf(":") + 1),
  ];
  const hostname = host === "0.0.0.0" || host === "" ? "127.0.0.1" : host.replace(/^\[|\]$/g, "");
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      (await Deno.connect({ hostname, port: Number(port) })).close();
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return false;
}
