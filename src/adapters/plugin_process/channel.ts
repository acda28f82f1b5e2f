/**
 * Frames over a byte stream: the pipes between the host and the supervisor, and the private socket
 * between the supervisor and the plugin process. Frames are written in order and read as they
 * complete.
 *
 * @module
 */
import { encodeFrame, type Frame, FrameReader } from "../../runtime/plugins/mod.ts";

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
  /** Resolves when the peer closed the connection or broke the format. */
  readonly closed: Promise<void>;
  /** Closes the connection. */
  close(): void;
}

/**
 * Speaks frames over a connection.
 *
 * @param conn The connection (a socket, or a child's standard input and output).
 * @param onFrame Called with every frame received, in order.
 * @returns The channel.
 */
export function frameChannel(conn: ByteStreams, onFrame: (frame: Frame) => void): FrameChannel {
  let writing: Promise<unknown> = Promise.resolve();
  let open = true;
  const writer = conn.writable.getWriter();
  const closed = (async () => {
    const reader = new FrameReader();
    try {
      for await (const chunk of conn.readable) {
        for (const frame of reader.push(chunk)) onFrame(frame);
      }
    } catch {
      // a reset connection or a broken frame: closed either way
    } finally {
      open = false;
    }
  })();
  return {
    send(frame) {
      if (!open) return;
      const bytes = encodeFrame(frame);
      writing = writing.then(() => writer.write(bytes)).catch(() => {
        open = false;
      });
    },
    closed,
    close() {
      open = false;
      void writing.then(() => writer.close()).catch(() => {});
      try {
        conn.close();
      } catch {
        // already closed
      }
    },
  };
}
