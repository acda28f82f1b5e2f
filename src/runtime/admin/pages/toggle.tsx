/**
 * Enabling and disabling a plugin from the admin UI: a link on the Plugins page and the detail
 * page leads to a page that says what will happen and asks for confirmation; only its form changes
 * anything (a POST with the session's CSRF token).
 *
 * @module
 */
import type { RuntimeStatus } from "../../lifecycle.ts";

/** What a toggle does. */
export type ToggleAction = "enable" | "disable";

/**
 * The action a plugin in this status offers, if any (only mountable plugins can be toggled).
 *
 * @param status The plugin's run-time status.
 * @returns `disable` for a mounted plugin, `enable` for a disabled one, else nothing.
 */
export function toggleActionOf(status: RuntimeStatus): ToggleAction | undefined {
  return status === "mounted" ? "disable" : status === "disabled" ? "enable" : undefined;
}

/**
 * The link to a plugin's enable or disable confirmation, or a dash.
 *
 * @param props The plugin's name and status.
 * @returns The link.
 */
export function ToggleLink(props: { name: string; status: RuntimeStatus }) {
  const action = toggleActionOf(props.status);
  if (!action) return <span class="meta">—</span>;
  const label = action === "disable" ? "Disable" : "Enable";
  return (
    <a
      class={`button ${action}`}
      href={`/admin/plugins/${encodeURIComponent(props.name)}/${action}`}
      aria-label={`${label} ${props.name}`}
    >
      {label}
    </a>
  );
}

/**
 * The confirmation page of an enable or disable.
 *
 * @param props The plugin, the action, the CSRF token, and the plugins a disable takes along or an
 * enable waits for.
 * @returns The page content.
 */
export function ConfirmTogglePage(
  props: {
    name: string;
    displayName: string;
    action: ToggleAction;
    csrfToken: string;
    dependents: readonly string[];
    missing: readonly string[];
  },
) {
  const { name, action } = props;
  const label = action === "disable" ? "Disable" : "Enable";
  return (
    <>
      <h1>
        {label} {props.displayName}?
      </h1>
      <section class="card confirm" aria-label={`Confirm: ${label.toLowerCase()} ${name}`}>
        {action === "disable"
          ? (
            <p>
              Its routes and pages will answer 404 at once on every instance, and its menu entries
              leave the sidebar. Nothing is deleted: enabling it again restores it.
            </p>
          )
          : (
            <p>
              Its routes, pages and menu entries will be served again at once on every instance.
            </p>
          )}
        {props.dependents.length
          ? (
            <p class="warning">
              Enabled plugins require {name}: {props.dependents.join(", ")}. Disable them first.
            </p>
          )
          : null}
        {props.missing.length
          ? (
            <p class="warning">
              {name} requires {props.missing.join(", ")}, which is disabled. Enable it first.
            </p>
          )
          : null}
        <form method="post" action={`/admin/plugins/${encodeURIComponent(name)}/${action}`}>
          <input type="hidden" name="csrf" value={props.csrfToken} />
          <button type="submit" class={action}>
            {label} {name}
          </button>{" "}
          <a href={`/admin/plugins/${encodeURIComponent(name)}`}>Cancel</a>
        </form>
      </section>
    </>
  );
}
