/**
 * What crosses between a plugin's frame and the host: the frame calls its plugin's API from an
 * opaque origin (a CORS request with its token, never with cookies), and the plugin origin, when
 * there is one, serves frames and nothing else.
 *
 * @module
 */
import type { Hono, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";

/** The methods a frame may call its plugin's API with. */
const FRAME_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

/**
 * Lets a plugin's frames call its API: `/api/<name>` and everything under it answer with
 * `Access-Control-Allow-Origin: *` (never with credentials, so no cookie is ever honoured), and the
 * host answers their preflight itself, before the plugin's router.
 *
 * @param app The host app.
 * @param plugin The plugin's name.
 * @example
 * ```ts
 * import { Hono } from "hono";
 * const app = new Hono();
 * allowFrameCalls(app, "crm");
 * ```
 */
export function allowFrameCalls(app: Hono, plugin: string): void {
  const middleware = cors({
    origin: "*",
    allowMethods: FRAME_METHODS,
    allowHeaders: ["Authorization", "Content-Type"],
    maxAge: 600,
  });
  app.use(`/api/${plugin}`, middleware);
  app.use(`/api/${plugin}/*`, middleware);
}

/**
 * Keeps the plugin origin to frames: a request to it for anything but a frame document or the
 * frame's script answers 404, so the host's pages, API and sign-in never answer there.
 *
 * @param pluginOrigin The plugin origin (`HONEYFRAME_PLUGIN_ORIGIN`).
 * @returns The middleware.
 * @example
 * ```ts
 * import { Hono } from "hono";
 * new Hono().use("*", onlyFramesAt(new URL("https://plugins.example.com")));
 * ```
 */
export function onlyFramesAt(pluginOrigin: URL): MiddlewareHandler {
  return async (c, next) => {
    const url = new URL(c.req.url);
    const frameRequest = c.req.method === "GET" && url.pathname.startsWith("/frames/") &&
      !url.pathname.endsWith("/token");
    if (url.host === pluginOrigin.host && !frameRequest) {
      return c.json({
        error: "not_found",
        message: "the plugin origin serves plugin frames only",
      }, 404);
    }
    await next();
    return undefined;
  };
}
