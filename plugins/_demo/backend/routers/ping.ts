/**
 * The `_demo` plugin's router, mounted by the host under `/api/_demo`.
 *
 * @module
 */
import { principalOf, requirePermission } from "@honeyframe/edge";
import { Hono } from "hono";

/**
 * `GET /ping` answers `{ "ok": true, "plugin": "_demo" }` to anyone; `GET /whoami` only to callers
 * whose JWT groups grant `demo.read` in their organisation (the `demo_viewer` seed group does).
 */
export const router = new Hono()
  .get("/ping", (c) => c.json({ ok: true, plugin: "_demo" }))
  .get(
    "/whoami",
    requirePermission("demo.read"),
    (c) => c.json({ ok: true, principal: principalOf(c) }),
  );
