/**
 * A request's URL as the app sees it, given to the request itself. Behind the front, Deno names a
 * Unix socket's requests `http+unix://<Host>/…` while the app must see `http://<Host>/…`; the
 * request gets that URL as its own `url` property instead of being copied, because every
 * `new Request` on Deno 2.9 leaves objects that survive the young generation's next collection
 * (measured: ~1 MB a collection under load, and V8 doubled its young generation).
 *
 * @module
 */

/**
 * Gives `request` the URL the app sees.
 *
 * @param request The request.
 * @param url Its URL.
 * @returns The same request, whose `url` is now `url`.
 * @example
 * ```ts
 * const request = withUrl(new Request("http://h/a"), "http://app/a");
 * request.url; // "http://app/a"
 * ```
 */
export function withUrl(request: Request, url: string): Request {
  return url === request.url
    ? request
    : Object.defineProperty(request, "url", { value: url, enumerable: true });
}

/**
 * A copy of a request with some parts replaced, at the URL the app sees (`new Request(request, …)`
 * alone would take the URL underneath one given by {@link withUrl}).
 *
 * @param request The request.
 * @param init What changes.
 * @returns The copy.
 */
export function copyRequest(request: Request, init: RequestInit): Request {
  return withUrl(new Request(request, init), request.url);
}
