/**
 * `/admin/settings`: the non-secret runtime configuration.
 *
 * @module
 */

/**
 * A list of facts about the running host.
 *
 * @param props `facts`: label → value, secrets already left out.
 * @returns The page content.
 */
export function SettingsPage(props: { facts: readonly (readonly [string, string])[] }) {
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
    </>
  );
}
