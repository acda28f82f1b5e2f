/**
 * The dbt API under `/api/dbt`: the workspaces, manual runs and the run history (admin bearer
 * token), and the result an orchestrator reports for a webhook run (signed instead).
 *
 * @module
 */
import { Hono, type MiddlewareHandler } from "hono";
import { JSON_BODY_LIMIT, limitBody } from "../body_limits.ts";
import type { DbtService } from "./service.ts";
import { SIGNATURE_HEADER } from "./webhook.ts";

/** The most runs one history request lists. */
export const MAX_RUNS_LISTED = 500;

/**
 * Creates the dbt API, to be mounted at `/api/dbt`.
 *
 * @param service The dbt service.
 * @param admin The admin-token check.
 * @returns The app.
 */
export function dbtApi(service: DbtService, admin: MiddlewareHandler): Hono {
  const app = new Hono();
  const limited = limitBody(JSON_BODY_LIMIT);

  app.get("/workspaces", admin, async (c) => c.json({ workspaces: await service.workspaces() }));

  app.post("/workspaces/:plugin/runs", limited, admin, async (c) => {
    const started = await service.requestRun(c.req.param("plugin"), "admin");
    if ("error" in started) {
      return c.json({ error: started.error, message: started.message }, started.status);
    }
    keepRunning(c, started.done);
    return c.json({ run_id: started.run.id, status: started.run.status }, 202);
  });

  app.get("/runs", admin, async (c) => {
    const limit = Math.min(Math.max(Number(c.req.query("limit") ?? 50) || 50, 1), MAX_RUNS_LISTED);
    const plugin = c.req.query("plugin") || undefined;
    return c.json({ runs: await service.runs({ limit, ...(plugin ? { plugin } : {}) }) });
  });

  app.post("/runs/:id", limited, async (c) => {
    const result = await service.report(
      c.req.param("id"),
      await c.req.text(),
      c.req.header(SIGNATURE_HEADER),
    );
    if (result === "unsigned") {
      return c.json({
        error: "invalid_signature",
        message:
          `${SIGNATURE_HEADER} is missing, does not match the body and this run, or is over five minutes old`,
      }, 401);
    }
    if (result === "invalid_body") {
      return c.json({
        error: "invalid_body",
        message: 'send {"status": "running" | "succeeded" | "failed", "exit_code"?, "output"?}',
      }, 400);
    }
    if (result === "not_found") {
      return c.json({ error: "not_found", message: "no unfinished run has this id" }, 404);
    }
    return c.json({ run: result });
  });
  return app;
}

/**
 * Keeps a background run alive after the response where the runtime would stop it (Workers'
 * `waitUntil`); elsewhere it runs on by itself.
 */
export function keepRunning(
  c: { readonly executionCtx: { waitUntil(promise: Promise<unknown>): void } },
  done: Promise<void>,
): void {
  try {
    c.executionCtx.waitUntil(done);
  } catch {
    // no execution context (Deno, Node): the promise runs on its own
  }
}
