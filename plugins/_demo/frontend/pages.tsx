/**
 * The `_demo` plugin's pages, rendered by the host inside its layout under `/plugins/_demo/…`.
 *
 * @module
 */
import { type BlockProps, Island, type PluginPageProps } from "@honeyframe/edge";

/** `/plugins/_demo/`: a page that shows what the host passes to a plugin page. */
function DemoHome(props: PluginPageProps) {
  return (
    <>
      <h1>{props.plugin.display_name}</h1>
      <p>
        This page comes from the <code>{props.plugin.name}</code> plugin's{" "}
        <code>frontend/pages.tsx</code>, rendered by the host inside its layout.
      </p>
      <section class="card" aria-labelledby="demo-client">
        <h2 id="demo-client">Its client module</h2>
        <p>
          <code>frontend/client.tsx</code>{" "}
          is bundled at build time and mounts a counter on this island, starting where the server
          said:
        </p>
        <Island name="counter" props={{ start: 0 }}>
          <button type="button" disabled>Clicked 0 times</button>
        </Island>
      </section>
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

/** A dashboard block: what the plugin is, and where its page is. */
function Welcome(props: BlockProps) {
  return (
    <p>
      {props.plugin.display_name} is installed. Its page is{" "}
      <a href={`/plugins/${props.plugin.name}/`}>here</a>.
    </p>
  );
}

/** The dashboard blocks of `_demo`, by id. */
export const blocks = { welcome: { title: "Welcome", component: Welcome, size: "small" } };
