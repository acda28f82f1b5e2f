/**
 * `/admin/plugins`: every discovered plugin, its source and status with each problem readable, a
 * filter by status, and the registry fingerprint.
 *
 * @module
 */
import type { PluginStatus, Registry } from "../../registry.ts";
import { ProblemList, sourceLabel, StatusBadge } from "./problem_list.tsx";

/** The statuses the filter offers. */
export const STATUS_FILTERS: readonly PluginStatus[] = ["mounted", "error", "shadowed"];

/**
 * The plugin table.
 *
 * @param props The registry and the status to show (all when absent).
 * @returns The page content.
 */
export function PluginsPage(props: { registry: Registry; status?: PluginStatus }) {
  const { registry, status } = props;
  const shown = registry.plugins.filter((plugin) => !status || plugin.status === status);
  const count = (wanted?: PluginStatus) =>
    registry.plugins.filter((plugin) => !wanted || plugin.status === wanted).length;
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
              <th scope="col">Routers</th>
              <th scope="col">Routes</th>
              <th scope="col">dbt workspace</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((plugin) => (
              <tr data-plugin={plugin.name} data-source={plugin.source}>
                <th scope="row">
                  <a href={`/admin/plugins/${encodeURIComponent(plugin.name)}`}>{plugin.name}</a>
                </th>
                <td>{plugin.display_name}</td>
                <td>{plugin.version ?? "—"}</td>
                <td>{sourceLabel(plugin.source)}</td>
                <td>
                  <StatusBadge status={plugin.status} />
                  <ProblemList plugin={plugin} />
                </td>
                <td>{plugin.router_specs.length}</td>
                <td>{plugin.routes.length}</td>
                <td>{plugin.dbt_workspace ? <code>{plugin.dbt_workspace}</code> : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
