/**
 * One end of the host's private socket, as the supervisor and the plugin process use it: frames
 * written in order, frames read as they complete.
 *
 * @module
 */
import { encodeFrame, type Frame, FrameReader } from "../../runtime/plugins/mod.ts";

/** A connected socket that speaks frames. */
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
 * @param conn The connection.
 * @param onFrame Called with every frame received, in order.
 * @returns The channel.
 */
export function frameChannel(conn: Deno.Conn, onFrame: (frame: Frame) => void): FrameChannel {
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
      try {
        conn.close();
      } catch {
        // already closed
      }
    },
  };
}
