/**
 * The manifest contract: the valibot schema of `plugin.yaml`. It is the single source of truth;
 * the `Manifest` type is inferred from it, and every message carries its stable problem code
 * (see {@link codedMessage}).
 *
 * @module
 */
import * as v from "valibot";
import semver from "semver";
import { modulePathProblem, pathProblem, stylesheetPathProblem } from "./plugin_path.ts";
import { codedMessage } from "./coded_message.ts";
import { parseRouterSpec, type RouterSpec } from "./router_reference.ts";
import { ConfigSchema } from "./config_schema.ts";
import { noUnsafeKeys } from "./unsafe_keys.ts";
import type { SettingDeclaration } from "../runtime/context/settings.ts";

export { codedMessage, splitCodedMessage } from "./coded_message.ts";

/** A plugin name: lowercase, hyphenated, optionally one leading `_` (reserved for host plugins). */
export const PLUGIN_NAME = /^_?[a-z0-9]+(-[a-z0-9]+)*$/;

/** The longest plugin name. */
export const MAX_NAME_LENGTH = 64;

/** Semantic Versioning 2.0.0 (the expression published with the specification). */
export const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** A permission: `resource.action`, lowercase, at least two dotted parts. */
export const PERMISSION = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

const typeMessage = (expected: string) => (issue: v.BaseIssue<unknown>) => {
  const hint = expected === "a string" && ["number", "boolean"].includes(typeof issue.input)
    ? " (YAML read it as one: put the value in quotes)"
    : "";
  return codedMessage(
    "manifest.invalid_type",
    `must be ${expected}, not ${describe(issue.input)}${hint}`,
  );
};

const text = () => v.string(typeMessage("a string"));
const list = <T extends v.GenericSchema>(item: T) => v.array(item, typeMessage("a list"));
const nonBlank = () =>
  v.check(
    (value: string) => value.trim() !== "",
    codedMessage("manifest.invalid_value", "must not be empty"),
  );
const maxChars = (limit: number) =>
  v.maxLength<string, number, string>(
    limit,
    codedMessage("manifest.invalid_value", `must be at most ${limit} characters`),
  );
const pathRule = (reason: (path: string) => string | undefined) =>
  v.check(
    (value: string) => reason(value) === undefined,
    (issue) =>
      codedMessage("manifest.invalid_path", `\`${issue.input}\` ${reason(String(issue.input))}`),
  );

const NameSchema = v.pipe(
  text(),
  v.maxLength(
    MAX_NAME_LENGTH,
    codedMessage("manifest.invalid_name", `must be at most ${MAX_NAME_LENGTH} characters`),
  ),
  v.regex(
    PLUGIN_NAME,
    (issue) =>
      codedMessage(
        "manifest.invalid_name",
        `\`${issue.input}\` is not a slug: lowercase letters, digits and single hyphens, ` +
          "optionally one leading `_`",
      ),
  ),
);

const VersionSchema = v.pipe(
  text(),
  v.regex(
    SEMVER,
    (issue) =>
      codedMessage("manifest.invalid_version", `\`${issue.input}\` is not semver (e.g. 1.2.3)`),
  ),
);

const RouterSpecSchema = v.pipe(
  text(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const parsed = parseRouterSpec(dataset.value);
    if (typeof parsed !== "string") return parsed;
    addIssue({
      message: codedMessage("manifest.invalid_router_spec", `\`${dataset.value}\`: ${parsed}`),
    });
    return NEVER;
  }),
);

const PermissionSchema = v.pipe(
  text(),
  v.regex(
    PERMISSION,
    (issue) =>
      codedMessage(
        "manifest.invalid_permission",
        `\`${issue.input}\` is not \`resource.action\` (lowercase, dotted)`,
      ),
  ),
);

/**
 * A host an isolated plugin may reach (`network[]`): a name (`api.example.com`), every name under
 * a domain (`*.example.org`), or an IP address, with an optional port. Loopback, link-local and
 * unspecified addresses are never reachable, so they are refused here rather than silently later.
 */
export const NETWORK_HOST =
  /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:\d{1,5})?$/;

/** Why a `network[]` entry can never be reached, if it names a forbidden address. */
export function forbiddenNetworkHost(host: string): string | undefined {
  const name = host.replace(/:\d+$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) return "the loopback host";
  if (/^127\./.test(name) || name === "0.0.0.0") return "a loopback address";
  if (/^169\.254\./.test(name)) return "a link-local address (the cloud metadata service)";
  return undefined;
}

const NetworkHostSchema = v.pipe(
  text(),
  v.regex(
    NETWORK_HOST,
    (issue) =>
      codedMessage(
        "manifest.invalid_network_host",
        `\`${issue.input}\` is not a host name (e.g. \`api.example.com\`, \`*.example.org\`, ` +
          "`api.example.com:8443`)",
      ),
  ),
  v.check(
    (host: string) => forbiddenNetworkHost(host) === undefined,
    (issue) =>
      codedMessage(
        "manifest.invalid_network_host",
        `\`${issue.input}\` is ${
          forbiddenNetworkHost(issue.input as string)
        }: plugins never reach it`,
      ),
  ),
);

