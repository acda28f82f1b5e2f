/**
 * The body of `GET /api/plugins`: what every discovered plugin is and why it is (not) mounted.
 *
 * @module
 */
import type {
  BlockEntry,
  ClientBundleInfo,
  PluginRequires,
  Problem,
  Registry,
  RegistryPlugin,
  RouteEntry,
} from "./registry.ts";

/** One plugin as the admin API shows it. */
export interface PluginSummary {
  /** The plugin name. */
  readonly name: string;
  /** Human label. */
  readonly display_name: string;
  /** Semver, or `null` when the manifest could not be read. */
  readonly version: string | null;
  /** `install` (bundled) or `data` (customer). */
  readonly source: RegistryPlugin["source"];
  /** `mounted`, `error`, `shadowed` or `disabled`. */
  readonly status: RegistryPlugin["status"] | "disabled";
  /** How a mounted plugin runs (`worker`: isolated in the plugin process), or `null`. */
  readonly isolation: "worker" | "in_process" | null;
  /** The hosts it may reach when isolated (its manifest's `network`). */
  readonly network: readonly string[];
  /** How many routers the manifest declares. */
  readonly router_count: number;
  /** How many routes its routers declare. */
  readonly route_count: number;
  /** Its route table: method, full path and the router that declares it. */
  readonly routes: readonly RouteEntry[];
  /** The npm package it came from (`{name, version}`), or `null` for a plugin folder. */
  readonly package: RegistryPlugin["package"] | null;
  /** What it requires (`host` range and plugins by name), or `null`. */
  readonly requires: PluginRequires | null;
  /** The plugins that require it. */
  readonly dependents: readonly string[];
  /** The dbt workspace folder, or `null`. */
  readonly dbt_workspace: string | null;
  /** Its client bundle (hash and bytes), or `null`. */
  readonly client: ClientBundleInfo | null;
  /** Its dashboard blocks. */
  readonly blocks: readonly BlockEntry[];
  /** Its required settings that have no value (it answers 503 `plugin_not_configured`). */
  readonly config_missing: readonly string[];
  /** Problems that keep the plugin from being mounted. */
  readonly errors: readonly Problem[];
  /** Problems that do not. */
  readonly warnings: readonly Problem[];
}

/** The whole `GET /api/plugins` body. */
export interface PluginsReport {
  /** Every discovered plugin, each after the plugins it requires (ties by name). */
  readonly plugins: readonly PluginSummary[];
  /** Facts about the registry itself. */
  readonly registry: { readonly fingerprint: string };
}

/**
 * Summarises a registry for the admin API.
 *
 * @param registry The generated registry.
 * @param statusOf The run-time status of a plugin (the build's status by default).
 * @param faultOf The problem a plugin met at run time (a crashed isolated plugin), if any.
 * @param missingOf A mounted plugin's required settings that have no value.
 * @returns The response body.
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { defineRegistry } from "./registry.ts";
 * const registry = defineRegistry({ fingerprint: "sha256-x", permissions: [], plugins: [] });
 * new Hono().get("/api/plugins", (c) => c.json(pluginsReport(registry)));
 * ```
 */
export function pluginsReport(
  registry: Registry,
  statusOf: (plugin: RegistryPlugin) => PluginSummary["status"] = (plugin) => plugin.status,
  faultOf: (plugin: RegistryPlugin) => Problem | undefined = () => undefined,
  missingOf: (plugin: RegistryPlugin) => readonly string[] = () => [],
): PluginsReport {
  return {
    plugins: registry.plugins.map((plugin) => ({
      name: plugin.name,
      display_name: plugin.display_name,
      version: plugin.version,
      source: plugin.source,
      status: statusOf(plugin),
      isolation: plugin.isolation ?? null,
      network: plugin.network ?? [],
      router_count: plugin.router_specs.length,
      route_count: plugin.routes.length,
      routes: plugin.routes,
      package: plugin.package ?? null,
      requires: plugin.requires ?? null,
      dependents: plugin.dependents ?? [],
      dbt_workspace: plugin.dbt_workspace,
      client: plugin.client ?? null,
      blocks: plugin.blocks ?? [],
      config_missing: plugin.status === "mounted" ? missingOf(plugin) : [],
      errors: [...plugin.errors, ...[faultOf(plugin)].filter((fault) => fault !== undefined)],
      warnings: plugin.warnings,
    })),
    registry: { fingerprint: registry.fingerprint },
  };
}
