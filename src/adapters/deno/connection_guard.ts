/**
 * The connection guard in front of `Deno.serve`, which has no header or idle timeouts and no
 * connection cap of its own: clients connect to the guard, which holds at most `maxConnections`
 * of them, closes a connection whose request head has not arrived within the header timeout
 * (answering 408) before it costs the server anything, and closes one that stays silent both ways
 * for the idle timeout. Complete request heads are passed to the server on 127.0.0.1 and the bytes
 * are copied both ways.
 *
 * @module
 */
import type { ServerLimits } from "../_server_limits.ts";
import { after, every, type Timer } from "../../runtime/mod.ts";

/** The most bytes a request head may have before the connection is refused (431). */
export const MAX_HEAD_BYTES = 64 * 1024;

/** The buffer each direction of a relayed connection copies through. */
const COPY_BUFFER_BYTES = 16 * 1024;

const HEAD_END = [13, 10, 13, 10];
const encoder = new TextEncoder();

/** A running guard. */
export interface ConnectionGuard extends AsyncDisposable {
  /** The address clients connect to. */
  readonly addr: Deno.NetAddr;
  /** The client behind an upstream connection, by that connection's local port. */
  clientOf(upstreamPort: number): Deno.NetAddr | undefined;
  /** Stops accepting new connections; open ones go on until they end or the guard is disposed. */
  stopAccepting(): void;
  /** Resolves once no connection is open (every relayed response has reached its client). */
  idle(): Promise<void>;
}

/**
 * Starts accepting connections for a server listening on 127.0.0.1.
 *
 * @param listen Where clients connect.
 * @param upstreamPort The port of the server on 127.0.0.1.
 * @param limits Header timeout, idle timeout and connection cap.
 * @returns The guard; dispose it to stop accepting and close every connection.
 * @example
 * ```ts ignore
 * const server = Deno.serve({ hostname: "127.0.0.1", port: 0 }, () => new Response("ok"));
 * await using guard = guardConnections({ hostname: "0.0.0.0", port: 8000 }, server.addr.port, {
 *   headerTimeoutMs: 15_000, idleTimeoutMs: 75_000, maxConnections: 4096,
 * });
 * ```
 */
export function guardConnections(
  listen: { hostname: string; port: number },
  upstreamPort: number,
  limits: ServerLimits,
): ConnectionGuard {
  const listener = Deno.listen({ ...listen, transport: "tcp" });
  const clients = new Map<number, Deno.NetAddr>();
  const open = new Set<Deno.Conn>();
  let idleWaiters: (() => void)[] = [];
  const release = (conn: Deno.Conn) => {
    open.delete(conn);
    if (open.size > 0) return;
    for (const resolve of idleWaiters) resolve();
    idleWaiters = [];
  };
  const accepting = (async () => {
    for await (const conn of listener) {
      if (open.size >= limits.maxConnections) {
        closeQuietly(conn);
        continue;
      }
      open.add(conn);
      relay(conn, upstreamPort, limits, clients).finally(() => release(conn));
    }
  })().catch(() => {}); // the listener was closed
  return {
    addr: listener.addr as Deno.NetAddr,
    clientOf: (port) => clients.get(port),
    stopAccepting: () => closeQuietly(listener),
    idle: () =>
      open.size === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve)),
    async [Symbol.asyncDispose]() {
      closeQuietly(listener);
      for (const conn of open) closeQuietly(conn);
      await accepting;
    },
  };
}

/** Reads the first request head within the header timeout, then copies bytes both ways. */
async function relay(
  client: Deno.Conn,
  upstreamPort: number,
  limits: ServerLimits,
  clients: Map<number, Deno.NetAddr>,
): Promise<void> {
  let upstream: Deno.Conn | undefined;
  try {
    const head = await readHead(client, limits.headerTimeoutMs);
    if (head.kind !== "head") {
      if (head.kind === "timeout") await answer(client, 408, "Request Timeout");
      if (head.kind === "too_large") await answer(client, 431, "Request Header Fields Too Large");
      return;
    }
    upstream = await Deno.connect({ hostname: "127.0.0.1", port: upstreamPort });
    // Bytes go on as they come: a streamed response's small writes must not wait for the peer's
    // delayed acknowledgement (Nagle's algorithm), which costs 40 ms a response.
    (client as Deno.TcpConn).setNoDelay(true);
    (upstream as Deno.TcpConn).setNoDelay(true);
    const port = (upstream.localAddr as Deno.NetAddr).port;
    clients.set(port, client.remoteAddr as Deno.NetAddr);
    try {
      await writeAll(upstream, head.bytes);
      await copyBothWays(client, upstream, limits.idleTimeoutMs);
    } finally {
      clients.delete(port);
    }
  } catch {
    // a reset or closed connection ends the relay
  } finally {
    closeQuietly(client);
    if (upstream) closeQuietly(upstream);
  }
}

