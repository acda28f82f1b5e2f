/**
 * The registry's view of one verified plugin: the plain data the runtime needs.
 *
 * @module
 */
import { MANIFEST_TEXT_LIMIT, type RegistryPlugin } from "../runtime/registry.ts";
import type { VerifiedPlugin } from "./verify.ts";

/** A registry record without its imported routers, pages and health checks (plain data only). */
export type RegistryRecord = Omit<
  RegistryPlugin,
  "routers" | "pages" | "health" | "blockComponents"
>;

/**
 * Turns a verified plugin into registry data. Plugins whose manifest is invalid are shown with
 * their folder name and empty defaults, and the manifest's text as read.
 *
 * @param plugin The verified plugin.
 * @returns The record the registry stores for it (routers and pages excluded).
 * @example
 * ```ts
 * import type { VerifiedPlugin } from "./verify.ts";
 * declare const plugin: VerifiedPlugin;
 * const record = registryRecord(plugin);
 * record.status; // "mounted"
 * ```
 */
export function registryRecord(plugin: VerifiedPlugin): RegistryRecord {
  const manifest = plugin.manifest;
  return {
    name: plugin.name,
    display_name: manifest?.display_name ?? plugin.name,
    version: manifest?.version ?? null,
    source: plugin.source,
    status: plugin.status,
    router_specs: manifest?.routers.map((router) => router.spec) ?? [],
    dbt_workspace: manifest?.dbt_workspace ?? null,
    ...(manifest?.requires
      ? {
        requires: {
          host: manifest.requires.host ?? null,
          plugins: { ...manifest.requires.plugins },
        },
      }
      : {}),
    ...(plugin.dependents ? { dependents: plugin.dependents } : {}),
    ...(plugin.unsupported ? { unsupported: plugin.unsupported } : {}),
    ...(plugin.package
      ? { package: { name: plugin.package.name, version: plugin.package.version } }
      : {}),
    ...(plugin.dbt ? { dbt: plugin.dbt } : {}),
    frontend_entry: manifest?.frontend_entry ?? null,
    nav: manifest?.nav ?? [],
    ...(manifest?.network?.length ? { network: manifest.network } : {}),
    ...(manifest && Object.keys(manifest.config).length > 0 ? { config: manifest.config } : {}),
    permissions: manifest?.permissions ?? [],
    seed_groups: manifest?.seed_groups ?? [],
    errors: plugin.errors,
    warnings: plugin.warnings,
    ...(plugin.errors.length > 0 && plugin.manifestBytes
      ? { manifest_text: manifestText(plugin.manifestBytes) }
      : {}),
    routes: plugin.routes,
    ...(plugin.client
      ? {
        client: {
          hash: plugin.client.hash,
          bytes: new TextEncoder().encode(plugin.client.js).length,
        },
      }
      : {}),
    ...(plugin.stylesheet
      ? {
        stylesheet: {
          hash: plugin.stylesheet.hash,
          bytes: new TextEncoder().encode(plugin.stylesheet.css).length,
        },
      }
      : {}),
    ...(plugin.frontend?.blocks.length ? { blocks: plugin.frontend.blocks } : {}),
    ...(plugin.frontend && Object.keys(plugin.frontend.pagePermissions).length
      ? { page_permissions: plugin.frontend.pagePermissions }
      : {}),
  };
}

/** The manifest as text, cut at the limit (on a character boundary). */
function manifestText(bytes: Uint8Array): string {
  const text = new TextDecoder().decode(bytes.subarray(0, MANIFEST_TEXT_LIMIT));
  return bytes.byteLength > MANIFEST_TEXT_LIMIT ? text.replace(/\uFFFD$/, "") : text;
}