const NavEntrySchema = v.object(
  {
    label: v.pipe(
      text(),
      nonBlank(),
      maxChars(100),
    ),
    path: v.pipe(
      text(),
      v.startsWith(
        "/",
        (issue) =>
          codedMessage("manifest.invalid_value", `\`${issue.input}\` must start with \`/\``),
      ),
    ),
    icon: v.optional(v.pipe(text(), nonBlank())),
    permission: v.optional(PermissionSchema),
  },
  typeMessage("a mapping with `label` and `path`"),
);

const SeedGroupSchema = v.object(
  {
    name: v.pipe(text(), nonBlank()),
    permissions: list(text()),
  },
  typeMessage("a mapping with `name` and `permissions`"),
);

const RangeSchema = v.pipe(
  text(),
  v.check(
    (value: string) => semver.validRange(value) !== null,
    (issue) =>
      codedMessage(
        "manifest.invalid_value",
        `\`${issue.input}\` is not a semver range (e.g. \`^1.2.0\`, \`>=1.0.0 <2\`, \`1.x || 2.x\`)`,
      ),
  ),
);

const RequiresSchema = v.strictObject(
  {
    host: v.optional(RangeSchema),
    plugins: v.optional(
      v.pipe(
        v.unknown(),
        noUnsafeKeys("manifest.invalid_name", "a required plugin"),
        v.record(
          v.pipe(
            v.string(),
            v.regex(
              PLUGIN_NAME,
              (issue) =>
                codedMessage("manifest.invalid_name", `\`${issue.input}\` is not a plugin name`),
            ),
          ),
          RangeSchema,
          typeMessage("a mapping from plugin names to semver ranges"),
        ),
      ),
      {},
    ),
  },
  (issue) =>
    issue.kind === "schema" && issue.expected === "never"
      ? codedMessage(
        "manifest.invalid_value",
        `\`${String(issue.input)}\` is not known here: \`requires\` has \`host\` and \`plugins\``,
      )
      : typeMessage("a mapping with `host` and/or `plugins`")(issue),
);

/**
 * The most entries each list of a manifest may have: they bound what one plugin adds to every
 * page (the sidebar) and to the permission catalog.
 */
export const MANIFEST_LIST_LIMITS = {
  routers: 100,
  nav: 50,
  permissions: 500,
  seed_groups: 100,
  network: 100,
} as const;

/** The message of a list with more than `max` entries. */
const tooMany = (max: number) => (issue: v.BaseIssue<unknown>) =>
  codedMessage(
    "manifest.invalid_value",
    `at most ${max} entries, not ${(issue.input as unknown[]).length}`,
  );

/** The top-level fields of `plugin.yaml`, each with its rule. */
export const MANIFEST_FIELDS = {
  name: NameSchema,
  version: VersionSchema,
  display_name: v.optional(
    v.pipe(
      text(),
      nonBlank(),
      maxChars(100),
    ),
  ),
  routers: v.optional(
    v.pipe(
      list(RouterSpecSchema),
      v.maxLength(MANIFEST_LIST_LIMITS.routers, tooMany(MANIFEST_LIST_LIMITS.routers)),
    ),
    [],
  ),
  dbt_workspace: v.optional(v.pipe(text(), pathRule(pathProblem))),
  dbt_schedule: v.optional(v.pipe(text(), nonBlank())),
  requires: v.optional(RequiresSchema),
  frontend_entry: v.optional(v.pipe(text(), pathRule(modulePathProblem))),
  client_entry: v.optional(v.pipe(text(), pathRule(modulePathProblem))),
  stylesheet: v.optional(v.pipe(text(), pathRule(stylesheetPathProblem))),
  nav: v.optional(
    v.pipe(
      list(NavEntrySchema),
      v.maxLength(MANIFEST_LIST_LIMITS.nav, tooMany(MANIFEST_LIST_LIMITS.nav)),
    ),
    [],
  ),
  network: v.optional(
    v.pipe(
      list(NetworkHostSchema),
      v.maxLength(MANIFEST_LIST_LIMITS.network, tooMany(MANIFEST_LIST_LIMITS.network)),
    ),
    [],
  ),
  permissions: v.optional(
    v.pipe(
      list(PermissionSchema),
      v.maxLength(MANIFEST_LIST_LIMITS.permissions, tooMany(MANIFEST_LIST_LIMITS.permissions)),
      v.check(
        (permissions: string[]) => firstDuplicate(permissions) === undefined,
        (issue) =>
          codedMessage(
            "manifest.duplicate_permission",
            `\`${firstDuplicate(issue.input as string[])}\` is declared more than once`,
          ),
      ),
    ),
    [],
  ),
  seed_groups: v.optional(
    v.pipe(
      list(SeedGroupSchema),
      v.maxLength(MANIFEST_LIST_LIMITS.seed_groups, tooMany(MANIFEST_LIST_LIMITS.seed_groups)),
    ),
    [],
  ),
  config: v.optional(ConfigSchema, {}),
};

