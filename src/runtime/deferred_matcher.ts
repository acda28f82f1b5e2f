/**
 * A mounted plugin router's own matcher, made when it is first used. The host serves a plugin's
 * routes from its own router (they are copied into it when the plugin is mounted), but each of the
 * plugin's Hono apps still holds the matcher Hono made for it: a `SmartRouter` with a
 * `RegExpRouter` and a `TrieRouter`, about 1.7 KB of objects (measured in a heap snapshot) that in
 * the host's process are used only if the plugin calls its own app (`router.request(…)`). Once the
 * plugin is mounted, such a matcher that has matched nothing yet is replaced by one that makes the
 * same matcher from the app's routes on its first use, so the app answers as it would have.
 * A matcher the plugin chose itself, or one already in use, is left as it is.
 *
 * @module
 */
import type { Hono } from "hono";
import type { Result, Router } from "hono/router";
import { SmartRouter } from "hono/router/smart-router";
import { defaultRouter } from "./partitioned_router.ts";

/** What Hono's matcher stores for a route: the handler and the route. */
type Stored = Hono["router"] extends Router<infer T> ? T : never;

/**
 * Gives a mounted plugin's app a matcher made on first use, if it has Hono's own that is unused.
 *
 * @param app One of the plugin's routers, its routes already mounted on the host's app.
 */
export function deferOwnMatcher(app: Hono): void {
  const current = app.router;
  // Hono's default matcher, unused: a SmartRouter names itself after its choice on first match.
  if (current instanceof SmartRouter && current.name === "SmartRouter") {
    app.router = new DeferredMatcher(app);
  }
}

/** Hono's default matcher over an app's routes, made on the first route added or matched. */
class DeferredMatcher implements Router<Stored> {
  /** As Hono's default matcher names itself until its first match. */
  readonly name = "SmartRouter";
  readonly #app: Hono;
  #made: Router<Stored> | undefined;

  constructor(app: Hono) {
    this.#app = app;
  }

  /**
   * Adds a route (Hono adds it to the app's routes just after).
   *
   * @param method The method.
   * @param path The path.
   * @param handler What Hono stores for it.
   */
  add(method: string, path: string, handler: Stored): void {
    this.#matcher().add(method, path, handler);
  }

  /**
   * Matches a request as Hono's default matcher over the same routes would.
   *
   * @param method The method.
   * @param path The path.
   * @returns The handlers and parameters.
   */
  match(method: string, path: string): Result<Stored> {
    return this.#matcher().match(method, path);
  }

  #matcher(): Router<Stored> {
    if (this.#made) return this.#made;
    const made = defaultRouter<Stored>();
    for (const route of this.#app.routes) {
      made.add(route.method, route.path, [route.handler, route] as Stored);
    }
    return this.#made = made;
  }
}
