/**
 * `/admin/dbt`: the plugins' dbt workspaces (project, schemas, models, schedule, next and last run), a Run
 * button for each, and the run history.
 *
 * @module
 */
import type { DbtRun } from "../../../state/mod.ts";
import type { DbtWorkspaceView } from "../../dbt/service.ts";
import { Timestamp } from "./timestamp.tsx";

/** What the page shows. */
export interface DbtPageProps {
  /** Every workspace. */
  readonly workspaces: readonly DbtWorkspaceView[];
  /** The latest runs, newest first. */
  readonly runs: readonly DbtRun[];
  /** The runner's kind, or `undefined` when runs are refused. */
  readonly runner: string | undefined;
  /** The session's CSRF token for the Run forms. */
  readonly csrfToken: string;
  /** A message after a Run (started, or why not). */
  readonly notice?: string;
}

const RUN_STATUS_CLASS: Record<DbtRun["status"], string> = {
  queued: "status-shadowed",
  running: "status-shadowed",
  succeeded: "status-mounted",
  failed: "status-error",
};

/**
 * The dbt page.
 *
 * @param props Workspaces, runs, runner and CSRF token.
 * @returns The page content.
 */
export function DbtPage(props: DbtPageProps) {
  return (
    <>
      <h1>dbt</h1>
      <p class="meta">
        {props.runner
          ? `Runs start through the ${props.runner} runner; schedules are in UTC.`
          : "No runner is configured (HONEYFRAME_DBT_RUNNER): runs are refused and schedules do not fire."}
      </p>
      {props.notice ? <p role="status" class="alert">{props.notice}</p> : null}
      {props.workspaces.length === 0
        ? (
          <p class="meta">
            No plugin has a dbt workspace. Add <code>dbt_workspace: dbt/</code> (a folder with a
            {" "}
            <code>dbt_project.yml</code>) to a plugin's manifest.
          </p>
        )
        : (
          <div class="table-wrap">
            <table>
              <caption>Workspaces</caption>
              <thead>
                <tr>
                  <th scope="col">Plugin</th>
                  <th scope="col">Project</th>
                  <th scope="col">Schemas</th>
                  <th scope="col">Models</th>
                  <th scope="col">Schedule</th>
                  <th scope="col">Next run</th>
                  <th scope="col">Last run</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {props.workspaces.map((workspace) => (
                  <tr>
                    <td>
                      <a href={`/admin/plugins/${encodeURIComponent(workspace.plugin)}`}>
                        {workspace.plugin}
                      </a>{" "}
                      {workspace.status === "mounted"
                        ? null
                        : <span class={`badge status-${workspace.status}`}>{workspace.status}
                        </span>}
                    </td>
                    <td>
                      <code>{workspace.project}</code>
                      <div class="meta">
                        {workspace.path}
                        {workspace.profile ? ` · profile ${workspace.profile}` : ""}
                      </div>
                    </td>
                    <td>
                      {workspace.schemas.map((schema, index) => (
                        <>
                          {index > 0 ? " " : ""}
                          <code>{schema}</code>
                        </>
                      ))}
                    </td>
                    <td>
                      <details>
                        <summary>{workspace.models.length} models</summary>
                        <ul>
                          {workspace.models.map((model) => (
                            <li>
                              <code>{model.name}</code> <span class="meta">{model.path}</span>
                              {model.enabled === false ? <span class="meta">(disabled)</span> : ""}
                            </li>
                          ))}
                        </ul>
                      </details>
                    </td>
                    <td>{workspace.schedule ? <code>{workspace.schedule}</code> : "—"}</td>
                    <td>{workspace.next_run ? <Timestamp iso={workspace.next_run} /> : "—"}</td>
                    <td>{workspace.last_run ? <RunStatus run={workspace.last_run} /> : "never"}</td>
                    <td>
                      <form
                        method="post"
                        action={`/admin/dbt/${encodeURIComponent(workspace.plugin)}/run`}
                      >
                        <input type="hidden" name="csrf" value={props.csrfToken} />
                        <button
                          type="submit"
                          disabled={!props.runner || workspace.status !== "mounted"}
                        >
                          Run
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      <h2>Run history</h2>
      {props.runs.length === 0 ? <p class="meta">No runs yet.</p> : (
        <div class="table-wrap">
          <table>
            <caption>The {props.runs.length} most recent runs, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Queued (UTC)</th>
                <th scope="col">Plugin</th>
                <th scope="col">Started by</th>
                <th scope="col">Status</th>
                <th scope="col">Exit code</th>
                <th scope="col">Finished (UTC)</th>
                <th scope="col">Output</th>
              </tr>
            </thead>
            <tbody>
              {props.runs.map((run) => (
                <tr>
                  <td>
                    <Timestamp iso={run.queued_at} />
                  </td>
                  <td>{run.plugin}</td>
                  <td>{run.started_by}</td>
                  <td>
                    <RunStatus run={run} />
                  </td>
                  <td>{run.exit_code ?? "—"}</td>
                  <td>{run.finished_at ? <Timestamp iso={run.finished_at} /> : "—"}</td>
                  <td>
                    {run.output
                      ? (
                        <details>
                          <summary>last lines</summary>
                          <pre>{run.output}</pre>
                        </details>
                      )
                      : "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function RunStatus(props: { run: DbtRun }) {
  return (
    <>
      <span class={`badge ${RUN_STATUS_CLASS[props.run.status]}`}>{props.run.status}</span>
      {props.run.reason ? <span class="meta">{props.run.reason}</span> : null}
    </>
  );
}
