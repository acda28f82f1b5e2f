/**
 * Each plugin's PostgreSQL login role and what it may do: log in, use its own schemas and read
 * their tables — now and after dbt recreates them — and nothing else. The same statements serve
 * the host (through `HONEYFRAME_WAREHOUSE_ADMIN_URL`) and a DBA (`plugins warehouse grants`).
 *
 * @module
 */

/** PostgreSQL's longest identifier, in bytes. */
const MAX_IDENTIFIER_BYTES = 63;

/** The prefix of every plugin role: the host's roles are told apart from people's. */
export const ROLE_PREFIX = "hf_";

/** How many connections one plugin's role may hold at once: a pool of 2 in each of up to 10 hosts. */
export const ROLE_CONNECTION_LIMIT = 20;

/** A plugin's role and the schemas it reads. */
export interface PluginRole {
  /** The plugin. */
  readonly plugin: string;
  /** Its role's name ({@link pluginRoleName}). */
  readonly role: string;
  /** Its own schema first, then those dbt derives from it. */
  readonly schemas: readonly string[];
}

/**
 * The login role of a plugin whose own schema is `schema`: `hf_<schema>`, or, where that would be
 * longer than PostgreSQL keeps, its first bytes and a hash of the whole (so two long names never
 * share a role).
 *
 * @param schema The plugin's own schema.
 * @returns The role's name.
 * @example
 * ```ts
 * pluginRoleName("crm"); // "hf_crm"
 * ```
 */
export function pluginRoleName(schema: string): string {
  const role = `${ROLE_PREFIX}${schema}`;
  if (new TextEncoder().encode(role).byteLength <= MAX_IDENTIFIER_BYTES) return role;
  // Schemas are ASCII (plugin names are); 3 + 51 + 1 + 8 = 63 bytes.
  return `${ROLE_PREFIX}${schema.slice(0, 51)}_${fnv1a(schema)}`;
}

/**
 * The statements that make a plugin's role (or change it) and grant it its schemas, as the admin
 * login runs them in one transaction. The password is a literal here: DDL takes no parameters.
 *
 * @param role The plugin's role.
 * @param password Its password (base64url, so it needs no escaping; it is quoted all the same).
 * @param builder dbt's login (the warehouse URL's user), when it is not the admin login itself:
 * it may create tables in the schemas, and its new tables are readable by the plugin too.
 * @returns The SQL statements, in order.
 */
export function provisioningStatements(
  role: PluginRole,
  password: string,
  builder?: string,
): string[] {
  const name = quoteIdentifier(role.role);
  return [
    // Instances provisioning at once take turns (a concurrent CREATE ROLE or GRANT fails).
    "SELECT pg_advisory_xact_lock(hashtext('honeyframe.warehouse.provision'))",
    `DO $$ BEGIN CREATE ROLE ${name}; ` +
    "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$",
    `ALTER ROLE ${name} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION ` +
    `NOBYPASSRLS CONNECTION LIMIT ${ROLE_CONNECTION_LIMIT} PASSWORD ${quoteLiteral(password)}`,
    `ALTER ROLE ${name} SET default_transaction_read_only = on`,
    ...role.schemas.flatMap((schema) => schemaGrants(schema, name, builder)),
  ];
}

function schemaGrants(schema: string, role: string, builder: string | undefined): string[] {
  const quoted = quoteIdentifier(schema);
  const dbt = builder === undefined ? undefined : quoteIdentifier(builder);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${quoted}`,
    `GRANT USAGE ON SCHEMA ${quoted} TO ${role}`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA ${quoted} TO ${role}`,
    // Tables the admin login creates later (dbt drops and recreates its models) stay readable.
    `ALTER DEFAULT PRIVILEGES IN SCHEMA ${quoted} GRANT SELECT ON TABLES TO ${role}`,
    ...(dbt === undefined ? [] : [
      `GRANT USAGE, CREATE ON SCHEMA ${quoted} TO ${dbt}`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${dbt} IN SCHEMA ${quoted} GRANT SELECT ON TABLES TO ${role}`,
    ]),
  ];
}

/**
 * The login a PostgreSQL URL names, decoded.
 *
 * @param url The URL, if any.
 * @returns Its user, or `undefined` when it names none.
 * @example
 * ```ts
 * loginOf(new URL("postgres://dbt%40corp:pw@db/w")); // "dbt@corp"
 * ```
 */
export function loginOf(url: URL | undefined): string | undefined {
  const user = url === undefined ? "" : decodeURIComponent(url.username);
  return user === "" ? undefined : user;
}

/**
 * Quotes an identifier for PostgreSQL.
 *
 * @param name The identifier.
 * @returns `"name"`, inner quotes doubled.
 */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Quotes a string literal for PostgreSQL (standard strings: only `'` is special).
 *
 * @param text The text.
 * @returns `'text'`, inner quotes doubled.
 */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** FNV-1a, 32 bits, as 8 hex digits. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
