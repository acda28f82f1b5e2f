/**
 * The `_demo` plugin's pages, rendered by the host inside its layout under `/plugins/_demo/…`.
 *
 * @module
 */
import type { PluginPageProps } from "@honeyframe/edge";

/** `/plugins/_demo/`: a page that shows what the host passes to a plugin page. */
function DemoHome(props: PluginPageProps) {
  return (
    <>
      <h1>{props.plugin.display_name}</h1>
      <p>
        This page comes from the <code>{props.plugin.name}</code> plugin's{" "}
        <code>frontend/pages.tsx</code>, rendered by the host inside its layout.
      </p>
      <section class="card" aria-labelledby="demo-api">
        <h2 id="demo-api">Its API</h2>
        <p>
          The plugin's router answers <a href="/api/_demo/ping">GET /api/_demo/ping</a>.
        </p>
      </section>
    </>
  );
}

/** The pages of `_demo`, by path inside the plugin. */
export const pages = { "/": DemoHome };
