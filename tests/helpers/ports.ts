/**
 * Ports for servers that must be told theirs (nginx, PostgreSQL, a server that knows its own
 * public URL).
 *
 * @module
 */

/**
 * A port of 127.0.0.1 nothing listens on now.
 *
 * @returns The port.
 */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}
