/**
 * Test helper: the admin UI's forms, in process: a same-origin form POST, signing in with the admin
 * token, and the session's CSRF token.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Hono } from "hono";

/** The origin in-process requests come from. */
export const ORIGIN = "http://localhost";

/** A form POST, with the session cookie when given, from `origin`. */
export function form(
  fields: Record<string, string>,
  cookie?: string,
  origin = ORIGIN,
): RequestInit {
  return {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin,
      ...(cookie ? { cookie } : {}),
    },
  };
}

/** Signs in with `token` and returns the session cookie (`name=value`). */
export async function signInWith(
  app: Hono,
  token: string,
  url = `${ORIGIN}/admin/sign-in`,
): Promise<string> {
  const response = await app.request(
    url,
    form({ token, next: "/admin/plugins" }, undefined, new URL(url).origin),
  );
  assert.equal(response.status, 303);
  return response.headers.get("set-cookie")!.split(";")[0]!;
}

/** The CSRF token of a session, read from a page's forms. */
export async function csrfOf(app: Hono, cookie: string): Promise<string> {
  const page = await (await app.request(`${ORIGIN}/admin/plugins`, { headers: { cookie } })).text();
  return /name="csrf" value="([^"]+)"/.exec(page)![1]!;
}
