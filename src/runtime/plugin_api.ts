/**
 * The host's API for plugin code, imported as `@honeyframe/edge` (an entry of the host's import
 * map, so it resolves for customer plugins outside the project too).
 *
 * @example
 * ```tsx
 * import type { PluginPageProps } from "@honeyframe/edge";
 * export const pages = { "/": (props: PluginPageProps) => <h1>{props.plugin.display_name}</h1> };
 * ```
 *
 * @module
 */
export type { PluginPage, PluginPageProps } from "./registry.ts";
