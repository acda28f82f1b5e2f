/**
 * `/admin/plugins`: every discovered plugin, its source and status with each problem readable, its
 * health (for plugins that export `health()`), a filter by status, and the registry fingerprint.
 *
 * @module
 */
import type { RuntimeStatus } from "../../lifecycle.ts";
import type { Registry, RegistryPlugin } from "../../registry.ts";
import type { PluginHealth } from "../../plugin_health.ts";
import { HealthBadge, ProblemList, sourceLabel, StatusBadge } from "./problem_list.tsx";

/** The statuses the filter offers. */
export const STATUS_FILTERS: readonly RuntimeStatus[] = [
  "mounted",
  "disabled",
  "error",
  "shadowed",
];

/** What the Plugins page shows. */
export interface PluginsPageProps {
  /** The registry. */
  readonly registry: Registry;
  /** The status to show (all when absent). */
  readonly status?: RuntimeStatus;
  /** A plugin's status at run time. */
  readonly statusOf: (plugin: RegistryPlugin) => RuntimeStatus;
  /** The session's CSRF token, for the enable/disable forms. */
  readonly csrfToken: string;
  /** The health of the plugins whose checks ran, by name. */
  readonly health: ReadonlyMap<string, PluginHealth>;
}

/**
 * The plugin table.
 *
 * @param props The registry, the filter, run-time statuses and the CSRF token.
 * @returns The page content.
 */
export function PluginsPage(props: PluginsPageProps) {
  const { registry, status, statusOf } = props;
  const shown = registry.plugins.filter((plugin) => !status || statusOf(plugin) === status);
  const count = (wanted?: RuntimeStatus) =>
    registry.plugins.filter((plugin) => !wanted || statusOf(plugin) === wanted).length;
  return (
    <>
      <h1>Plugins</h1>
      <p class="meta">
        Registry fingerprint <code>{registry.fingerprint}</code>
      </p>
      <nav aria-label="Filter by status">
        <ul class="filters">
          <li>
            <a href="/admin/plugins" aria-current={status ? undefined : "true"}>All ({count()})</a>
          </li>
          {STATUS_FILTERS.map((option) => (
            <li>
              <a
                href={`/admin/plugins?status=${option}`}
                aria-current={status === option ? "true" : undefined}
              >
                {option[0]!.toUpperCase() + option.slice(1)} ({count(option)})
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="table-wrap">
        <table>
          <caption>
            {shown.length} of {registry.plugins.length}{" "}
            plugins{status ? ` with status ${status}` : ""}
          </caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Display name</th>
              <th scope="col">Version</th>
              <th scope="col">Source</th>
              <th scope="col">Status</th>
              <th scope="col">Health</th>
              <th scope="col">Routers</th>
              <th scope="col">Routes</th>
              <th scope="col">dbt workspace</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((plugin) => (
              <tr data-plugin={plugin.name} data-source={plugin.source}>
                <th scope="row">
                  <a href={`/admin/plugins/${encodeURIComponent(plugin.name)}`}>{plugin.name}</a>
                  <Dependencies plugin={plugin} />
                </th>
                <td>{plugin.display_name}</td>
                <td>{plugin.version ?? "—"}</td>
                <td>{sourceLabel(plugin.source)}</td>
                <td>
                  <StatusBadge status={statusOf(plugin)} />
                  <ProblemList plugin={plugin} />
                </td>
                <td>
                  <HealthBadge health={props.health.get(plugin.name)} />
                </td>
                <td>{plugin.router_specs.length}</td>
                <td>{plugin.routes.length}</td>
                <td>{plugin.dbt_workspace ? <code>{plugin.dbt_workspace}</code> : "—"}</td>
                <td>
                  <Toggle
                    name={plugin.name}
                    status={statusOf(plugin)}
                    csrfToken={props.csrfToken}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** Enable or disable, for plugins that can be mounted; nothing for the others. */
function Toggle(props: { name: string; status: RuntimeStatus; csrfToken: string }) {
  if (props.status !== "mounted" && props.status !== "disabled") return <span class="meta">—</span>;
  const action = props.status === "mounted" ? "disable" : "enable";
  const label = action === "disable" ? "Disable" : "Enable";
  return (
    <form method="post" action={`/admin/plugins/${encodeURIComponent(props.name)}/${action}`}>
      <input type="hidden" name="csrf" value={props.csrfToken} />
      <button type="submit" aria-label={`${label} ${props.name}`}>{label}</button>
    </form>
  );
}

/** A plugin's dependencies and dependents under its name, when it has any. */
function Dependencies(props: { plugin: RegistryPlugin }) {
  const requires = Object.keys(props.plugin.requires?.plugins ?? {});
  const dependents = props.plugin.dependents ?? [];
  if (requires.length === 0 && dependents.length === 0) return null;
  return (
    <div class="meta">
      {requires.length ? `requires ${requires.join(", ")}` : ""}
      {requires.length && dependents.length ? " · " : ""}
      {dependents.length ? `required by ${dependents.join(", ")}` : ""}
    </div>
  );
}
