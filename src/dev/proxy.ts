/**
 * The dev proxy: listens where the developer's browser points and passes every request to the
 * current server child, so that a new server can start beside the old one and take over only once
 * it answers (and a server that fails to start never replaces the last good one). A form posted
 * from the proxy's own origin reaches the server as posted from the server's (so sign-in works in
 * dev); one from any other origin is still refused by the server. Pages get the live-reload script
 * (`live_reload.ts`).
 *
 * @module
 */
import { LiveReload } from "./live_reload.ts";

/** The proxy's listener; point it at a server with {@link DevProxy.target}. */
export interface DevProxy extends AsyncDisposable {
  /** Where it listens. */
  readonly addr: Deno.NetAddr;
  /** The 127.0.0.1 port requests go to; `undefined` answers 503 until a server is up. */
  target: number | undefined;
  /** What the open pages are told: reload, or the problems of a broken save. */
  readonly live: LiveReload;
}

/**
 * Starts the proxy.
 *
 * @param hostname The interface to listen on.
 * @param port The port (0 picks a free one).
 * @returns The proxy.
 * @example
 * ```ts
 * await using proxy = startProxy("127.0.0.1", 8000);
 * proxy.target = 41234;
 * ```
 */
export function startProxy(hostname: string, port: number): DevProxy {
  const live = new LiveReload();
  const proxy = {
    target: undefined as number | undefined,
    live,
  };
  const server = Deno.serve({ hostname, port, onListen: () => {} }, async (request) => {
    const own = live.answer(new URL(request.url));
    if (own) return own;
    const target = proxy.target;
    if (target === undefined) {
      return new Response("the dev server is building; try again in a moment\n", {
        status: 503,
        headers: { "Retry-After": "1" },
      });
    }
    const url = new URL(request.url);
    const origin = url.origin;
    url.protocol = "http:";
    url.hostname = "127.0.0.1";
    url.port = String(target);
    const forwarded = new Request(url, request);
    // The browser's form posts come from the proxy's origin; the server checks them against its
    // own. A same-origin Origin is passed on as the server's; any other stays as it was (refused).
    if (request.headers.get("Origin") === origin) forwarded.headers.set("Origin", url.origin);
    try {
      return await live.withClient(request, await fetch(forwarded, { redirect: "manual" }));
    } catch (error) {
      return new Response(`the dev server's backend did not answer: ${String(error)}\n`, {
        status: 502,
      });
    }
  });
  return Object.assign(proxy, {
    addr: server.addr,
    [Symbol.asyncDispose]: () => {
      live.close();
      return server.shutdown();
    },
  });
}
