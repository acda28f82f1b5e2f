/**
 * The host app's router: Hono's own router (`RegExpRouter`, `TrieRouter` as a fallback) once per
 * path prefix instead of once for the whole app. Hono's `RegExpRouter` joins every route into one
 * regular expression and finds the route that matched by scanning the capture array, so its cost
 * grows with the number of routes (at 1,000 plugins, 6,000 routes: about 40 µs a request, and a
 * 4,000-element array allocated for each). Here the routes are split by their first two path
 * segments (`/api/<plugin>`, `/admin/plugins`, …): a request is matched only against the routes
 * that can match its own prefix, each set made into a router and compiled on its first request, so
 * neither the time of a request nor the start-up grows with the number of plugins, and a prefix no
 * request has reached keeps a list of its routes, not a router. Such a prefix may still be given
 * routes once the app serves (a plugin's, when its code is imported on first use).
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

/** One route as added: method, path, handler, and its place in the order of adding. */
type Route<T> = readonly [method: string, path: string, handler: T, order: number];

/** A route that can match under more than one prefix: under `wide` (a first segment), or anywhere (`""`). */
interface WideRoute<T> {
  readonly route: Route<T>;
  readonly wide: string;
}

/** A Hono router split by the first two path segments. */
export class PartitionedRouter<T> implements Router<T> {
  /** What Hono reports as the app's router. */
  readonly name = "PartitionedRouter";
  /**
   * By two-segment prefix (`/api/crm`): the routes of its own, in the order they were added, until
   * its first request makes them (and the wide routes that can match under it) a router.
   */
  readonly #byPrefix = new Map<string, Route<T>[] | Router<T>>();
  /**
   * By first segment that has routes of its own (`/admin/*`): the router for paths under it whose
   * prefix has no routes of its own, made on its first request.
   */
  readonly #bySegment = new Map<string, Router<T> | undefined>();
  /** The router for paths whose first segment has no routes of its own, made on first request. */
  #anywhere: Router<T> | undefined;
  /** The routes that can match under more than one prefix, in the order they were added. */
  readonly #wide: WideRoute<T>[] = [];
  #added = 0;
  #matched = false;

  /**
   * Adds a route.
   *
   * @param method The HTTP method, or `ALL`.
   * @param path The path pattern.
   * @param handler The handler.
   */
  add(method: string, path: string, handler: T): void {
    const scope = scopeOf(path);
    const own = scope.kind === "prefix" ? this.#byPrefix.get(scope.prefix) : undefined;
    // Once requests are matched, only a prefix no request has been matched under yet may get
    // routes (a plugin's, when its code arrives on first use: its requests wait for it).
    const settled = scope.kind !== "prefix" || (own !== undefined && !Array.isArray(own));
    if (this.#matched && settled) {
      throw new Error("Can not add a route since the matcher is already built.");
    }
    const route: Route<T> = [method, path, handler, this.#added++];
    if (scope.kind === "prefix") {
      if (own) (own as Route<T>[]).push(route);
      else this.#byPrefix.set(scope.prefix, [route]);
      return;
    }
    const wide = scope.kind === "segment" ? scope.segment : "";
    if (wide) this.#bySegment.set(wide, undefined);
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
    return this.#routerOf(prefixOf(path)).match(method, path);
  }

  /** The router for paths under a prefix, made on its first request. */
  #routerOf(prefix: string): Router<T> {
    const own = this.#byPrefix.get(prefix);
    const segment = segmentOf(prefix);
    if (own) {
      if (!Array.isArray(own)) return own;
      const router = this.#made(own, segment);
      this.#byPrefix.set(prefix, router);
      return router;
    }
    if (this.#bySegment.has(segment)) {
      let router = this.#bySegment.get(segment);
      if (!router) this.#bySegment.set(segment, router = this.#made([], segment));
      return router;
    }
    return this.#anywhere ??= this.#made([], "");
  }

  /**
   * Hono's router over a prefix's own routes and the wide routes that can match under its first
   * segment, in the order they were all added.
   */
  #made(own: readonly Route<T>[], segment: string): Router<T> {
    const router = defaultRouter<T>();
    let next = 0;
    for (const { route, wide } of this.#wide) {
      if (wide !== "" && wide !== segment) continue;
      while (next < own.length && own[next]![3] < route[3]) addTo(router, own[next++]!);
      addTo(router, route);
    }
    while (next < own.length) addTo(router, own[next++]!);
    return router;
  }
}

function addTo<T>(router: Router<T>, [method, path, handler]: Route<T>): void {
  router.add(method, path, handler);
}

/**
 * Hono's default router, as `new Hono()` makes it (it compiles its routes on its first request).
 *
 * @returns A `SmartRouter` over a `RegExpRouter` and a `TrieRouter`.
 */
export function defaultRouter<T>(): Router<T> {
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
