/**
 * Problem codes: the stable vocabulary of everything that can be wrong with a plugin.
 * Tools, tests and operators rely on these strings; never rename one.
 *
 * @module
 */
import type { Problem } from "../runtime/registry.ts";

export type { Problem };

/** Every problem code the build can report, with what it means. */
export const PROBLEM_CODES = {
  "plugin.no_manifest": "the plugin folder has no plugin.yaml",
  "plugin.link_outside":
    "a symbolic link in the plugin folder leads outside it (it is not followed)",
  "plugin.shadowed": "an install plugin and a data plugin have the same name; the install one wins",
  "plugin.worker_bundle_failed":
    "bundling the plugin's code into one module for its worker failed (it is not served)",
  "plugin.crashed":
    "the plugin's worker crashed too often in a minute (`HONEYFRAME_PLUGIN_MAX_RESTARTS`); it is not served until the server restarts",
  "plugin.isolation_unavailable":
    "the plugin is to run isolated, but the plugin process could not start, the build made no worker bundle for it, or (on Cloudflare Workers) the host Worker has no service binding to its Worker",
  "plugin.start_failed":
    "the plugin's code threw or hung when the server imported it (it is not served)",
  "plugin.duplicate":
    "a plugin folder and a package, or two packages, declare the same plugin name in one root (an error on each)",
  "package.no_manifest": "the package's `honeyframe.plugin` names a plugin.yaml it does not have",
  "package.invalid_manifest_path":
    "the package's `honeyframe.plugin` is not a relative path inside the package",
  "package.version_mismatch": "the package's version differs from its plugin.yaml's",
  "package.hono_mismatch":
    "the package asks for or brings a major version of hono other than the host's",
  "package.bundle_failed":
    "bundling a package plugin's module with its dependencies failed (the bundler's message says where)",
  "plugin.dependencies_failed":
    "the plugin folder's package.json cannot be read, or npm could not install its dependencies",
  "plugin.reserved_name":
    "the name is one of the host's own API segments (e.g. `plugins`), or a customer plugin's name starts with `_`",
  "manifest.unreadable": "plugin.yaml could not be read",
  "manifest.symlink": "plugin.yaml is a symbolic link (it is not followed)",
  "manifest.too_large": "plugin.yaml is larger than the size cap",
  "manifest.invalid_encoding": "plugin.yaml is not valid UTF-8",
  "manifest.byte_order_mark": "plugin.yaml starts with a byte-order mark (accepted)",
  "manifest.empty": "plugin.yaml holds no document",
  "manifest.not_mapping": "the root of plugin.yaml is not a mapping",
  "manifest.missing_field": "a required field is missing",
  "manifest.invalid_type": "a field has the wrong type",
  "manifest.invalid_value": "a field has a value outside its rule",
  "manifest.invalid_name": "the name is not a valid slug",
  "manifest.name_mismatch": "the name differs from the folder name",
  "manifest.invalid_version": "the version is not semver 2.0",
  "manifest.invalid_router_spec": "a router spec is not `<path inside the plugin>[:<export>]`",
  "manifest.invalid_path": "a path field is absolute, leaves the plugin or is malformed",
  "manifest.invalid_permission": "a permission is not `resource.action`",
  "manifest.invalid_network_host":
    "a `network` entry is not a host name, or names a loopback or link-local address",
  "manifest.duplicate_permission": "a permission is declared twice",
  "config.invalid_key":
    "a setting's key (under `config`) is not lowercase letters, digits and `_`, starting with a letter",
  "config.invalid_type": "a setting's `type` is not string, number, boolean, url or enum",
  "config.invalid_default": "a setting's `default` does not fit its type (or its enum's `values`)",
  "config.invalid_values":
    "an `enum` setting has no `values` or repeats one, or a setting of another type has `values`",
  "config.secret_default":
    "a secret setting has a `default`: secrets are set by operators, never shipped in code",
  "manifest.undeclared_permission": "a seed group uses a permission the plugin does not declare",
  "manifest.unknown_field": "a top-level field the contract does not know (a warning)",
  "yaml.syntax": "plugin.yaml is not well-formed YAML",
  "yaml.duplicate_key": "a mapping has the same key twice",
  "yaml.alias_limit": "plugin.yaml uses more aliases than allowed",
  "yaml.unsupported_tag": "plugin.yaml uses a tag outside the YAML core schema",
  "yaml.collection_key": "a mapping key is a list or a mapping, not a plain value",
  "router.not_found": "a router module does not exist",
  "router.outside_plugin": "a router module resolves outside the plugin folder",
  "router.import_failed": "importing a router module threw",
  "router.export_not_found": "a router module lacks the named export",
  "router.not_hono_app": "a router export is not a Hono app",
  "router.routes_changed":
    "a router serves routes in the server that the build did not see (it is not served)",
  "router.dot_segment": "a router serves a path with a `.` or `..` segment",
  "router.invalid_health": "a router module's `health` export is not a function",
  "module.outside_plugin": "plugin code imports a file outside the plugin folder",
  "module.remote": "plugin code imports a URL that is not a file of the plugin",
  "module.undeclared_dependency": "plugin code imports a package it does not declare",
  "module.dynamic_specifier": "plugin code calls `import()` with a computed specifier",
  "runtime.unsupported":
    "plugin server code imports a `node:` built-in or a runtime's own Hono adapter, or uses `Deno.*` or `Bun.*`, which a runtime of `HONEYFRAME_TARGETS` lacks (a warning; servers there do not load the plugin and `verify` fails)",
  "code.type_error": "plugin code does not type-check (`plugins verify --check`)",
  "dbt_workspace.not_found": "the dbt workspace folder does not exist",
  "dbt_workspace.outside_plugin": "the dbt workspace resolves outside the plugin folder",
  "dbt_workspace.no_project": "the dbt workspace has no dbt_project.yml",
  "dbt_workspace.invalid_project":
    "dbt_project.yml is not well-formed YAML, or a field of it breaks dbt's rules (the field is named)",
  "dbt_workspace.shared_project":
    "another plugin carries a dbt project of the same name; each builds in its own schema (a warning)",
  "dbt_workspace.invalid_schema":
    "the plugin's warehouse schema (its name, `-` → `_`), or one derived from it, starts with pg_ or is longer than 63 bytes",
  "dbt_workspace.model_path_missing": "a `model-paths` folder does not exist (a warning)",
  "dbt_workspace.path_outside_project":
    "a model or seed path leaves the dbt project but stays in the plugin (a warning)",
  "dbt_workspace.unrendered_jinja":
    "a dbt_project.yml field holds Jinja the build does not render; it is shown as written (a warning)",
  "dbt_workspace.many_models": "the workspace has more models than the inventory lists (a warning)",
  "dbt_schedule.invalid": "`dbt_schedule` is not a five-field cron expression",
  "dbt_schedule.no_workspace": "`dbt_schedule` is set but `dbt_workspace` is not",
  "frontend_entry.not_found": "the frontend entry module does not exist",
  "frontend_entry.outside_plugin": "the frontend entry resolves outside the plugin folder",
  "frontend_entry.import_failed": "importing the frontend entry threw",
  "frontend_entry.export_not_found": "the frontend entry has no `pages` export",
  "frontend_entry.invalid_pages":
    "`pages` is not a map from paths (`/…`) to components (or `{ component, permission }`)",
  "frontend_entry.undeclared_permission":
    "a page needs a permission the plugin does not declare in `permissions`",
  "frontend_entry.invalid_blocks":
    "`blocks` is not a map from slugs to `{ title, component, size? }` (size: small, medium or large)",
  "client_entry.not_found": "the client entry module does not exist",
  "client_entry.outside_plugin": "the client entry resolves outside the plugin folder",
  "client_entry.bundle_failed":
    "bundling the client entry for the browser failed (the bundler's message says where)",
  "client_entry.large": "the client bundle is over 256 KiB minified (a warning)",
  "stylesheet.not_found": "the stylesheet does not exist",
  "stylesheet.outside_plugin": "the stylesheet resolves outside the plugin folder",
  "stylesheet.bundle_failed":
    "bundling the stylesheet failed, it imports a URL, or its braces do not balance (a `}` that would reach outside the plugin's part of the page)",
  "nav.no_page": "a nav entry points at a path the plugin has no page for (a warning)",
  "nav.unknown_icon": "a nav entry names an icon the host does not have (a warning)",
  "requires.host_mismatch": "the plugin needs a host version this host is not (`requires.host`)",
  "requires.missing": "a plugin it requires is not installed",
  "requires.version_mismatch": "a plugin it requires is installed at a version outside the range",
  "requires.unavailable":
    "a plugin it requires cannot be served (it has errors, or needs something missing)",
  "requires.cycle": "plugins require each other in a cycle (an error on every member)",
  "route.conflict": "two routers declare the same method and path",
  "permission.conflict": "a permission is declared by two plugins, or by a plugin and the host",
  "registry.stale": "the registry on disk differs from what a build would write now",
} as const;

/** A stable problem code. */
export type ProblemCode = keyof typeof PROBLEM_CODES;

/**
 * Builds a problem record, leaving out the location fields that are not known.
 *
 * @param code The stable code.
 * @param message A sentence for humans.
 * @param location The file (relative to the plugin) and the field path, when known.
 * @returns The problem record.
 * @example
 * ```ts
 * problem("manifest.missing_field", "`version` is required", { file: "plugin.yaml", path: "version" });
 * ```
 */
export function problem(
  code: ProblemCode,
  message: string,
  location: { file?: string; path?: string; line?: number; column?: number } = {},
): Problem {
  return {
    code,
    message,
    ...(location.file === undefined ? {} : { file: location.file }),
    ...(location.path === undefined ? {} : { path: location.path }),
    ...(location.line === undefined ? {} : { line: location.line, column: location.column ?? 1 }),
  };
}
