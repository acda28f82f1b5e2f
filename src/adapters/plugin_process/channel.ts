/**
 * Frames over a byte stream: the pipes between the host and the supervisor, and the connection
 * between the host and the plugin process. Frames are written in order — what is queued while a
 * write is under way goes out in the next write, together — and read as they complete.
 *
 * @module
 */
import { concatBytes, encodeFrame, type Frame, FrameReader } from "../../runtime/plugins/mod.ts";

/** A connection or a pair of pipes: bytes in, bytes out. */
export interface ByteStreams {
  /** What the peer sends. */
  readonly readable: ReadableStream<Uint8Array>;
  /** What goes to the peer. */
  readonly writable: WritableStream<Uint8Array>;
  /** Ends the connection (both directions). */
  close(): void;
}

/** A connection that speaks frames. */
export interface FrameChannel {
  /** Sends a frame (queued behind the frames before it). */
  send(frame: Frame): void;
  /** Sends bytes as they are: a greeting. */
  sendBytes(bytes: Uint8Array): void;
  /** Resolves when the peer closed the connection or broke the format. */
  readonly closed: Promise<void>;
  /** Closes the connection. */
  close(): void;
}

/** A fixed-length greeting a connection starts with, and who checks it. */
export interface Greeting {
  /** Its length in bytes. */
  readonly length: number;
  /** Checks it; returns whether the connection may go on (it is closed otherwise). */
  readonly check: (bytes: Uint8Array) => boolean;
}

/**
 * Speaks frames over a connection, which may start with a greeting: no frame is taken before the
 * greeting was checked and accepted.
 *
 * @param conn The connection (a socket, or a child's standard input and output).
 * @param onFrame Called with every frame received, in order.
 * @param greeting The greeting's length and who checks it.
 * @returns The channel.
 */
export function frameChannel(
  conn: ByteStreams,
  onFrame: (frame: Frame) => void,
  greeting?: Greeting,
): FrameChannel {
  const reader = new FrameReader();
  let pending: Uint8Array = new Uint8Array(0);
  let greeted = greeting === undefined;
  const result: FrameChannel = channel(conn, (chunk) => {
    if (!greeted) {
      pending = concatBytes([pending, chunk]);
      if (pending.byteLength < greeting!.length) return;
      greeted = true;
      if (!greeting!.check(pending.slice(0, greeting!.length))) return result.close();
      chunk = pending.slice(greeting!.length);
    }
    for (const frame of reader.push(chunk)) onFrame(frame);
  });
  return result;
}

/** Reads every chunk into `receive`, and writes in order with coalescing. */
function channel(conn: ByteStreams, receive: (chunk: Uint8Array) => void): FrameChannel {
  let open = true;
  let queued: Uint8Array[] = [];
  let writing = false;
  let drained: Promise<void> = Promise.resolve();
  const writer = conn.writable.getWriter();
  const pump = async () => {
    try {
      while (open && queued.length > 0) {
        const batch = concatBytes(queued);
        queued = [];
        await writer.write(batch);
      }
    } catch {
      open = false;
    }
    writing = false;
  };
  const write = (bytes: Uint8Array) => {
    if (!open) return;
    queued.push(bytes);
    if (writing) return;
    writing = true;
    drained = pump();
  };
  const closed = (async () => {
    try {
      for await (const chunk of conn.readable) {
        if (!open) break;
        receive(chunk);
      }
    } catch {
      // a reset connection or a broken frame: closed either way
    } finally {
      open = false;
    }
  })();
  return {
    send: (frame) => write(encodeFrame(frame)),
    sendBytes: write,
    closed,
    close() {
      open = false;
      void drained.then(() => writer.close()).catch(() => {});
      try {
        conn.close();
      } catch {
        // already closed
      }
    },
  };
}

/**
 * Random hexadecimal digits: the private folder's name, the plugin process's token.
 *
 * @param bytes How many random bytes (two digits each).
 * @returns The digits.
 */
export function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)))
    .map((byte) => byte.toString(16).padStart(2, "0"))
    .join("");
}
