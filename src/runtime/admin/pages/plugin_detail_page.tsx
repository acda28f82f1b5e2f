/**
 * `/admin/plugins/<name>`: everything the registry knows about a plugin (both copies when a
 * customer plugin is shadowed): manifest fields, route table, permissions, seed groups, nav and
 * problems.
 *
 * @module
 */
import type { RuntimeStatus } from "../../lifecycle.ts";
import type { RegistryPlugin } from "../../registry.ts";
import { pageUrl } from "../layout.tsx";
import type { PluginHealth } from "../../plugin_health.ts";
import { HealthBadge, ProblemList, problemsId, sourceLabel, StatusBadge } from "./problem_list.tsx";
import { toggleActionOf, ToggleLink } from "./toggle.tsx";

/**
 * The detail page of every registry entry with one name.
 *
 * @param props `plugins`: the entries (install first); `statusOf`: their run-time status;
 * `health`: the served entry's health.
 * @returns The page content.
 */
export function PluginDetailPage(
  props: {
    plugins: readonly RegistryPlugin[];
    statusOf: (plugin: RegistryPlugin) => RuntimeStatus;
    health: PluginHealth;
  },
) {
  const [first] = props.plugins;
  return (
    <>
      <p>
        <a href="/admin/plugins">← All plugins</a>
      </p>
      <h1>{first?.display_name ?? "Plugin"}</h1>
      {props.plugins.map((plugin) => (
        <PluginCard
          key={`${plugin.name}-${plugin.source}`}
          plugin={plugin}
          status={props.statusOf(plugin)}
          health={plugin.status === "shadowed" ? undefined : props.health}
        />
      ))}
    </>
  );
}

function PluginCard(
  props: { plugin: RegistryPlugin; status: RuntimeStatus; health: PluginHealth | undefined },
) {
  const { plugin } = props;
  const id = `${plugin.name}-${plugin.source}`;
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>
        {plugin.name} <span class="meta">({sourceLabel(plugin.source)})</span>{" "}
        <StatusBadge status={props.status} plugin={plugin} />
      </h2>
      {toggleActionOf(props.status)
        ? <ToggleLink name={plugin.name} status={props.status} />
        : null}
      <ProblemList plugin={plugin} id={problemsId(plugin)} />
      <ManifestText plugin={plugin} />
      <h3>Manifest</h3>
      <dl class="facts">
        <dt>Name</dt>
        <dd>{plugin.name}</dd>
        <dt>Display name</dt>
        <dd>{plugin.display_name}</dd>
        <dt>Version</dt>
        <dd>{plugin.version ?? "—"}</dd>
        <dt>Health</dt>
        <dd>
          <HealthBadge health={props.health} explain />
        </dd>
        <dt>Source</dt>
        <dd>{sourceLabel(plugin.source)} ({plugin.source})</dd>
        <dt>Routers</dt>
        <dd>
          {plugin.router_specs.length
            ? plugin.router_specs.map((spec) => (
              <div>
                <code>{spec}</code>
              </div>
            ))
            : "—"}
        </dd>
        <dt>Requires</dt>
        <dd>
          <Requirements plugin={plugin} />
        </dd>
        <dt>Required by</dt>
        <dd>{plugin.dependents?.length ? <PluginLinks names={plugin.dependents} /> : "—"}</dd>
        <dt>dbt workspace</dt>
        <dd>{plugin.dbt_workspace ? <code>{plugin.dbt_workspace}</code> : "—"}</dd>
        <dt>Frontend entry</dt>
        <dd>{plugin.frontend_entry ? <code>{plugin.frontend_entry}</code> : "—"}</dd>
      </dl>
      <h3>Routes</h3>
      {plugin.routes.length === 0 ? <p class="meta">No routes.</p> : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Method</th>
                <th scope="col">Path</th>
                <th scope="col">Router</th>
              </tr>
            </thead>
            <tbody>
              {plugin.routes.map((route) => (
                <tr>
                  <td>{route.method}</td>
                  <td>
                    <code>{route.path}</code>
                  </td>
                  <td>
                    <code>{route.router}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>Permissions</h3>
      {plugin.permissions.length === 0 ? <p class="meta">None declared.</p> : (
        <ul>
          {plugin.permissions.map((permission) => (
            <li>
              <code>{permission}</code>
            </li>
          ))}
        </ul>
      )}
      <h3>Seed groups</h3>
      {plugin.seed_groups.length === 0 ? <p class="meta">None.</p> : (
        <ul>
          {plugin.seed_groups.map((group) => (
            <li>
              <strong>{group.name}</strong>: <code>{group.permissions.join(", ")}</code>
            </li>
          ))}
        </ul>
      )}
      <h3>Navigation</h3>
      {plugin.nav.length === 0 ? <p class="meta">No entries.</p> : (
        <ul>
          {plugin.nav.map((entry) => (
            <li>
              {plugin.status === "mounted"
                ? <a href={pageUrl(plugin.name, entry.path)}>{entry.label}</a>
                : entry.label} <code>{entry.path}</code>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** What a plugin requires: the host range and each plugin with its range, linked. */
function Requirements(props: { plugin: RegistryPlugin }) {
  const requires = props.plugin.requires;
  const plugins = Object.entries(requires?.plugins ?? {});
  if (!requires || (requires.host === null && plugins.length === 0)) return <>—</>;
  return (
    <>
      {requires.host === null ? null : (
        <div>
          host <code>{requires.host}</code>
        </div>
      )}
      {plugins.map(([name, range]) => (
        <div>
          <a href={`/admin/plugins/${encodeURIComponent(name)}`}>{name}</a> <code>{range}</code>
        </div>
      ))}
    </>
  );
}

/** Plugin names, each linked to its page. */
function PluginLinks(props: { names: readonly string[] }) {
  return (
    <>
      {props.names.map((name, index) => (
        <>
          {index > 0 ? ", " : ""}
          <a href={`/admin/plugins/${encodeURIComponent(name)}`}>{name}</a>
        </>
      ))}
    </>
  );
}

/** A broken plugin's `plugin.yaml` as the build read it, with line numbers (escaped by JSX). */
function ManifestText(props: { plugin: RegistryPlugin }) {
  const text = props.plugin.manifest_text;
  if (text === undefined) return null;
  const id = `manifest-${props.plugin.source}`;
  return (
    <>
      <h3 id={id}>plugin.yaml as read</h3>
      <div class="source-wrap">
        <ol class="source" aria-labelledby={id}>
          {text.replace(/\n$/, "").split("\n").map((line) => (
            <li>
              <code>{line}</code>
            </li>
          ))}
        </ol>
      </div>
    </>
  );
}
