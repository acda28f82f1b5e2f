/**
 * `@honeyframe/edge/client`: what a plugin's client module uses in its frame. An isolated plugin's
 * pages run in a sandboxed frame (an opaque origin, so no session cookie): its calls to its own API
 * carry a plugin token instead, which the host's page gives the frame on request and which lives
 * five minutes. {@link pluginFetch} asks for one, keeps it until shortly before it expires, and
 * asks again when the API answers 401.
 *
 * ```ts ignore
 * import { pluginFetch } from "@honeyframe/edge/client";
 * const response = await pluginFetch("/api/crm/contacts");
 * ```
 *
 * @module
 */

export { hydrateIslands, type IslandElement, type IslandMount } from "./islands.ts";

/** A plugin token, as the host's page gives it. */
export interface PluginToken {
  /** The JWT (`Authorization: Bearer …`). */
  readonly token: string;
  /** When it expires, in seconds since the epoch. */
  readonly expires_at: number;
}

/** How long to wait for the host's page to answer, in milliseconds. */
const ANSWER_TIMEOUT_MS = 10_000;

/** A token is asked for again this long before it expires, in seconds. */
const RENEW_BEFORE_S = 30;

/**
 * The parts of a browser page this module uses: it runs in a plugin frame, and is type-checked
 * with the host's sources, which know no DOM.
 */
interface FramePage {
  readonly document?: {
    querySelector(selectors: string): { getAttribute(name: string): string | null } | null;
  };
  readonly parent: { postMessage(message: unknown, targetOrigin: string): void };
  readonly self: unknown;
  readonly location: { readonly href: string };
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  removeEventListener(type: "message", listener: (event: MessageEvent) => void): void;
}

const page = globalThis as unknown as FramePage;

let kept: Promise<PluginToken> | undefined;

/**
 * Whether this page runs in a plugin frame (else it is a bundled plugin's page, inline in the
 * host's layout, whose API calls carry what any same-origin request does).
 *
 * @returns `true` in a frame.
 */
export function inPluginFrame(): boolean {
  return page.document !== undefined && page.parent !== page.self &&
    page.document.querySelector('meta[name="honeyframe-plugin"]') !== null;
}

/**
 * The host's origin: where the plugin's API is.
 *
 * @returns The origin (`https://edge.example.com`).
 */
export function hostOrigin(): string {
  const meta = page.document?.querySelector('meta[name="honeyframe-host"]');
  return meta?.getAttribute("content") || new URL(page.location.href).origin;
}

/**
 * A plugin token for this frame's plugin, asked of the host's page (or the one kept, while it has
 * more than 30 seconds to live).
 *
 * @param renew Ask for a new one even if one is kept.
 * @returns The token.
 * @throws {Error} Outside a plugin frame, when nobody is signed in (a dashboard block's frame gets
 * no token), or when the host's page does not answer within 10 seconds.
 */
export async function pluginToken(renew = false): Promise<PluginToken> {
  if (!inPluginFrame()) throw new Error("plugin tokens are given to plugin frames only");
  if (kept && !renew) {
    const token = await kept.catch(() => undefined);
    if (token && token.expires_at - RENEW_BEFORE_S > Date.now() / 1000) return token;
  }
  kept = askHost();
  return await kept;
}

/**
 * `fetch` for the plugin's own API from its frame: the URL is resolved against the host's origin
 * and the request carries a plugin token (never cookies); a 401 gets a new token and one retry.
 * Outside a frame it is `fetch` as it is.
 *
 * @param input The URL (`/api/<plugin>/…`).
 * @param init As for `fetch`.
 * @returns The response.
 */
export async function pluginFetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
  if (!inPluginFrame()) return await fetch(input, init);
  const url = new URL(input, `${hostOrigin()}/`);
  const send = async (renew: boolean) => {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${(await pluginToken(renew)).token}`);
    return await fetch(url, { ...init, headers, credentials: "omit", mode: "cors" });
  };
  const response = await send(false);
  return response.status === 401 ? await send(true) : response;
}

/** Asks the host's page for a token and waits for its answer. */
function askHost(): Promise<PluginToken> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      page.removeEventListener("message", heard);
      reject(new Error("the host's page gave no plugin token within 10 seconds"));
    }, ANSWER_TIMEOUT_MS);
    function heard(event: MessageEvent) {
      const data = event.data as {
        type?: unknown;
        token?: unknown;
        expires_at?: unknown;
        error?: unknown;
      };
      if (event.source !== page.parent || data?.type !== "honeyframe:token") return;
      clearTimeout(timer);
      page.removeEventListener("message", heard);
      if (typeof data.token === "string" && typeof data.expires_at === "number") {
        resolve({ token: data.token, expires_at: data.expires_at });
      } else {
        reject(new Error(`the host's page gave no plugin token (${String(data.error)})`));
      }
    }
    page.addEventListener("message", heard);
    page.parent.postMessage({ type: "honeyframe:token-request" }, hostOrigin());
  });
}
