/**
 * How people reach the host, as far as the host can know: over HTTPS or not (the public URL it is
 * configured with, a trusted proxy's `X-Forwarded-Proto`, or the request's own URL), and so from
 * which origins its own forms are posted.
 *
 * @module
 */

/** What the host knows about how people reach it. */
export interface Transport {
  /** `HONEYFRAME_PUBLIC_URL`, when set. */
  readonly publicUrl?: URL;
  /** `HONEYFRAME_TRUST_PROXY=1`: `X-Forwarded-Proto` from the proxy in front counts. */
  readonly trustProxy?: boolean;
}

/**
 * Tells whether cookies set for this request may be `Secure` (and so `__Host-` prefixed).
 *
 * @param request The request.
 * @param transport The configured public URL and proxy trust.
 * @returns Whether the client is on HTTPS.
 * @example
 * ```ts
 * isSecureRequest(new Request("http://app/"), { publicUrl: new URL("https://app.example.com") }); // true
 * ```
 */
export function isSecureRequest(request: Request, transport: Transport): boolean {
  if (transport.publicUrl?.protocol === "https:") return true;
  const forwarded = forwardedProto(request, transport);
  if (forwarded !== undefined) return forwarded === "https";
  return new URL(request.url).protocol === "https:";
}

/**
 * The origins a browser may post the host's own forms from: the request's, the public URL's, and
 * the request's host under a trusted proxy's scheme (TLS ends at the proxy, so the host sees
 * `http://` while the browser says `https://`).
 *
 * @param request The request.
 * @param transport The configured public URL and proxy trust.
 * @returns The allowed origins.
 * @example
 * ```ts
 * const request = new Request("http://app/x", { headers: { "X-Forwarded-Proto": "https" } });
 * formOrigins(request, { trustProxy: true }); // ["http://app", "https://app"]
 * ```
 */
export function formOrigins(request: Request, transport: Transport): string[] {
  const url = new URL(request.url);
  const origins = new Set([url.origin]);
  if (transport.publicUrl) origins.add(transport.publicUrl.origin);
  const forwarded = forwardedProto(request, transport);
  if (forwarded === "https" || forwarded === "http") origins.add(`${forwarded}://${url.host}`);
  return [...origins];
}

/** The scheme a trusted proxy says the client used (its first hop), lower-cased. */
function forwardedProto(request: Request, transport: Transport): string | undefined {
  if (!transport.trustProxy) return undefined;
  return request.headers.get("X-Forwarded-Proto")?.split(",")[0]?.trim().toLowerCase();
}
