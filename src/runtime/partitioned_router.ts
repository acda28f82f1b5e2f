/**
 * The host app's router: Hono's own router (`RegExpRouter`, `TrieRouter` as a fallback) once per
 * path prefix instead of once for the whole app. Hono's `RegExpRouter` joins every route into one
 * regular expression and finds the route that matched by scanning the capture array, so its cost
 * grows with the number of routes (at 1,000 plugins, 6,000 routes: about 40 µs a request, and a
 * 4,000-element array allocated for each). Here the routes are split by their first two path
 * segments (`/api/<plugin>`, `/admin/plugins`, …): a request is matched only against the routes
 * that can match its own prefix, each set compiled on its first request, so neither the time of a
 * request nor the start-up grows with the number of plugins.
 *
 * The answers are Hono's: a route whose first two segments are literal goes to that prefix's
 * router; one with a literal first segment only (`/admin/*`) to every router under that segment;
 * any other (`*`, `/:lang/…`) to every router. Each router receives its routes in the order they
 * were added, so the handlers a request matches, and their order, are those of one router over
 * every route.
 *
 * @module
 */
import type { Result, Router } from "hono/router";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { SmartRouter } from "hono/router/smart-router";
import { TrieRouter } from "hono/router/trie-router";

/** One route as added: method, path, handler. */
type Route<T> = readonly [method: string, path: string, handler: T];

/** A Hono router split by the first two path segments. */
export class PartitionedRouter<T> implements Router<T> {
  /** What Hono reports as the app's router. */
  readonly name = "PartitionedRouter";
  /** Routes by their two-segment prefix (`/api/crm`), and those that can match any path under it. */
  readonly #byPrefix = new Map<string, Router<T>>();
  /** The routers for paths whose prefix has no routes of its own, by first segment (`/admin`). */
  readonly #bySegment = new Map<string, Router<T>>();
  /** The router for paths whose first segment has no routes of its own. */
  readonly #anywhere: Router<T> = defaultRouter();
  /**
   * The routes that can match more than one prefix, in the order they were added, for the routers
   * made later: `wide` is the first segment a route can match any path under, `""` any path.
   */
  readonly #wide: { route: Route<T>; wide: string }[] = [];
  #matched = false;

  /**
   * Adds a route.
   *
   * @param method The HTTP method, or `ALL`.
   * @param path The path pattern.
   * @param handler The handler.
   */
  add(method: string, path: string, handler: T): void {
    if (this.#matched) throw new Error("Can not add a route since the matcher is already built.");
    const route: Route<T> = [method, path, handler];
    const scope = scopeOf(path);
    if (scope.kind === "prefix") {
      this.#routerOf(this.#byPrefix, scope.prefix, scope.segment).add(...route);
      return;
    }
    const wide = scope.kind === "segment" ? scope.segment : "";
    if (wide) this.#routerOf(this.#bySegment, wide, wide).add(...route);
    else {
      this.#anywhere.add(...route);
      for (const router of this.#bySegment.values()) router.add(...route);
    }
    for (const [prefix, router] of this.#byPrefix) {
      if (!wide || segmentOf(prefix) === wide) router.add(...route);
    }
    this.#wide.push({ route, wide });
  }

  /**
   * The handlers for a request, as Hono's own router would find them.
   *
   * @param method The request's method.
   * @param path The request's path.
   * @returns The matched handlers and parameters.
   */
  match(method: string, path: string): Result<T> {
    this.#matched = true;
    const prefix = prefixOf(path);
    const router = this.#byPrefix.get(prefix) ?? this.#bySegment.get(segmentOf(prefix)) ??
      this.#anywhere;
    return router.match(method, path);
  }

  /**
   * The router of a prefix or first segment, made on its first route with the routes added before
   * that can match under it.
   */
  #routerOf(routers: Map<string, Router<T>>, key: string, segment: string): Router<T> {
    let router = routers.get(key);
    if (router) return router;
    router = defaultRouter();
    for (const { route, wide } of this.#wide) {
      if (wide === "" || wide === segment) router.add(...route);
    }
    routers.set(key, router);
    return router;
  }
}

/** Hono's default router (it compiles its routes on its first request). */
function defaultRouter<T>(): Router<T> {
  return new SmartRouter<T>({ routers: [new RegExpRouter(), new TrieRouter()] });
}

/** Which requests a route can match: one prefix, one first segment, or any. */
type Scope =
  | { kind: "prefix"; prefix: string; segment: string }
  | { kind: "segment"; segment: string }
  | { kind: "any" };

/** A route's scope, from its literal leading segments. */
function scopeOf(path: string): Scope {
  if (!path.startsWith("/")) return { kind: "any" };
  const prefix = prefixOf(path);
  const segment = segmentOf(prefix);
  if (!isLiteral(segment)) return { kind: "any" };
  return isLiteral(prefix) ? { kind: "prefix", prefix, segment } : { kind: "segment", segment };
}

/** A path's first two segments (`/api/crm` of `/api/crm/customers`), or the whole path. */
function prefixOf(path: string): string {
  const second = path.indexOf("/", 1);
  if (second < 0) return path;
  const third = path.indexOf("/", second + 1);
  return third < 0 ? path : path.slice(0, third);
}

/** A prefix's first segment (`/api` of `/api/crm`). */
function segmentOf(prefix: string): string {
  const second = prefix.indexOf("/", 1);
  return second < 0 ? prefix : prefix.slice(0, second);
}

/** Whether a path part has no parameter or wildcard. */
function isLiteral(part: string): boolean {
  return !part.includes(":") && !part.includes("*");
}
