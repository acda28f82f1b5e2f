/**
 * The permission catalog: the host's permissions and every mounted plugin's, each with one owner.
 * A permission claimed twice is an error on every plugin that claims it.
 *
 * @module
 */
import { MANIFEST_FILE, type Problem, problem } from "../manifest/mod.ts";
import { HOST_PERMISSIONS } from "../runtime/host_permissions.ts";
import type { CatalogPermission } from "../runtime/registry.ts";

/** A plugin as the catalog sees it. */
export interface PermissionOwner {
  /** The plugin name. */
  readonly name: string;
  /** The permissions it declares, in manifest order. */
  readonly permissions: readonly string[];
}

/**
 * Finds permissions declared by more than one owner (plugins, or a plugin and the host).
 *
 * @param plugins The plugins about to be mounted.
 * @returns For each plugin with conflicts, one problem per contested permission.
 * @example
 * ```ts
 * permissionConflicts([{ name: "a", permissions: ["x.read"] }, { name: "b", permissions: ["x.read"] }]);
 * // Map { "a" => [permission.conflict], "b" => [permission.conflict] }
 * ```
 */
export function permissionConflicts(plugins: readonly PermissionOwner[]): Map<string, Problem[]> {
  const owners = new Map<string, string[]>(HOST_PERMISSIONS.map((name) => [name, ["the host"]]));
  for (const plugin of plugins) {
    for (const permission of plugin.permissions) {
      owners.set(permission, [...owners.get(permission) ?? [], `\`${plugin.name}\``]);
    }
  }
  const conflicts = new Map<string, Problem[]>();
  for (const plugin of plugins) {
    for (const [index, permission] of plugin.permissions.entries()) {
      const others = owners.get(permission)!.filter((owner) => owner !== `\`${plugin.name}\``);
      if (others.length === 0) continue;
      conflicts.set(plugin.name, [
        ...conflicts.get(plugin.name) ?? [],
        problem(
          "permission.conflict",
          `\`${permission}\` is also declared by ${others.join(" and ")}`,
          {
            file: MANIFEST_FILE,
            path: `permissions[${index}]`,
          },
        ),
      ]);
    }
  }
  return conflicts;
}

/**
 * The catalog of a build: the host's permissions and the mounted plugins', sorted by name.
 *
 * @param plugins The mounted plugins.
 * @returns Every permission with its owner.
 */
export function permissionCatalog(plugins: readonly PermissionOwner[]): CatalogPermission[] {
  return [
    ...HOST_PERMISSIONS.map((name) => ({ name, owner: "host" })),
    ...plugins.flatMap((plugin) =>
      plugin.permissions.map((name) => ({ name, owner: plugin.name }))
    ),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
