/**
 * The frames the host and its plugin process exchange over their private connection: each is a JSON
 * header and optional bytes, `u32 header length | u32 bytes length | header | bytes` (big-endian).
 * Bodies cross as bytes, never as base64 in JSON, so a streamed response costs a copy, not a
 * re-encoding.
 *
 * @module
 */

/** One message between the host and its plugin process. */
export interface Frame {
  /** What the message says (`req`, `head`, `chunk`, …), with its fields. */
  readonly header: FrameHeader;
  /** The bytes it carries (a body chunk), if any. */
  readonly bytes?: Uint8Array;
}

/** A frame's JSON header: its type `t` and plain data. */
export interface FrameHeader {
  /** The message type. */
  readonly t: string;
  /** Its fields. */
  readonly [field: string]: unknown;
}

/** The largest header a peer may send, in bytes (a request's URL and headers fit easily). */
export const MAX_HEADER_BYTES = 1 << 20;

/** How many response bytes a worker sends ahead of what the host has taken. */
export const RESPONSE_WINDOW_BYTES = 1 << 20;

/** The largest chunk of bytes one frame may carry. */
export const MAX_FRAME_BYTES = 16 << 20;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Encodes one frame.
 *
 * @param frame The header and bytes.
 * @returns The frame's bytes, ready to write.
 * @example
 * ```ts
 * encodeFrame({ header: { t: "end", id: 1 } }).byteLength; // 8 + the header's JSON
 * ```
 */
export function encodeFrame(frame: Frame): Uint8Array {
  const header = encoder.encode(JSON.stringify(frame.header));
  const bytes = frame.bytes ?? new Uint8Array(0);
  const out = new Uint8Array(8 + header.byteLength + bytes.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, header.byteLength);
  view.setUint32(4, bytes.byteLength);
  out.set(header, 8);
  out.set(bytes, 8 + header.byteLength);
  return out;
}

/** A frame the peer sent that breaks the format: the connection cannot be trusted any more. */
export class FrameError extends Error {
  /** `FrameError`. */
  override name = "FrameError";
}

/**
 * Splits a byte stream into frames as its chunks arrive.
 *
 * @example
 * ```ts
 * const reader = new FrameReader();
 * const [frame] = reader.push(encodeFrame({ header: { t: "end", id: 1 } }));
 * frame?.header.t; // "end"
 * ```
 */
export class FrameReader {
  #buffer: Uint8Array = new Uint8Array(0);

  /**
   * Adds received bytes and returns the frames they complete.
   *
   * @param chunk The bytes received.
   * @returns The complete frames, in order.
   * @throws {FrameError} When a frame is larger than allowed or its header is not a JSON object
   * with a string `t`.
   */
  push(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    // copied: a stream may reuse the memory of the chunks it hands out
    const buffer = concatBytes([this.#buffer, chunk]);
    let offset = 0;
    while (buffer.byteLength - offset >= 8) {
      const view = new DataView(buffer.buffer, buffer.byteOffset + offset, 8);
      const headerLength = view.getUint32(0);
      const bytesLength = view.getUint32(4);
      if (headerLength > MAX_HEADER_BYTES || bytesLength > MAX_FRAME_BYTES) {
        throw new FrameError(`a frame of ${headerLength} + ${bytesLength} bytes is too large`);
      }
      const headerEnd = offset + 8 + headerLength;
      const end = headerEnd + bytesLength;
      if (buffer.byteLength < end) break;
      const header = parseHeader(buffer.subarray(offset + 8, headerEnd));
      frames.push(end === headerEnd ? { header } : { header, bytes: buffer.slice(headerEnd, end) });
      offset = end;
    }
    this.#buffer = offset === 0 ? buffer : buffer.slice(offset);
    return frames;
  }
}

function parseHeader(bytes: Uint8Array): FrameHeader {
  let header: unknown;
  try {
    header = JSON.parse(decoder.decode(bytes));
  } catch {
    throw new FrameError("a frame's header is not JSON");
  }
  if (
    typeof header !== "object" || header === null || Array.isArray(header) ||
    typeof (header as { t?: unknown }).t !== "string"
  ) {
    throw new FrameError("a frame's header has no type");
  }
  return header as FrameHeader;
}

/**
 * Joins byte arrays into one (the one itself when there is one).
 *
 * @param parts The arrays, in order.
 * @returns Their bytes, one after another.
 * @example
 * ```ts
 * concatBytes([new Uint8Array([1]), new Uint8Array([2, 3])]); // Uint8Array [1, 2, 3]
 * ```
 */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
