/**
 * Per-plugin metrics in the Prometheus text format (version 0.0.4), kept in memory per instance
 * and rendered on demand: requests by status class, failures by kind, a latency histogram, each
 * plugin's status, and the build. Plain arithmetic, no client library, so it runs on the edge.
 *
 * @module
 */
import type { Registry } from "./registry.ts";

/** Upper bounds of the latency histogram's buckets, in seconds. */
export const LATENCY_BUCKETS: readonly number[] = [
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
  30,
];

/**
 * Why a plugin request failed: its handler threw, did not answer in time, or the plugin was not
 * available (its plugin process restarting, or it crashed too often).
 */
export type FailureKind = "exception" | "timeout" | "unavailable";

const STATUS_CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx"] as const;
const FAILURE_KINDS: readonly FailureKind[] = ["exception", "timeout", "unavailable"];

/** What one plugin has served. */
class PluginCounters {
  readonly byClass = new Map<string, number>(STATUS_CLASSES.map((name) => [name, 0]));
  readonly failures = new Map<FailureKind, number>(FAILURE_KINDS.map((kind) => [kind, 0]));
  /** Non-cumulative counts per bucket; the last one is `+Inf`. */
  readonly buckets = new Array<number>(LATENCY_BUCKETS.length + 1).fill(0);
  sum = 0;
  count = 0;
  /** Crashes of its worker (isolated plugins), and the restarts that followed. */
  crashes = 0;
  restarts = 0;
}

/** The state of a plugin as the metrics show it. */
export type MetricStatus = "mounted" | "disabled" | "error" | "shadowed";

const METRIC_STATUSES: readonly MetricStatus[] = ["mounted", "disabled", "error", "shadowed"];

/** What {@link PluginMetrics.render} needs to know besides the counts. */
export interface MetricsFacts {
  /** The registry (plugins and fingerprint). */
  readonly registry: Registry;
  /** Whether a plugin is enabled. */
  readonly isEnabled: (plugin: string) => boolean;
  /** The host's version. */
  readonly version: string;
  /** Whether a mounted plugin failed at run time (shown as `error`). */
  readonly hasFault?: (plugin: string) => boolean;
}

/**
 * Counts of one host instance, by plugin.
 *
 * @example
 * ```ts
 * import { defineRegistry } from "./registry.ts";
 * const metrics = new PluginMetrics();
 * metrics.observe("crm", 200, 0.004);
 * const registry = defineRegistry({ fingerprint: "sha256-x", permissions: [], plugins: [] });
 * metrics.render({ registry, isEnabled: () => true, version: "0.1.0" }).includes("crm"); // true
 * ```
 */
export class PluginMetrics {
  readonly #plugins = new Map<string, PluginCounters>();

  /**
   * Records one answered request.
   *
   * @param plugin The plugin that served it.
   * @param status The response status.
   * @param seconds How long it took.
   */
  observe(plugin: string, status: number, seconds: number): void {
    const counters = this.#counters(plugin);
    const statusClass = `${Math.floor(status / 100)}xx`;
    counters.byClass.set(statusClass, (counters.byClass.get(statusClass) ?? 0) + 1);
    let bucket = LATENCY_BUCKETS.findIndex((bound) => seconds <= bound);
    if (bucket === -1) bucket = LATENCY_BUCKETS.length;
    counters.buckets[bucket]!++;
    counters.sum += seconds;
    counters.count++;
  }

  /**
   * Records a failed request (besides its {@link observe} as a 5xx).
   *
   * @param plugin The plugin.
   * @param kind Why it failed.
   */
  fail(plugin: string, kind: FailureKind): void {
    const counters = this.#counters(plugin);
    counters.failures.set(kind, (counters.failures.get(kind) ?? 0) + 1);
  }

  /**
   * Records a crash of an isolated plugin's worker.
   *
   * @param plugin The plugin.
   * @param restarted Whether its worker is started again (not when the plugin was given up).
   */
  crash(plugin: string, restarted: boolean): void {
    const counters = this.#counters(plugin);
    counters.crashes++;
    if (restarted) counters.restarts++;
  }