/**
 * The schema of a whole manifest, cross-field rules included.
 *
 * @internal Read it through {@link Manifest} and `validateManifest()`.
 */
export const ManifestSchema = v.pipe(
  v.object(MANIFEST_FIELDS, typeMessage("a mapping")),
  v.forward(
    v.partialCheck(
      [["permissions"], ["nav"]],
      (input) => undeclaredNavPermissions(input).length === 0,
      (issue) =>
        codedMessage(
          "manifest.undeclared_permission",
          `${undeclaredNavPermissions(issue.input).join("; ")}; nav entries may only use the ` +
            "plugin's own `permissions`",
        ),
    ),
    ["nav"],
  ),
  v.forward(
    v.partialCheck(
      [["permissions"], ["seed_groups"]],
      (input) => undeclaredSeedPermissions(input).length === 0,
      (issue) =>
        codedMessage(
          "manifest.undeclared_permission",
          `${undeclaredSeedPermissions(issue.input).join("; ")}; seed groups may only use the ` +
            "plugin's own `permissions`",
        ),
    ),
    ["seed_groups"],
  ),
);

/** One sidebar entry of a plugin (`nav[]`). */
export interface ManifestNavEntry {
  /** The text of the link. */
  label: string;
  /** The page it opens, starting with `/`, relative to the plugin's pages. */
  path: string;
  /** An icon name. */
  icon?: string | undefined;
  /** A permission (one the plugin declares) that protects the entry and the page at its path. */
  permission?: string | undefined;
}

/** What a plugin needs (`requires`). */
export interface ManifestRequires {
  /** The host versions it runs on (a semver range). */
  host?: string | undefined;
  /** The plugins it needs, by name, each with a semver range. */
  plugins: { [name: string]: string };
}

/** A group a plugin seeds on its first enable (`seed_groups[]`). */
export interface ManifestSeedGroup {
  /** The group name. */
  name: string;
  /** Permissions the plugin declares. */
  permissions: string[];
}

/**
 * A valid manifest, with defaults applied (`routers`, `nav`, `permissions`, `seed_groups`). It is
 * exactly what {@link ManifestSchema} outputs; the compiler checks the two stay equal.
 */
export interface Manifest {
  /** The plugin's slug, equal to its folder name. */
  name: string;
  /** Its semver 2.0 version. */
  version: string;
  /** The name people see; the slug when absent. */
  display_name?: string | undefined;
  /** The routers to mount under `/api/<name>`. */
  routers: RouterSpec[];
  /** A folder inside the plugin holding `dbt_project.yml`. */
  dbt_workspace?: string | undefined;
  /** When the dbt workspace runs: a five-field cron expression in UTC. */
  dbt_schedule?: string | undefined;
  /** The host versions and the other plugins (by name, with semver ranges) it needs. */
  requires?: ManifestRequires | undefined;
  /** A module inside the plugin exporting `pages`. */
  frontend_entry?: string | undefined;
  /** A browser module bundled at build time and loaded by every page of the plugin. */
  client_entry?: string | undefined;
  /** A CSS file inside the plugin, bundled at build time and applied to its pages and blocks only. */
  stylesheet?: string | undefined;
  /** Sidebar entries. */
  nav: ManifestNavEntry[];
  /** The hosts the plugin reaches when it runs isolated (none when empty). */
  network: string[];
  /** The permissions the plugin declares (`resource.action`). */
  permissions: string[];
  /** Groups seeded on the first enable. */
  seed_groups: ManifestSeedGroup[];
  /** Its settings, by key: operators set their values; the plugin reads them in `ctx.config`. */
  config: { [key: string]: SettingDeclaration };
}

/** Fails to compile when {@link Manifest} and the schema's output drift apart. */
type SchemaOutput = v.InferOutput<typeof ManifestSchema>;
const _manifestIsTheSchemaOutput: [Manifest, SchemaOutput] extends [SchemaOutput, Manifest] ? true
  : never = true;

function undeclaredSeedPermissions(
  input: { permissions?: string[]; seed_groups?: { name: string; permissions: string[] }[] },
): string[] {
  const declared = new Set(input.permissions ?? []);
  return (input.seed_groups ?? []).flatMap((group) =>
    group.permissions
      .filter((permission) => !declared.has(permission))
      .map((permission) => `group \`${group.name}\` uses undeclared \`${permission}\``)
  );
}

function undeclaredNavPermissions(
  input: { permissions?: string[]; nav?: { path: string; permission?: string | undefined }[] },
): string[] {
  const declared = new Set(input.permissions ?? []);
  return (input.nav ?? []).flatMap((entry) =>
    // A malformed permission has its own error (`manifest.invalid_permission`).
    entry.permission === undefined || declared.has(entry.permission) ||
      !PERMISSION.test(entry.permission)
      ? []
      : [`the entry \`${entry.path}\` uses undeclared \`${entry.permission}\``]
  );
}

function firstDuplicate(values: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) return value;
    seen.add(value);
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  return `the ${typeof value} ${String(value)}`;
}
