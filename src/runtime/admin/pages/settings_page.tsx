/**
 * `/admin/settings`: the non-secret runtime configuration.
 *
 * @module
 */

/**
 * A list of facts about the running host.
 *
 * @param props `facts`: label → value, secrets already left out; `csrfToken` for the sign-out
 * everywhere form.
 * @returns The page content.
 */
export function SettingsPage(
  props: { facts: readonly (readonly [string, string])[]; csrfToken: string },
) {
  return (
    <>
      <h1>Settings</h1>
      <section class="card" aria-label="Runtime configuration">
        <dl class="facts">
          {props.facts.map(([label, value]) => (
            <>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </>
          ))}
        </dl>
      </section>
      <p class="meta">
        Configuration comes from environment variables (or Worker bindings); secrets are never
        shown.
      </p>
      <section class="card" aria-label="Sessions">
        <h2>Sessions</h2>
        <p>Ends every admin session on every instance, this one included.</p>
        <form method="post" action="/admin/sign-out-everywhere">
          <input type="hidden" name="csrf" value={props.csrfToken} />
          <button type="submit">Sign out everywhere</button>
        </form>
      </section>
    </>
  );
}
