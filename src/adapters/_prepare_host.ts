/**
 * What every server adapter does before it listens: read the configuration, open the state store
 * the environment asks for, load the plugin state, create the app. Failures end the process with
 * one clear line.
 *
 * @module
 */
import type { Hono } from "hono";
import type { EnvSource } from "../env/mod.ts";
import {
  createApp,
  type HostConfig,
  keepAuditFor,
  PluginLifecycle,
  readConfigOrExit,
  type Registry,
} from "../runtime/mod.ts";
import { openStoreOrExit, type StoreKind } from "../state/mod.ts";
import { readServerLimits, type ServerLimits } from "./_server_limits.ts";

/** A host ready to serve. */
export interface PreparedHost {
  /** The configuration. */
  readonly config: HostConfig;
  /** The connection limits the server enforces. */
  readonly limits: ServerLimits;
  /** The app. */
  readonly app: Hono;
  /** The lines to print once listening, after the address. */
  readonly notes: string[];
}

/**
 * Reads the configuration, opens the store, loads the state (seeding first-time plugins) and
 * creates the app.
 *
 * @param registry The registry.
 * @param env The environment.
 * @param fallbackStore The store used when the environment names none.
 * @param exit The runtime's exit function.
 * @returns The prepared host.
 */
export async function prepareHost(
  registry: Registry,
  env: EnvSource,
  fallbackStore: StoreKind,
  exit: (code: number) => never,
): Promise<PreparedHost> {
  const config = readConfigOrExit(env, exit);
  let limits: ServerLimits;
  try {
    limits = readServerLimits(env);
  } catch (error) {
    console.error(`Honeyframe Edge cannot start: ${(error as Error).message}`);
    return exit(1);
  }
  const { store, label } = await openStoreOrExit(env, fallbackStore, exit);
  const lifecycle = new PluginLifecycle(registry, store);
  try {
    await lifecycle.ready();
  } catch (error) {
    console.error(
      `Honeyframe Edge cannot start: the state store failed: ${(error as Error).message}`,
    );
    return exit(1);
  }
  keepAuditFor(store, limits.auditRetentionDays);
  return {
    config,
    limits,
    app: createApp(registry, { ...config, lifecycle }),
    notes: [`State: ${label}.`],
  };
}
