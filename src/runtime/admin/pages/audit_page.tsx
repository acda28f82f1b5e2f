/**
 * `/admin/audit`: the most recent admin events.
 *
 * @module
 */
import type { AuditEvent } from "../../../state/mod.ts";
import { Timestamp } from "./timestamp.tsx";

const ACTIONS: Record<AuditEvent["action"], string> = {
  sign_in: "Sign-in",
  sign_out: "Sign-out",
  sign_out_everywhere: "Sign-out everywhere",
  enable: "Enable",
  disable: "Disable",
  group_change: "Group change",
  dbt_run: "dbt run",
  dbt_schedule: "dbt schedule",
  plugin_crashed: "Plugin crashed",
  plugin_start_failed: "Plugin failed to start",
  plugin_config: "Plugin settings changed",
  access: "Access",
};

/**
 * The audit table, newest first.
 *
 * @param props `events`: the events to show.
 * @returns The page content.
 */
export function AuditPage(props: { events: readonly AuditEvent[] }) {
  return (
    <>
      <h1>Audit Log</h1>
      {props.events.length === 0 ? <p class="meta">No events yet.</p> : (
        <div class="table-wrap">
          <table>
            <caption>The {props.events.length} most recent admin events, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time (UTC)</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Outcome</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {props.events.map((event) => (
                <tr>
                  <td>
                    <Timestamp iso={event.time} />
                  </td>
                  <td>{event.actor}</td>
                  <td>{ACTIONS[event.action]}</td>
                  <td>{event.target ?? ""}</td>
                  <td>
                    <span
                      class={`badge status-${event.outcome === "success" ? "mounted" : "error"}`}
                    >
                      {event.outcome}
                    </span>
                  </td>
                  <td>{event.detail ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