type Head =
  | { kind: "head"; bytes: Uint8Array }
  | { kind: "timeout" | "too_large" | "closed" };

/** Reads until the end of the first request head (`\r\n\r\n`), the deadline, or the size cap. */
async function readHead(conn: Deno.Conn, timeoutMs: number): Promise<Head> {
  // Most heads fit in a few KiB: start small (a held connection costs little) and grow to the cap.
  let buffer = new Uint8Array(COPY_BUFFER_BYTES);
  let length = 0;
  let timer: Timer | undefined;
  const deadline = new Promise<"timeout">((resolve) => {
    timer = after(() => resolve("timeout"), timeoutMs);
  });
  try {
    while (length < MAX_HEAD_BYTES) {
      if (length === buffer.length) {
        const grown = new Uint8Array(Math.min(buffer.length * 2, MAX_HEAD_BYTES));
        grown.set(buffer);
        buffer = grown;
      }
      const read = await Promise.race([
        conn.read(buffer.subarray(length)).catch(() => null),
        deadline,
      ]);
      if (read === "timeout") return { kind: "timeout" };
      if (read === null) return { kind: "closed" };
      const from = Math.max(0, length - 3);
      length += read;
      if (indexOfHeadEnd(buffer, from, length) >= 0) {
        return { kind: "head", bytes: buffer.slice(0, length) };
      }
    }
    return { kind: "too_large" };
  } finally {
    timer!.cancel();
  }
}

function indexOfHeadEnd(buffer: Uint8Array, from: number, to: number): number {
  for (let i = from; i + 3 < to; i++) {
    if (
      buffer[i] === HEAD_END[0] && buffer[i + 1] === HEAD_END[1] &&
      buffer[i + 2] === HEAD_END[2] && buffer[i + 3] === HEAD_END[3]
    ) return i;
  }
  return -1;
}

/** Copies both directions until either side closes or nothing moves for `idleMs`. */
async function copyBothWays(a: Deno.Conn, b: Deno.Conn, idleMs: number): Promise<void> {
  let lastActivity = Date.now();
  const touch = () => lastActivity = Date.now();
  const idle = every(() => {
    if (Date.now() - lastActivity < idleMs) return;
    closeQuietly(a);
    closeQuietly(b);
  }, Math.min(idleMs, 1000));
  try {
    // Either side ending ends both: a client that leaves aborts its request on the server (so a
    // handler that never answers cannot hold the connection), and a server that closes is passed on.
    await Promise.race([copy(a, b, touch), copy(b, a, touch)]);
  } finally {
    idle.cancel();
  }
}

async function copy(from: Deno.Conn, to: Deno.Conn, touch: () => void): Promise<void> {
  const buffer = new Uint8Array(COPY_BUFFER_BYTES);
  try {
    while (true) {
      const read = await from.read(buffer);
      if (read === null) break;
      touch();
      await writeAll(to, buffer.subarray(0, read));
    }
  } catch {
    // a reset or closed connection
  } finally {
    closeQuietly(from);
    closeQuietly(to);
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length;) {
    written += await conn.write(bytes.subarray(written));
  }
}

async function answer(conn: Deno.Conn, status: number, reason: string): Promise<void> {
  const body = `${reason}\n`;
  await writeAll(
    conn,
    encoder.encode(
      `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
        `Content-Length: ${body.length}\r\n\r\n${body}`,
    ),
  ).catch(() => {});
}

function closeQuietly(closable: { close(): void }): void {
  try {
    closable.close();
  } catch {
    // already closed
  }
}
