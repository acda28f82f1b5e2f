/**
 * The plugin process of a registry built for a test, started as the Deno adapter starts it (no
 * network for its plugins, 128 MiB).
 *
 * @module
 */
import { type PluginProcess, startPluginProcess } from "../../src/adapters/_plugin_process.ts";
import { denoLaunch, denoListenLoopback } from "../../src/adapters/deno/spawn.ts";

/**
 * Starts the plugin process of a registry.
 *
 * @param code The plugin process bundle (`registry.workerCode().process`).
 * @returns The process (dispose it to stop it).
 */
export function startTestPluginProcess(code: string): Promise<PluginProcess> {
  return startPluginProcess({
    deno: Deno.execPath(),
    launch: denoLaunch,
    listen: denoListenLoopback,
    code,
    memoryMb: 128,
    net: [],
    denyNet: [],
  });
}
