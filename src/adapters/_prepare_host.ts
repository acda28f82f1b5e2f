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
  exitProcess,
  type GeneratedRegistry,
  type HostConfig,
  importPlugins,
  keepAuditFor,
  PluginLifecycle,
  readConfigOrExit,
  refuseExitToPlugins,
  type Registry,
} from "../runtime/mod.ts";
import { openStoreOrExit, type StoreKind } from "../state/mod.ts";
import { readServerLimits, type ServerLimits } from "./_server_limits.ts";

/** A host ready to serve. */
export interface PreparedHost {
  /** The registry with every mounted plugin's code imported (failures marked `error`). */
  readonly registry: Registry;
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
 * Reads the configuration, opens the store, imports the plugins' code (from then on only the host
 * can end the process), loads the state (seeding first-time plugins) and creates the app.
 *
 * @param generated The generated registry (its plugins' code is imported here, bounded in time).
 * @param env The environment.
 * @param fallbackStore The store used when the environment names none.
 * @returns The prepared host.
 */
export async function prepareHost(
  generated: GeneratedRegistry,
  env: EnvSource,
  fallbackStore: StoreKind,
): Promise<PreparedHost> {
  const exit = exitProcess;
  const config = readConfigOrExit(env, exit);
  let limits: ServerLimits;
  try {
    limits = readServerLimits(env);
  } catch (error) {
    console.error(`Honeyframe Edge cannot start: ${(error as Error).message}`);
    return exit(1);
  }
  const { store, label } = await openStoreOrExit(env, fallbackStore, exit);
  refuseExitToPlugins();
  const registry = await importPlugins(generated, { timeoutMs: config.pluginTimeoutMs });
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
    registry,
    config,
    limits,
    app: createApp(registry, { ...config, lifecycle }),
    notes: [`State: ${label}.`],
  };
}
