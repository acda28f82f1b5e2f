/**
 * What every server adapter does before it listens: read the configuration, load the plugin state
 * from the store, create the app. Failures end the process with one clear line.
 *
 * @module
 */
import type { Hono } from "hono";
import { createApp } from "../app.tsx";
import { type EnvSource, type HostConfig, readConfigOrExit } from "../config.ts";
import { PluginLifecycle } from "../lifecycle.ts";
import type { Registry } from "../registry.ts";
import { MemoryStore } from "../state/memory_store.ts";
import type { StateStore } from "../state/types.ts";

/** Options of the server adapters. */
export interface ServeOptions {
  /** Where plugin state, groups and the audit log live (default: in memory). */
  readonly store?: StateStore;
  /** How the store is described at start-up (default: its kind). */
  readonly storeLabel?: string;
}

/** A host ready to serve. */
export interface PreparedHost {
  /** The configuration. */
  readonly config: HostConfig;
  /** The app. */
  readonly app: Hono;
  /** The lines to print once listening, after the address. */
  readonly notes: string[];
}

/**
 * Reads the configuration, loads the state (seeding first-time plugins) and creates the app.
 *
 * @param registry The registry.
 * @param env The environment.
 * @param options The store.
 * @param exit The runtime's exit function.
 * @returns The prepared host.
 */
export async function prepareHost(
  registry: Registry,
  env: EnvSource,
  options: ServeOptions,
  exit: (code: number) => never,
): Promise<PreparedHost> {
  const config = readConfigOrExit(env, exit);
  const store = options.store ?? new MemoryStore();
  const lifecycle = new PluginLifecycle(registry, store);
  try {
    await lifecycle.ready();
  } catch (error) {
    console.error(
      `Honeyframe Edge cannot start: the state store failed: ${(error as Error).message}`,
    );
    return exit(1);
  }
  return {
    config,
    app: createApp(registry, { ...config, lifecycle }),
    notes: [`State: ${options.storeLabel ?? store.kind}.`],
  };
}
