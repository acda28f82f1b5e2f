/**
 * Test helper: HS256 tokens as a platform's identity provider would issue them.
 *
 * @module
 */
import { sign } from "hono/jwt";

/** A test JWT secret (32 characters). */
export const JWT_SECRET = "jwt-secret-for-tests-0123456789ab";

/** Signs `claims` (expiring in an hour unless `exp` is given). */
export function tokenFor(claims: Record<string, unknown>, secret = JWT_SECRET): Promise<string> {
  return sign({ exp: Math.floor(Date.now() / 1000) + 3600, ...claims }, secret, "HS256");
}
