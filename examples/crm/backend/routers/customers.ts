/**
 * The crm plugin's router, mounted by the host under `/api/crm`: `GET /customers[?q=…]` serves its
 * customers mart to callers whose groups grant `crm.read` (the `crm_viewer` seed group does).
 *
 * @module
 */
import { pluginContext, requirePermission, WarehouseError } from "@honeyframe/edge";
import { Hono } from "hono";
import { listCustomers, MartNotBuilt } from "../customers.ts";

/** The routes. */
export const router = new Hono().get("/customers", requirePermission("crm.read"), async (c) => {
  try {
    const customers = await listCustomers(pluginContext(c).warehouse, c.req.query("q") ?? "");
    return c.json({ customers });
  } catch (error) {
    if (error instanceof MartNotBuilt) {
      return c.json({ error: "not_built", message: error.message }, 503);
    }
    if (error instanceof WarehouseError) {
      return c.json({ error: "warehouse", code: error.code, message: error.message }, 503);
    }
    throw error;
  }
});
