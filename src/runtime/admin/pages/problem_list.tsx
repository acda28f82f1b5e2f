/**
 * A plugin's errors and warnings: as a readable list (with file, line and column) on its detail
 * page, as a count on the Plugins page; and the badges of its status and health.
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
export function ProblemList(props: { plugin: RegistryPlugin; id?: string }) {
  const items = [
    ...props.plugin.errors.map((problem) => ({ problem, level: "error" as const })),
    ...props.plugin.warnings.map((problem) => ({ problem, level: "warning" as const })),
  ];
  if (items.length === 0) return null;
  return (
    <ul class="problems" id={props.id}>
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
  const at = problem.file && problem.line
    ? `${problem.file}:${problem.line}${problem.column ? `:${problem.column}` : ""}`
    : problem.file;
  const where = [at, problem.path].filter(Boolean).join(" › ");
  return (
    <>
      <strong>{props.level === "error" ? "Error" : "Warning"}:</strong> {where && `${where}: `}
      {problem.message} <code>{problem.code}</code>
      {problem.frame && <pre class="frame">{problem.frame}</pre>}
    </>
  );
}

/** How a source is shown to people. */
export function sourceLabel(source: RegistryPlugin["source"]): string {
  return source === "install" ? "bundled" : "customer";
}

/**
 * How many errors and warnings a plugin has, linking to the list on its detail page.
 *
 * @param props `plugin`: whose problems to count.
 * @returns The badge, or nothing when there are none.
 */
export function ProblemCount(props: { plugin: RegistryPlugin }) {
  const { plugin } = props;
  const parts = [
    counted(plugin.errors.length, "error"),
    counted(plugin.warnings.length, "warning"),
  ].filter((part) => part !== "");
  if (parts.length === 0) return null;
  return (
    <a
      class={`badge problem-count ${plugin.errors.length ? "has-errors" : "has-warnings"}`}
      href={`/admin/plugins/${encodeURIComponent(plugin.name)}#${problemsId(plugin)}`}
    >
      {parts.join(" · ")}
    </a>
  );
}

/** The id of a registry entry's problem list on its detail page. */
export function problemsId(plugin: RegistryPlugin): string {
  return `problems-${plugin.source}`;
}

function counted(count: number, noun: string): string {
  return count === 0 ? "" : `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/**
 * A status badge. A plugin that is mounted but serves no route and has warnings (a typo in a
 * router's path, say) is shown as a warning, not as healthy.
 *
 * @param props `status`: the plugin's status; `plugin`: the plugin, to tell that case.
 * @returns The badge.
 */
export function StatusBadge(props: { status: RuntimeStatus; plugin?: RegistryPlugin }) {
  const { status, plugin } = props;
  if (status === "mounted" && plugin && plugin.routes.length === 0 && plugin.warnings.length > 0) {
    return (
      <span
        class="badge status-mounted-warning"
        title="mounted, but it serves no route: see its warnings"
      >
        mounted, no routes
      </span>
    );
  }
  return <span class={`badge status-${status}`}>{status}</span>;
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
