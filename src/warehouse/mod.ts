/**
 * The warehouse plugins read: a PostgreSQL login role per plugin, granted its own schemas only,
 * provisioned by the host (`HONEYFRAME_WAREHOUSE_ADMIN_URL`) or by a DBA (`plugins warehouse
 * grants`), and the pools that run plugins' queries as those roles.
 *
 * @module
 */
import { type PluginRole, pluginRoleName } from "./plugin_roles.ts";

export { readWarehouseConfig, type WarehouseConfig } from "./config.ts";
export {
  MAX_PARAMS,
  MAX_SQL_LENGTH,
  type OpenWarehouses,
  openWarehouses,
  type WarehouseOptions,
} from "./postgres_warehouses.ts";
export {
  loginOf,
  type PluginRole,
  pluginRoleName,
  provisioningStatements,
  quoteIdentifier,
  quoteLiteral,
  ROLE_CONNECTION_LIMIT,
  ROLE_PREFIX,
} from "./plugin_roles.ts";
export { rolePassword } from "./role_passwords.ts";

/**
 * The roles of the plugins that have a dbt workspace (and so a schema), mounted or not: grants
 * made for a plugin switched off do no harm, and it reads its tables once back.
 *
 * @param plugins The registry's plugins (or the build's).
 * @returns One role per such plugin, in their order.
 * @example
 * ```ts
 * pluginRoles([{ name: "crm", dbt: { schema: "crm", schemas: ["crm", "crm_marts"] } }]);
 * // [{ plugin: "crm", role: "hf_crm", schemas: ["crm", "crm_marts"] }]
 * ```
 */
export function pluginRoles(
  plugins: readonly {
    readonly name: string;
    readonly dbt?: { readonly schema: string; readonly schemas: readonly string[] };
  }[],
): PluginRole[] {
  return plugins.flatMap((plugin) =>
    plugin.dbt
      ? [{
        plugin: plugin.name,
        role: pluginRoleName(plugin.dbt.schema),
        schemas: plugin.dbt.schemas,
      }]
      : []
  );
}
