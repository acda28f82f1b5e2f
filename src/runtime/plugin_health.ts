/**
 * Per-plugin health: a router module may export `health()` returning `{ ok, detail? }` (or a
 * promise of it). The host runs a plugin's checks when asked, each with a time limit, and never
 * lets one that throws, hangs or answers nonsense take anything else down.
 *
 * @module
 */
import type { RuntimeStatus } from "./lifecycle.ts";
import type { HealthCheck, RegistryPlugin } from "./registry.ts";
import { withinTime } from "./time_limit.ts";

/** How long one `health()` may take. */
export const HEALTH_TIMEOUT_MS = 2000;

/** The longest `detail` kept from a plugin's answer. */
const MAX_DETAIL_LENGTH = 300;

/** `ok`/`failing` from the plugin's checks; otherwise why none ran. */
export type HealthState = "ok" | "failing" | "unchecked" | "disabled" | "not_mounted";

/** What `GET /api/plugins/<name>/health` answers. */
export interface PluginHealth {
  /** The plugin. */
  readonly plugin: string;
  /** The outcome. */
  readonly status: HealthState;
  /** `true`/`false` when checks ran, `null` when none did. */
  readonly ok: boolean | null;
  /** The plugin's details (one per failing or detailed check), or why no check ran. */
  readonly detail?: string;
  /** How long the checks took, in milliseconds. */
  readonly duration_ms: number;
}

/**
 * Runs a plugin's health checks (all at once, each within {@link HEALTH_TIMEOUT_MS}).
 *
 * @param plugin The plugin.
 * @param status Its status at run time (a disabled plugin's code is not run).
 * @returns Its health.
 * @example
 * ```ts
 * import type { RegistryPlugin } from "./registry.ts";
 * declare const crm: RegistryPlugin;
 * const health = await pluginHealth(crm, "mounted");
 * health.status; // "ok", "failing" or "unchecked"
 * ```
 */
export async function pluginHealth(
  plugin: RegistryPlugin,
  status: RuntimeStatus,
): Promise<PluginHealth> {
  const name = plugin.name;
  if (status === "disabled") {
    return { plugin: name, status, ok: null, detail: "the plugin is disabled", duration_ms: 0 };
  }
  if (status !== "mounted") {
    return {
      plugin: name,
      status: "not_mounted",
      ok: null,
      detail: `the plugin is not mounted (${status})`,
      duration_ms: 0,
    };
  }
  if (plugin.health.length === 0) {
    return {
      plugin: name,
      status: "unchecked",
      ok: null,
      detail: "the plugin's router modules export no health()",
      duration_ms: 0,
    };
  }
  const started = performance.now();
  const reports = await Promise.all(plugin.health.map(runCheck));
  const ok = reports.every((report) => report.ok);
  const details = reports.flatMap((report) => report.detail ? [report.detail] : []);
  return {
    plugin: name,
    status: ok ? "ok" : "failing",
    ok,
    ...(details.length > 0 ? { detail: details.join("; ") } : {}),
    duration_ms: Math.round(performance.now() - started),
  };
}

/** One check's answer, made safe: a throw, a timeout or a malformed answer is a failure. */
async function runCheck(check: HealthCheck): Promise<{ ok: boolean; detail?: string }> {
  try {
    const answer: unknown = await withinTime(
      Promise.resolve().then(check),
      HEALTH_TIMEOUT_MS,
      () => new Error(`health() did not answer within ${HEALTH_TIMEOUT_MS} ms`),
    );
    const { ok, detail } = (answer ?? {}) as { ok?: unknown; detail?: unknown };
    if (typeof ok !== "boolean") {
      return { ok: false, detail: "health() did not return { ok: boolean, detail?: string }" };
    }
    return typeof detail === "string" && detail !== ""
      ? { ok, detail: detail.slice(0, MAX_DETAIL_LENGTH) }
      : { ok };
  } catch (error) {
    return { ok: false, detail: describe(error) };
  }
}

function describe(error: unknown): string {
  try {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return `health() failed: ${text}`.slice(0, MAX_DETAIL_LENGTH);
  } catch {
    return "health() threw a value that cannot be described";
  }
}
