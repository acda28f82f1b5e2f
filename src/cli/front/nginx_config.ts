/**
 * The front's nginx configuration: `container/nginx.conf` with its `{{NAME}}` placeholders filled in
 * from the environment, the run folder and the descriptor limit.
 *
 * @module
 */
import { ConfigError, envNumber, envOrDefault, type EnvSource, readEnv } from "../../env/mod.ts";
import { RESERVED_PLUGIN_NAMES } from "../../runtime/reserved_names.ts";

/** Descriptors the nginx worker keeps for itself (log, listening socket, temp files). */
const RESERVED_DESCRIPTORS = 64;

/** Where the front runs, and what it may open. */
export interface FrontPlaces {
  /** The run folder (pid file, temporary files, the host's socket), private to this user. */
  readonly runDir: string;
  /** The host's Unix socket. */
  readonly socket: string;
  /** The process's hard descriptor limit (the nginx worker raises its own to it). */
  readonly descriptors: number;
  /** Whether the front is started by root (its worker then stays root: the socket is root's). */
  readonly root: boolean;
}

/**
 * The nginx configuration of the front.
 *
 * @param template `container/nginx.conf`.
 * @param env The environment (`HOST`, `PORT`, the timeouts, the limits, `HONEYFRAME_TRUSTED_PROXIES`).
 * @param places The run folder, the socket and the descriptor limit.
 * @returns The configuration.
 * @throws {ConfigError} For a bad value, naming the variable.
 * @example
 * ```ts ignore
 * const conf = nginxConfig(readFileSync("container/nginx.conf", "utf8"), Deno.env, {
 *   runDir: "/run/honeyframe",
 *   socket: "/run/honeyframe/host.sock",
 *   descriptors: 65536,
 * });
 * ```
 */
export function nginxConfig(template: string, env: EnvSource, places: FrontPlaces): string {
  const host = envOrDefault(env, "HOST");
  const port = envNumber(env, "PORT", { min: 0, max: 65_535 });
  const rate = Math.floor(envNumber(env, "HONEYFRAME_CLIENT_RATE", { min: 1, max: 1_000_000 }));
  const capped = Math.floor(
    envNumber(env, "HONEYFRAME_MAX_CONNECTIONS", { min: 1, max: 1_000_000 }),
  );
  const connections = Math.min(capped, places.descriptors - RESERVED_DESCRIPTORS);
  if (connections < 16) {
    throw new ConfigError(
      `the descriptor limit (${places.descriptors}) leaves the front no connections; raise ulimit -n`,
    );
  }
  const values: Record<string, string> = {
    USER: places.root ? "user root root;" : "# (not root: nginx runs as this user)",
    RUN_DIR: places.runDir,
    SOCKET: places.socket,
    NOFILE: String(places.descriptors),
    WORKER_CONNECTIONS: String(connections),
    LISTEN: `${host.includes(":") ? `[${host}]` : host}:${port}`,
    HEADER_TIMEOUT_S: seconds(env, "HONEYFRAME_HEADER_TIMEOUT_S", 3600),
    IDLE_TIMEOUT_S: seconds(env, "HONEYFRAME_IDLE_TIMEOUT_S", 86_400),
    SHUTDOWN_TIMEOUT_S: seconds(env, "HONEYFRAME_SHUTDOWN_TIMEOUT_S", 3600),
    CLIENT_CONNECTIONS: String(
      Math.floor(envNumber(env, "HONEYFRAME_CLIENT_CONNECTIONS", { min: 1, max: 65_535 })),
    ),
    CLIENT_RATE: String(rate),
    CLIENT_BURST: String(rate * 2),
    PLUGIN_BODY_MAX_MB: String(
      Math.floor(envNumber(env, "HONEYFRAME_PLUGIN_BODY_MAX_MB", { min: 1, max: 4096 })),
    ),
    HOST_API: RESERVED_PLUGIN_NAMES.join("|"),
    REAL_IP: realIp(readEnv(env, "HONEYFRAME_TRUSTED_PROXIES")),
  };
  const filled = template.replace(/\{\{([A-Z_]+)\}\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`container/nginx.conf names an unknown ${whole}`);
    return value;
  });
  return filled;
}

/**
 * The addresses of the load balancers whose `X-Forwarded-For` the front believes.
 *
 * @param text `HONEYFRAME_TRUSTED_PROXIES`: comma-separated CIDRs or addresses.
 * @returns The CIDRs.
 * @throws {ConfigError} For anything that is not an IPv4 or IPv6 address or CIDR.
 * @example
 * ```ts
 * trustedProxies("10.0.0.0/8, 192.168.1.7"); // ["10.0.0.0/8", "192.168.1.7"]
 * ```
 */
export function trustedProxies(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text.split(",").map((entry) => entry.trim()).filter(Boolean).map((entry) => {
    const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(\/(\d{1,2}))?$/.exec(entry);
    const ipv6 = /^[0-9a-fA-F:]+:[0-9a-fA-F:.]*(\/(\d{1,3}))?$/.exec(entry);
    const valid = ipv4
      ? ipv4.slice(1, 5).every((part) => Number(part) <= 255) &&
        (ipv4[6] === undefined || Number(ipv4[6]) <= 32)
      : ipv6 !== null && (ipv6[2] === undefined || Number(ipv6[2]) <= 128);
    if (!valid) {
      throw new ConfigError(
        `HONEYFRAME_TRUSTED_PROXIES must list IP addresses or CIDRs, not ${JSON.stringify(entry)}`,
      );
    }
    return entry;
  });
}

function realIp(text: string | undefined): string {
  const proxies = trustedProxies(text);
  if (proxies.length === 0) {
    return "  # (HONEYFRAME_TRUSTED_PROXIES is unset: no load balancer is believed.)";
  }
  return [
    ...proxies.map((cidr) => `  set_real_ip_from ${cidr};`),
    "  real_ip_header X-Forwarded-For;",
    "  real_ip_recursive on;",
  ].join("\n");
}

function seconds(
  env: EnvSource,
  name:
    | "HONEYFRAME_HEADER_TIMEOUT_S"
    | "HONEYFRAME_IDLE_TIMEOUT_S"
    | "HONEYFRAME_SHUTDOWN_TIMEOUT_S",
  max: number,
): string {
  return String(Math.max(1, Math.ceil(envNumber(env, name, { min: 0, max }))));
}
