/**
 * `/admin/plugins`: every discovered plugin, its source, status and problem count (the problems
 * themselves are on its detail page), its health (for plugins that export `health()`), a search, a
 * filter by status, and the registry fingerprint; with no plugin at all, how to add the first.
 *
 * @module
 */
import type { RuntimeStatus } from "../../lifecycle.ts";
import type { Registry, RegistryPlugin } from "../../registry.ts";
import type { PluginHealth } from "../../plugin_health.ts";
import { HealthBadge, ProblemCount, sourceLabel, StatusBadge } from "./problem_list.tsx";
import { ToggleLink } from "./toggle.tsx";

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
  /** What to search for (name, display name, status, source, package), if anything. */
  readonly query?: string;
  /** A plugin's status at run time. */
  readonly statusOf: (plugin: RegistryPlugin) => RuntimeStatus;
  /** The health of the plugins whose checks ran, by name. */
  readonly health: ReadonlyMap<string, PluginHealth>;
  /** A plugin's required settings that have no value (it answers 503 until they have). */
  readonly missingOf?: (plugin: RegistryPlugin) => readonly string[];
}

/**
 * The plugin table.
 *
 * @param props The registry, the filter, run-time statuses and the CSRF token.
 * @returns The page content.
 */
export function PluginsPage(props: PluginsPageProps) {
  const { registry, status, statusOf } = props;
  if (registry.plugins.length === 0) return <EmptyState fingerprint={registry.fingerprint} />;
  const query = props.query?.trim().toLowerCase() ?? "";
  const found = registry.plugins.filter((plugin) => matches(plugin, statusOf(plugin), query));
  const shown = found.filter((plugin) => !status || statusOf(plugin) === status);
  const count = (wanted?: RuntimeStatus) =>
    found.filter((plugin) => !wanted || statusOf(plugin) === wanted).length;
  const withQuery = (params: Record<string, string>) => {
    const search = new URLSearchParams(query ? { q: props.query!.trim(), ...params } : params);
    return `/admin/plugins${search.size ? `?${search}` : ""}`;
  };
  return (
    <>
      <h1>Plugins</h1>
      <p class="meta">
        Registry fingerprint <code>{registry.fingerprint}</code>
      </p>
      <form role="search" method="get" action="/admin/plugins" class="search">
        <label for="plugin-search">Search plugins</label>
        <input
          id="plugin-search"
          type="search"
          name="q"
          value={props.query ?? ""}
          placeholder="name, status, source or package"
        />
        {status ? <input type="hidden" name="status" value={status} /> : null}
        <button type="submit">Search</button>
      </form>
      <nav aria-label="Filter by status">
        <ul class="filters">
          <li>
            <a href={withQuery({})} aria-current={status ? undefined : "true"}>All ({count()})</a>
          </li>
          {STATUS_FILTERS.map((option) => (
            <li>
              <a
                href={withQuery({ status: option })}
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
            {query ? ` matching “${props.query!.trim()}”` : ""}
          </caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Display name</th>
              <th scope="col">Version</th>
              <th scope="col">Source</th>
              <th scope="col">Status</th>
              <th scope="col">Problems</th>
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
                  <StatusBadge status={statusOf(plugin)} plugin={plugin} />
                  <NeedsSettings plugin={plugin} missing={props.missingOf?.(plugin) ?? []} />
                </td>
                <td>
                  <ProblemCount plugin={plugin} />
                </td>
                <td>
                  <HealthBadge health={props.health.get(plugin.name)} />
                </td>
                <td>{plugin.router_specs.length}</td>
                <td>{plugin.routes.length}</td>
                <td>{plugin.dbt_workspace ? <code>{plugin.dbt_workspace}</code> : "—"}</td>
                <td>
                  <ToggleLink name={plugin.name} status={statusOf(plugin)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {shown.length === 0
        ? (
          <p class="empty">
            No plugin matches. <a href="/admin/plugins">Show all plugins</a>.
          </p>
        )
        : null}
    </>
  );
}

/** Whether a plugin matches a search (lower case; every plugin matches an empty one). */
/** A link to the Settings of a plugin whose required settings have no value. */
function NeedsSettings(props: { plugin: RegistryPlugin; missing: readonly string[] }) {
  if (props.plugin.status !== "mounted" || props.missing.length === 0) return null;
  return (
    <>
      {" "}
      <a
        class="badge status-needs-config"
        href={`/admin/plugins/${encodeURIComponent(props.plugin.name)}#settings`}
        title={`required and not set: ${props.missing.join(", ")}`}
      >
        needs settings
      </a>
    </>
  );
}

function matches(plugin: RegistryPlugin, status: RuntimeStatus, query: string): boolean {
  if (!query) return true;
  return [
    plugin.name,
    plugin.display_name,
    status,
    plugin.source,
    sourceLabel(plugin.source),
    plugin.package?.name ?? "",
  ].some((field) => field.toLowerCase().includes(query));
}

/** What the page says before there is any plugin: how to add the first one. */
function EmptyState(props: { fingerprint: string }) {
  return (
    <>
      <h1>Plugins</h1>
      <section class="card empty-state" aria-labelledby="no-plugins">
        <h2 id="no-plugins">No plugins yet</h2>
        <p>
          A plugin is a folder with a <code>plugin.yaml</code>. To add your first one:
        </p>
        <ol>
          <li>
            Create it: <code>npx deno task plugins new crm</code> writes <code>plugins/crm/</code>
            {" "}
            (bundled with the host), or add <code>--data</code> for{" "}
            <code>$DATA_DIR/plugins/crm/</code> (a customer plugin).
          </li>
          <li>
            Build the registry again (<code>npx deno task build</code>, or{" "}
            <code>npm start</code>, which builds first) and restart the server.
          </li>
        </ol>
        <p class="meta">
          Registry fingerprint <code>{props.fingerprint}</code>
        </p>
      </section>
    </>
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
