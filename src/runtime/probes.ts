/**
 * The probes a load balancer or orchestrator asks: `/livez` (the process answers), `/readyz` (the
 * plugin state is loaded, the plugins' code imported in the background has arrived and the state
 * store answers) and `/healthz` (always ok; kept for
 * compatibility). They are public and say nothing secret: the reason a store failed goes to the
 * log, once per change.
 *
 * @module
 */
import { Hono } from "hono";
import type { Logger } from "../log/mod.ts";
import type { PluginLifecycle } from "./lifecycle.ts";
import { withinTime } from "./time_limit.ts";
import type { DeferredPlugins } from "./plugins/deferred_plugins.ts";

/** How long `/readyz` waits for the state store. */
export const READINESS_TIMEOUT_MS = 2000;

/**
 * Creates the probes' app, mounted at `/` before every other route.
 *
 * @param lifecycle The plugin state and its store.
 * @param log Where a change of readiness is reported.
 * @param importing The plugins being imported in the background: not ready until they are.
 * @returns The app.
 * @example
 * ```ts
 * import { createLogger } from "../log/mod.ts";
 * import { MemoryStore } from "../state/mod.ts";
 * import { PluginLifecycle } from "./lifecycle.ts";
 * import { defineRegistry } from "./registry.ts";
 * const registry = defineRegistry({ fingerprint: "sha256-x", permissions: [], plugins: [] });
 * const probes = probesApp(new PluginLifecycle(registry, new MemoryStore()), createLogger());
 * (await probes.request("/livez")).status; // 200
 * ```
 */
export function probesApp(
  lifecycle: PluginLifecycle,
  log: Logger,
  importing?: DeferredPlugins,
): Hono {
  const app = new Hono();
  let wasReady = true;
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/livez", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    if (!lifecycle.started) {
      return c.json({ status: "unavailable", reason: "the plugin state is not loaded yet" }, 503);
    }
    if (importing && !importing.settled) {
      return c.json({
        status: "unavailable",
        reason: `the plugins' code is being imported (${importing.imported} of ${importing.size})`,
      }, 503);
    }
    const store = lifecycle.store.kind;
    try {
      await withinTime(
        lifecycle.store.ping(),
        READINESS_TIMEOUT_MS,
        () => new Error(`no answer within ${READINESS_TIMEOUT_MS} ms`),
      );
    } catch (error) {
      if (wasReady) log.warn(`not ready: the state store (${store}) does not answer`, { error });
      wasReady = false;
      return c.json({
        status: "unavailable",
        reason: `the state store (${store}) does not answer`,
      }, 503);
    }
    if (!wasReady) log.info(`ready again: the state store (${store}) answers`);
    wasReady = true;
    return c.json({ status: "ready", store });
  });
  return app;
}
