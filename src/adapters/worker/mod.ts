/**
 * The fetch-handler adapter for Cloudflare Workers, Bun and `deno serve`: a module whose default
 * export has `fetch`. Configuration comes from the Worker's bindings, falling back to the process
 * environment where the runtime has one (Bun, Deno). The state lives in memory.
 *
 * @example
 * ```ts ignore
 * import { registry } from "../../../.gen/registry.ts";
 * export default workerHandler(registry);
 * ```
 *
 * @module
 */
import { createLogger } from "../../log/mod.ts";
import type { Hono } from "hono";
import { ConfigError, layeredEnv, processEnv } from "../../env/mod.ts";
import { dropPrivileges, withoutHostBindings } from "../_drop_privileges.ts";
import {
  createApp,
  type GeneratedRegistry,
  importPlugins,
  readConfig,
  refuseExitToPlugins,
  type Registry,
} from "../../runtime/mod.ts";

/** A module-worker style handler. */
export interface FetchHandler {
  /** Answers one request; `env` holds the Worker's bindings where the runtime passes them. */
  fetch(request: Request, env?: unknown, context?: unknown): Response | Promise<Response>;
}

/** Options of {@link workerHandler}. */
export interface WorkerHandlerOptions {
  /**
   * Whether the process drops what plugins must not have before their code runs (default true:
   * `deno serve` revokes Deno's permissions, Bun loses the host's variables). `false` only where
   * the host is embedded in a process that must keep its rights, such as a test.
   */
  readonly dropPrivileges?: boolean;
}

/**
 * Creates the handler to `export default` from a worker entry. The app is created on the first
 * request, from that request's bindings; an invalid configuration answers 500 and is logged.
 * Plugins get the bindings without the host's own (tokens, secrets, the database URL).
 *
 * @param registry The generated registry.
 * @param options Whether to drop privileges.
 * @returns The handler.
 * @example
 * ```ts
 * import { defineRegistry } from "../../runtime/mod.ts";
 * const handler = workerHandler(defineRegistry({ fingerprint: "sha256-x", permissions: [], plugins: [] }));
 * const response = await handler.fetch(new Request("http://localhost/healthz"));
 * response.status; // 200
 * ```
 */
export function workerHandler(
  generated: GeneratedRegistry,
  options: WorkerHandlerOptions = {},
): FetchHandler {
  let registry: Promise<Registry> | undefined;
  let app: Hono | undefined;
  return {
    async fetch(request, env, context) {
      try {
        if (!registry) {
          // The configuration is read before any plugin code runs; then what plugins must not
          // have is dropped (the process environment on Deno and Bun), then they are imported.
          const config = readConfig(layeredEnv(bindingsOf(env), processEnv()));
          const note = options.dropPrivileges === false
            ? Promise.resolve("")
            : dropPrivileges(processEnv());
          refuseExitToPlugins();
          registry = note.then(() => importPlugins(generated)).then((imported) => {
            app = createApp(imported, config);
            return imported;
          });
        }
        await registry;
        return await app!.fetch(request, withoutHostBindings(env), context as never);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        createLogger().error(`Honeyframe Edge is misconfigured: ${error.message}`);
        return Response.json(
          { error: "misconfigured", message: "the server is misconfigured; see its log" },
          { status: 500 },
        );
      }
    },
  };
}

/** A Worker's bindings as an environment source (non-objects are no bindings). */
function bindingsOf(env: unknown): Readonly<Record<string, unknown>> {
  return typeof env === "object" && env !== null ? env as Record<string, unknown> : {};
}
