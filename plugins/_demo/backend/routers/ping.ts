/**
 * The `_demo` plugin's router, mounted by the host under `/api/_demo`.
 *
 * @module
 */
import { Hono } from "hono";

/** `GET /ping` answers `{ "ok": true, "plugin": "_demo" }`. */
export const router = new Hono().get("/ping", (c) => c.json({ ok: true, plugin: "_demo" }));