  /**
   * The metrics in the Prometheus text format; every mounted plugin has its series, at 0 until it
   * serves.
   *
   * @param facts The registry, the enabled check and the version.
   * @returns The exposition text.
   */
  render(facts: MetricsFacts): string {
    const { registry } = facts;
    for (const plugin of registry.plugins) {
      if (plugin.status === "mounted") this.#counters(plugin.name);
    }
    const plugins = [...this.#plugins.entries()].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
    const lines: string[] = [];
    const family = (name: string, type: string, help: string) =>
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);

    family("honeyframe_build_info", "gauge", "The running host: version and registry fingerprint.");
    lines.push(
      `honeyframe_build_info${
        labels({ version: facts.version, fingerprint: registry.fingerprint })
      } 1`,
    );
    family(
      "honeyframe_plugin_status",
      "gauge",
      "Each discovered plugin's status: 1 for the status it has, 0 for the others.",
    );
    for (const plugin of registry.plugins) {
      const current: MetricStatus = plugin.status !== "mounted"
        ? plugin.status
        : facts.hasFault?.(plugin.name)
        ? "error"
        : facts.isEnabled(plugin.name)
        ? "mounted"
        : "disabled";
      for (const status of METRIC_STATUSES) {
        lines.push(
          `honeyframe_plugin_status${
            labels({ plugin: plugin.name, source: plugin.source, status })
          } ${status === current ? 1 : 0}`,
        );
      }
    }
    family(
      "honeyframe_plugin_requests_total",
      "counter",
      "Requests a plugin's handlers answered, by status class.",
    );
    for (const [plugin, counters] of plugins) {
      lines.push(...samples("honeyframe_plugin_requests_total", plugin, "class", counters.byClass));
    }
    family(
      "honeyframe_plugin_failures_total",
      "counter",
      "Requests a plugin failed: its handler threw (exception), did not answer in time (timeout), or the plugin was not available (unavailable).",
    );
    for (const [plugin, counters] of plugins) {
      lines.push(...samples("honeyframe_plugin_failures_total", plugin, "kind", counters.failures));
    }
    for (
      const [name, help, count] of [
        [
          "honeyframe_plugin_crashes_total",
          "Times an isolated plugin's worker crashed (threw from a timer, spun past the time limit, …).",
          (counters: PluginCounters) => counters.crashes,
        ],
        [
          "honeyframe_plugin_restarts_total",
          "Times an isolated plugin's worker was started again after a crash.",
          (counters: PluginCounters) => counters.restarts,
        ],
      ] as const
    ) {
      family(name, "counter", help);
      for (const [plugin, counters] of plugins) {
        lines.push(`${name}${labels({ plugin })} ${count(counters)}`);
      }
    }
    family(
      "honeyframe_plugin_request_duration_seconds",
      "histogram",
      "Time a plugin's handlers took to answer.",
    );
    for (const [plugin, counters] of plugins) {
      let cumulative = 0;
      LATENCY_BUCKETS.forEach((bound, index) => {
        cumulative += counters.buckets[index]!;
        lines.push(
          `honeyframe_plugin_request_duration_seconds_bucket${
            labels({ plugin, le: String(bound) })
          } ${cumulative}`,
        );
      });
      lines.push(
        `honeyframe_plugin_request_duration_seconds_bucket${
          labels({ plugin, le: "+Inf" })
        } ${counters.count}`,
        `honeyframe_plugin_request_duration_seconds_sum${labels({ plugin })} ${counters.sum}`,
        `honeyframe_plugin_request_duration_seconds_count${labels({ plugin })} ${counters.count}`,
      );
    }
    return `${lines.join("\n")}\n`;
  }

  #counters(plugin: string): PluginCounters {
    let counters = this.#plugins.get(plugin);
    if (!counters) this.#plugins.set(plugin, counters = new PluginCounters());
    return counters;
  }
}

/** One sample per entry of a plugin's counter map, labelled by plugin and the entry's key. */
function samples(
  name: string,
  plugin: string,
  label: string,
  counts: ReadonlyMap<string, number>,
): string[] {
  return [...counts].map(([key, count]) => `${name}${labels({ plugin, [label]: key })} ${count}`);
}

/** `{name="value",…}` with values escaped as the text format requires. */
function labels(values: Record<string, string>): string {
  const pairs = Object.entries(values).map(([name, value]) =>
    `${name}="${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")}"`
  );
  return `{${pairs.join(",")}}`;
}
