/**
 * Rendering a page inside the shared layout, with the security headers every HTML page gets.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { type Child, jsx } from "hono/jsx";
import { html } from "hono/html";
import { secureHeaders } from "hono/secure-headers";
import { Layout, type NavLink } from "./layout.tsx";
import type { Session } from "./session.ts";
import type { Grants } from "./access.ts";

// Hono's JSX runtime finishes setting itself up on its first element by walking an object with
// `for…in`: done as this module loads, before any plugin code could add a key to Object.prototype
// (which made every page answer 500).
jsx("p", {});

/**
 * Security headers for the host's HTML pages: a strict Content-Security-Policy (only this origin's
 * stylesheet and scripts, frames only from where plugin frames come), never framed themselves, no
 * referrer leaks.
 *
 * @param frameSources Where the page's plugin frames come from (`frame-src`); none by default.
 * @returns The middleware.
 * @example
 * ```ts
 * import { Hono } from "hono";
 * new Hono().use("*", pageHeaders(["'self'"]));
 * ```
 */
export function pageHeaders(frameSources: readonly string[] = []): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      connectSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", "data:"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      ...(frameSources.length > 0 ? { frameSrc: [...frameSources] } : {}),
    },
    xFrameOptions: "DENY",
    referrerPolicy: "same-origin",
  });
}

/** {@link pageHeaders} for a page without plugin frames. */
export const pageSecurityHeaders: MiddlewareHandler = pageHeaders();

/** Who is looking at a page: their session, if signed in, and what it may open. */
export interface Viewer {
  /** The session, when someone is signed in. */
  readonly session?: Session;
  /** What they may open (nothing when signed out). */
  readonly can: Grants;
}

/** What every page outside `/admin` needs for the layout: the sidebar links and the viewer. */
export interface PageShell {
  /** The plugins' sidebar links, as of now. */
  readonly links: () => readonly NavLink[];
  /** Who is looking. */
  readonly viewerOf: (c: Context) => Promise<Viewer>;
  /** Audits a page refused to a signed-in person for want of `permission`. */
  readonly refused: (session: Session, path: string, permission: string) => Promise<void>;
}

/** What a page render needs besides its content. */
export interface PageContext {
  /** The page title. */
  readonly title: string;
  /** The plugins' sidebar links. */
  readonly pluginLinks: readonly NavLink[];
  /** The session, when signed in. */
  readonly session?: Session;
  /** What the session may open (the menu shows only that); nothing when absent. */
  readonly can?: Grants;
  /** The plugins' client modules the page loads. */
  readonly scripts?: readonly string[];
  /** The plugins' stylesheets the page loads. */
  readonly stylesheets?: readonly string[];
  /** Whether the page has plugin frames (it loads the host's end of their messages). */
  readonly framed?: boolean;
}

/**
 * Answers with a page in the layout.
 *
 * @param c The request context.
 * @param page Title, links and session.
 * @param content The page content.
 * @param status The HTTP status (200 by default).
 * @returns The HTML response.
 */
export function renderPage(
  c: Context,
  page: PageContext,
  content: Child,
  status: 200 | 403 | 404 | 409 | 422 | 500 | 501 | 503 | 504 = 200,
) {
  return htmlDocument(
    c,
    <Layout
      title={page.title}
      current={c.req.path}
      pluginLinks={page.pluginLinks}
      session={page.session}
      can={page.can}
      scripts={page.scripts}
      stylesheets={page.stylesheets}
      framed={page.framed}
    >
      {content}
    </Layout>,
    status,
  );
}

/**
 * Answers with a whole HTML document (`<!DOCTYPE html>` first, so browsers use standards mode).
 *
 * @param c The request context.
 * @param document The `<html>` element.
 * @param status The HTTP status.
 * @returns The HTML response.
 */
export function htmlDocument(
  c: Context,
  document: Child,
  status: 200 | 400 | 401 | 403 | 404 | 409 | 422 | 429 | 500 | 501 | 502 | 503 | 504 = 200,
) {
  return c.html(html`<!DOCTYPE html>${document}`, status);
}
