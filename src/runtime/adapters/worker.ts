/**
 * The fetch-handler adapter for Cloudflare Workers, Bun and `deno serve`: a module whose default
 * export has `fetch`. Configuration comes from the Worker's bindings, falling back to the process
 * environment where the runtime has one (Bun, Deno).
 *
 * @module
 */
import type { Hono } from "hono";
import { createApp } from "../app.tsx";
import { ConfigError, type EnvSource, readConfig } from "../config.ts";
import type { Registry } from "../registry.ts";

/** A module-worker style handler. */
export interface FetchHandler {
  /** Answers one request; `env` holds the Worker's bindings where the runtime passes them. */
  fetch(request: Request, env?: unknown, context?: unknown): Response | Promise<Response>;
}

/**
 * Creates the handler to `export default` from a worker entry. The app is created on the first
 * request, from that request's bindings; an invalid configuration answers 500 and is logged.
 *
 * @param registry The generated registry.
 * @returns The handler.
 * @example
 * ```ts
 * import { registry } from "./.gen/registry.ts";
 * export default workerHandler(registry);
 * ```
 */
export function workerHandler(registry: Registry): FetchHandler {
  let app: Hono | undefined;
  return {
    fetch(request, env, context) {
      try {
        app ??= createApp(registry, readConfig(layered(env)));
        return app.fetch(request, env, context as never);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        console.error(`Honeyframe Edge is misconfigured: ${error.message}`);
        return Response.json(
          { error: "misconfigured", message: "the server is misconfigured; see its log" },
          { status: 500 },
        );
      }
    },
  };
}

/** Worker bindings first, then the process environment of runtimes that have one. */
function layered(bindings: unknown): EnvSource {
  const record = typeof bindings === "object" && bindings !== null
    ? bindings as Record<string, unknown>
    : {};
  return {
    get(name) {
      const bound = record[name];
      return typeof bound === "string" ? bound : processEnv(name);
    },
  };
}

function processEnv(name: string): string | undefined {
  const runtime = globalThis as {
    Deno?: { env: { get(name: string): string | undefined } };
    process?: { env: Record<string, string | undefined> };
  };
  try {
    return runtime.Deno ? runtime.Deno.env.get(name) : runtime.process?.env[name];
  } catch {
    return undefined; // Deno without --allow-env
  }
}
