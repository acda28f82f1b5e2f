/**
 * A plugin's errors and warnings as a readable list.
 *
 * @module
 */
import type { RuntimeStatus } from "../../lifecycle.ts";
import type { Problem, RegistryPlugin } from "../../registry.ts";
import type { PluginHealth } from "../../plugin_health.ts";

/**
 * The errors, then the warnings, each with its field and code.
 *
 * @param props `plugin`: whose problems to list.
 * @returns A list, or nothing when there are no problems.
 */
export function ProblemList(props: { plugin: RegistryPlugin }) {
  const items = [
    ...props.plugin.errors.map((problem) => ({ problem, level: "error" as const })),
    ...props.plugin.warnings.map((problem) => ({ problem, level: "warning" as const })),
  ];
  if (items.length === 0) return null;
  return (
    <ul class="problems">
      {items.map(({ problem, level }) => (
        <li class={level}>
          <ProblemText problem={problem} level={level} />
        </li>
      ))}
    </ul>
  );
}

function ProblemText(props: { problem: Problem; level: "error" | "warning" }) {
  const { problem } = props;
  const where = [problem.file, problem.path].filter(Boolean).join(" › ");
  return (
    <>
      <strong>{props.level === "error" ? "Error" : "Warning"}:</strong> {where && `${where}: `}
      {problem.message} <code>{problem.code}</code>
    </>
  );
}

/** How a source is shown to people. */
export function sourceLabel(source: RegistryPlugin["source"]): string {
  return source === "install" ? "bundled" : "customer";
}

/**
 * A status badge.
 *
 * @param props `status`: the plugin's status.
 * @returns The badge.
 */
export function StatusBadge(props: { status: RuntimeStatus }) {
  return <span class={`badge status-${props.status}`}>{props.status}</span>;
}

/**
 * A plugin's health, when its checks ran: a badge and the detail.
 *
 * @param props The health, if it was checked; `explain`: say why no check ran instead of a dash.
 * @returns The badge, or a dash (or the reason).
 */
export function HealthBadge(props: { health?: PluginHealth; explain?: boolean }) {
  const { health } = props;
  if (!health || health.ok === null) {
    return (
      <span class="meta" title={health?.detail}>
        {props.explain ? health?.detail ?? "—" : "—"}
      </span>
    );
  }
  return (
    <span>
      <span class={`badge health-${health.status}`}>{health.status}</span>
      {health.detail ? <span class="meta">{health.detail}</span> : null}
    </span>
  );
}
