/**
 * Every environment variable the host reads: its name, its default and what it means. Nothing else
 * in the project names a variable's default; `docs/operations.md` shows this table and a test keeps
 * the two equal.
 *
 * @module
 */

/** Who reads a variable. */
export type EnvReader =
  | "build"
  | "server"
  | "build, server"
  | "front"
  | "front, server"
  | "container";

/** One environment variable of the host. */
export interface EnvVariable {
  /** The variable's name. */
  readonly name: string;
  /** The value used when it is unset or empty; `undefined` when unset means "off". */
  readonly default?: string;
  /** How the documentation shows the default (`unset (closed)`, …). */
  readonly defaultText: string;
  /** Who reads it. */
  readonly readBy: EnvReader;
  /** What it means, in one line. */
  readonly meaning: string;
}

/** The host's environment variables, in the order the documentation lists them. */
export const ENV_VARIABLES = [
  {
    name: "INSTALL_DIR",
    default: ".",
    defaultText: "`.`",
    readBy: "build, server",
    meaning:
      "bundled plugins are in `$INSTALL_DIR/plugins` (a server reads it to find their dbt workspaces)",
  },
  {
    name: "DATA_DIR",
    default: "./data",
    defaultText: "`./data`",
    readBy: "build, server",
    meaning:
      "customer plugins are in `$DATA_DIR/plugins`; the SQLite state is `$DATA_DIR/honeyframe.db`",
  },
  {
    name: "PORT",
    default: "8000",
    defaultText: "`8000`",
    readBy: "front, server",
    meaning: "the TCP port to listen on (0 picks a free one)",
  },
  {
    name: "HOST",
    default: "127.0.0.1",
    defaultText: "`127.0.0.1`",
    readBy: "front, server",
    meaning:
      "the interface to listen on (the container's is `0.0.0.0`); a server on another one without the front says that production needs it",
  },
  {
    name: "HONEYFRAME_ADMIN_TOKEN",
    defaultText: "unset (closed)",
    readBy: "server",
    meaning: "the admin bearer token, at least 16 characters; admin surfaces are closed without it",
  },
  {
    name: "HONEYFRAME_JWT_SECRET",
    defaultText: "unset (closed)",
    readBy: "server",
    meaning: "the HS256 secret of users' JWTs, at least 32 characters",
  },
  {
    name: "HONEYFRAME_JWT_REQUIRE_EXP",
    default: "true",
    defaultText: "`true`",
    readBy: "server",
    meaning:
      "`false` accepts JWTs without `exp` (never expiring); expired ones are refused either way",
  },
  {
    name: "HONEYFRAME_JWT_MAX_TTL_S",
    default: "86400",
    defaultText: "`86400`",
    readBy: "server",
    meaning:
      "the longest a JWT may live: one whose `exp` is further than this after its `iat` (or after now, without `iat`) is refused",
  },
  {
    name: "HONEYFRAME_JWT_ISSUER",
    defaultText: "unset (any)",
    readBy: "server",
    meaning: "when set, a JWT's `iss` must equal it",
  },
  {
    name: "HONEYFRAME_JWT_AUDIENCE",
    defaultText: "unset (any)",
    readBy: "server",
    meaning: "when set, a JWT's `aud` must be or contain it",
  },
  {
    name: "HONEYFRAME_PUBLIC_URL",
    defaultText: "unset (the request's)",
    readBy: "server",
    meaning: "the URL people reach the host at; `https://…` makes the session cookie `Secure`",
  },
  {
    name: "HONEYFRAME_PLUGIN_ORIGIN",
    defaultText: "unset (the host's own)",
    readBy: "server",
    meaning:
      "a second origin (`https://plugins.example.com`, the same server) that isolated plugins' frames are served from; needs `HONEYFRAME_PUBLIC_URL`",
  },
  {
    name: "HONEYFRAME_OIDC_ISSUER",
    defaultText: "unset (token sign-in only)",
    readBy: "server",
    meaning:
      "an OpenID Connect provider people sign in with (`https://…`; `http://` only on 127.0.0.1 or localhost)",
  },
  {
    name: "HONEYFRAME_OIDC_CLIENT_ID",
    defaultText: "unset",
    readBy: "server",
    meaning: "the host's client id at that provider",
  },
  {
    name: "HONEYFRAME_OIDC_CLIENT_SECRET",
    defaultText: "unset",
    readBy: "server",
    meaning: "the host's client secret at that provider (never logged)",
  },
  {
    name: "HONEYFRAME_OIDC_GROUPS_CLAIM",
    default: "groups",
    defaultText: "`groups`",
    readBy: "server",
    meaning: "the claim that lists a person's groups (their organisation is the `org` claim)",
  },
  {
    name: "HONEYFRAME_TRUST_PROXY",
    default: "0",
    defaultText: "`0`",
    readBy: "server",
    meaning: "`1`: a proxy in front sets `X-Forwarded-Proto`, and `https` there counts as secure",
  },
  {
    name: "HONEYFRAME_PLUGIN_NET",
    defaultText: "unset (any host)",
    readBy: "server",
    meaning:
      "hosts plugins may connect to (`api.example.com,db:5432`); `deno task start` and the image pass it to `--allow-net`",
  },
  {
    name: "HONEYFRAME_DATABASE_URL",
    defaultText: "unset",
    readBy: "server",
    meaning: "PostgreSQL for the state, e.g. `postgres://user:pw@db:5432/honeyframe`",
  },
  {
    name: "HONEYFRAME_STORE",
    defaultText: "see State",
    readBy: "server",
    meaning:
      "force the state store: `memory`, `sqlite`, `postgres`, `denokv` (Deno KV) or `d1` (a Worker's `HONEYFRAME_D1` binding)",
  },
  {
    name: "HONEYFRAME_DENO_KV_PATH",
    defaultText: "unset (Deno Deploy's database)",
    readBy: "server",
    meaning: "with `HONEYFRAME_STORE=denokv`, a local Deno KV file (put it under `$DATA_DIR`)",
  },
  {
    name: "HONEYFRAME_HEADER_TIMEOUT_S",
    default: "15",
    defaultText: "`15`",
    readBy: "front, server",
    meaning:
      "seconds a client has to send each request head (and between two reads of a body) before its connection is closed",
  },
  {
    name: "HONEYFRAME_IDLE_TIMEOUT_S",
    default: "75",
    defaultText: "`75`",
    readBy: "front, server",
    meaning: "seconds a kept-alive connection may stay silent (both ways) before it is closed",
  },
  {
    name: "HONEYFRAME_MAX_CONNECTIONS",
    default: "65536",
    defaultText: "`65536`",
    readBy: "front, server",
    meaning:
      "concurrent connections; the front also keeps it under its descriptor limit, so it never runs out of them",
  },
  {
    name: "HONEYFRAME_CLIENT_CONNECTIONS",
    default: "100",
    defaultText: "`100`",
    readBy: "front",
    meaning: "requests in progress at once from one client address; more answer 429",
  },
  {
    name: "HONEYFRAME_CLIENT_RATE",
    default: "100",
    defaultText: "`100`",
    readBy: "front",
    meaning:
      "requests per second from one client address, with a burst of twice as many; more answer 429",
  },
  {
    name: "HONEYFRAME_TRUSTED_PROXIES",
    defaultText: "unset (none)",
    readBy: "front",
    meaning:
      "comma-separated CIDRs of load balancers in front of the front, whose `X-Forwarded-For` names the client",
  },
  {
    name: "HONEYFRAME_PLUGIN_BODY_MAX_MB",
    default: "10",
    defaultText: "`10`",
    readBy: "front, server",
    meaning: "the largest request body a plugin route takes, in MiB (larger: 413)",
  },
  {
    name: "HONEYFRAME_SOCKET",
    defaultText: "unset (`HOST`:`PORT`)",
    readBy: "server",
    meaning:
      "the Unix socket the server listens on behind the front (the front sets it); only there is `X-Forwarded-For` believed",
  },
  {
    name: "HONEYFRAME_PLUGIN_TIMEOUT_MS",
    default: "30000",
    defaultText: "`30000`",
    readBy: "server",
    meaning:
      "milliseconds a plugin handler may take (then 504), and its code's import (then not served)",
  },
  {
    name: "HONEYFRAME_PLUGIN_LOADING",
    defaultText: "`background` (`lazy` on Workers)",
    readBy: "server",
    meaning:
      "when in-process plugins' code is imported: on first use and the rest once listening (`background`), on first use only (`lazy`), or all before listening (`eager`)",
  },
  {
    name: "HONEYFRAME_TARGETS",
    default: "deno,node,bun,workerd",
    defaultText: "`deno,node,bun,workerd`",
    readBy: "build",
    meaning:
      "the runtimes the deployment serves plugins on, comma-separated: the build reports each plugin import or global one of them lacks (`runtime.unsupported`) and `verify` fails on it",
  },
  {
    name: "HONEYFRAME_ISOLATION",
    default: "customer",
    defaultText: "`customer`",
    readBy: "build, server",
    meaning:
      "which plugins run in a worker of the plugin process: `customer` (those of the data root), `all`, or `none` (every plugin in the host's process)",
  },
  {
    name: "HONEYFRAME_PLUGIN_MEMORY_MB",
    default: "512",
    defaultText: "`512`",
    readBy: "server",
    meaning:
      "Deno: the heap limit of the plugin process, in MiB (past it the process ends and is restarted)",
  },
  {
    name: "HONEYFRAME_PLUGIN_MAX_RESTARTS",
    default: "5",
    defaultText: "`5`",
    readBy: "server",
    meaning:
      "how many times an isolated plugin's worker is restarted within a minute before the plugin is marked `error` (`plugin.crashed`)",
  },
  {
    name: "HONEYFRAME_SHUTDOWN_TIMEOUT_S",
    default: "10",
    defaultText: "`10`",
    readBy: "server",
    meaning:
      "on SIGTERM or SIGINT, seconds in-flight requests have to finish before their connections are closed",
  },
  {
    name: "HONEYFRAME_LOG_FORMAT",
    default: "text",
    defaultText: "`text` (`json` in the container image)",
    readBy: "server",
    meaning:
      "`json`: one JSON object per line (`time`, `level`, `msg`, `request_id`, `plugin`, `error`); `text`: for people",
  },
  {
    name: "HONEYFRAME_ACCESS_LOG",
    default: "0",
    defaultText: "`0`",
    readBy: "server",
    meaning: "`1`: one line per request with method, path, status, duration and plugin",
  },
  {
    name: "HONEYFRAME_METRICS_TOKEN",
    defaultText: "unset",
    readBy: "server",
    meaning:
      "a bearer token (at least 16 characters) that reads `/metrics` only; the admin token reads it too",
  },
  {
    name: "HONEYFRAME_PLUGIN_STORAGE_MB",
    default: "10",
    defaultText: "`10`",
    readBy: "server",
    meaning: "how many MiB of keys and values each plugin may keep in its storage (`ctx.storage`)",
  },
  {
    name: "HONEYFRAME_SECRETS_KEY",
    defaultText: "unset (secret settings cannot be set)",
    readBy: "server",
    meaning:
      "32 random bytes in base64 (`openssl rand -base64 32`): the AES-GCM key plugins' secret settings are encrypted with in the state store",
  },
  {
    name: "HONEYFRAME_AUDIT_RETENTION_DAYS",
    default: "90",
    defaultText: "`90`",
    readBy: "server",
    meaning: "days the audit log keeps an event; older ones are deleted at start-up and hourly",
  },
  {
    name: "HONEYFRAME_QUERY_TIMEOUT_S",
    default: "10",
    defaultText: "`10`",
    readBy: "server",
    meaning: "seconds one state-store query or transaction may take before the request fails",
  },
  {
    name: "HONEYFRAME_DBT_RUNNER",
    defaultText: "unset (runs refused)",
    readBy: "server",
    meaning:
      "how dbt workspaces run: `command` (a `dbt` subprocess; Deno and Node servers, the CLI) or `webhook` (every runtime)",
  },
  {
    name: "HONEYFRAME_DBT_COMMAND",
    default: "dbt",
    defaultText: "`dbt`",
    readBy: "server",
    meaning:
      "the dbt executable the `command` runner starts (a name on `PATH` or a path; the Deno server may start only it)",
  },
  {
    name: "HONEYFRAME_DBT_PROFILES_DIR",
    defaultText: "unset (dbt's own)",
    readBy: "server",
    meaning: "passed to dbt as `--profiles-dir`",
  },
  {
    name: "HONEYFRAME_DBT_TIMEOUT_S",
    default: "3600",
    defaultText: "`3600`",
    readBy: "server",
    meaning:
      "seconds a dbt run may take (a command is then stopped; a webhook run without a result is failed)",
  },
  {
    name: "HONEYFRAME_DBT_WEBHOOK_URL",
    defaultText: "unset",
    readBy: "server",
    meaning: "the `webhook` runner POSTs each run to this URL (an orchestrator's endpoint)",
  },
  {
    name: "HONEYFRAME_DBT_WEBHOOK_SECRET",
    defaultText: "unset",
    readBy: "server",
    meaning:
      "at least 16 characters: signs webhook bodies and checks the results reported back (HMAC-SHA256)",
  },
  {
    name: "HONEYFRAME_WAREHOUSE_URL",
    defaultText: "unset (dbt runs on its own profiles)",
    readBy: "server",
    meaning:
      "the PostgreSQL warehouse (`postgres://user:password@host:port/db`) dbt builds in: each plugin's models go to its own schema, through the profiles the build generates",
  },
  {
    name: "HONEYFRAME_WAREHOUSE_ADMIN_URL",
    defaultText: "unset (a DBA runs `plugins warehouse grants`)",
    readBy: "server",
    meaning:
      "a PostgreSQL login that may create roles and schemas in the warehouse's database: the host makes each plugin's login role and schemas with it, and grants the role SELECT on them only",
  },
  {
    name: "HONEYFRAME_WAREHOUSE_TIMEOUT_MS",
    default: "10000",
    defaultText: "`10000`",
    readBy: "server",
    meaning: "the statement timeout of a plugin's warehouse query, in milliseconds",
  },
  {
    name: "HONEYFRAME_WAREHOUSE_MAX_ROWS",
    default: "10000",
    defaultText: "`10000`",
    readBy: "server",
    meaning:
      "the most rows a plugin's warehouse query returns; a query that would return more fails with `too_many_rows`",
  },
  {
    name: "HONEYFRAME_BUILD_ON_START",
    default: "0",
    defaultText: "`0`",
    readBy: "container",
    meaning: "`1`: the container rebuilds the registry and bundles before it serves",
  },
] as const satisfies readonly EnvVariable[];

/** The name of one of the host's environment variables. */
export type EnvName = (typeof ENV_VARIABLES)[number]["name"];

/** The names of the variables that have a default. */
export type EnvNameWithDefault = Extract<
  (typeof ENV_VARIABLES)[number],
  { readonly default: string }
>["name"];

/**
 * The variables a server process reads (for `--allow-env` lists).
 *
 * @returns Their names, in table order.
 * @example
 * ```ts
 * serverVariables().join(","); // "DATA_DIR,PORT,HOST,…"
 * ```
 */
export function serverVariables(): EnvName[] {
  return ENV_VARIABLES.filter((variable) => variable.readBy.includes("server"))
    .map((variable) => variable.name);
}
