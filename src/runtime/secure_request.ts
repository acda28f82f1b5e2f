/**
 * Whether a request reached the host over HTTPS, as far as the host can know: the public URL it is
 * configured with, a trusted proxy's `X-Forwarded-Proto`, or the request's own URL.
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
  if (transport.trustProxy) {
    const forwarded = request.headers.get("X-Forwarded-Proto")?.split(",")[0]?.trim();
    if (forwarded !== undefined) return forwarded.toLowerCase() === "https";
  }
  return new URL(request.url).protocol === "https:";
}
