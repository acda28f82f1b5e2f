/**
 * Mounting a plugin's islands in the browser: each element the server rendered with `<Island>` of
 * this plugin gets the component its name picks, with the props the server gave it.
 *
 * @module
 */

/** The parts of an element this module uses (it is type-checked without the DOM's types). */
export interface IslandElement {
  /** An attribute's value, or `null`. */
  getAttribute(name: string): string | null;
}

/** Mounts one island's component on its element. */
export type IslandMount<Props = Record<string, unknown>> = (
  element: IslandElement,
  props: Props,
) => void;

interface IslandDocument {
  querySelectorAll(selectors: string): Iterable<IslandElement>;
}

/**
 * Mounts the components of this plugin's islands. Call it once from the client module, with its own
 * URL: the module is served at `/assets/plugins/<plugin>/…`, which says whose islands are its own
 * (on `/dashboard`, several plugins' blocks share one page).
 *
 * @param moduleUrl `import.meta.url` of the client module.
 * @param components The component of each island name.
 * @returns How many islands were mounted.
 * @example
 * ```ts ignore
 * import { render } from "hono/jsx/dom";
 * hydrateIslands(import.meta.url, {
 *   counter: (element, props) => render(<Counter start={props.start} />, element),
 * });
 * ```
 */
export function hydrateIslands(
  moduleUrl: string,
  components: Readonly<Record<string, IslandMount<never>>>,
): number {
  const document = (globalThis as { document?: IslandDocument }).document;
  if (!document) return 0;
  const plugin = /\/assets\/plugins\/([^/]+)\//.exec(new URL(moduleUrl).pathname)?.[1];
  const scope = plugin === undefined ? "" : `[data-honeyframe-plugin="${plugin}"] `;
  let mounted = 0;
  for (const element of document.querySelectorAll(`${scope}[data-honeyframe-island]`)) {
    const name = element.getAttribute("data-honeyframe-island")!;
    const mount = components[name] as IslandMount | undefined;
    if (!mount) {
      console.warn(
        `no component for the island \`${name}\` (hydrateIslands knows: ${
          Object.keys(components).join(", ") || "none"
        })`,
      );
      continue;
    }
    mount(element, JSON.parse(element.getAttribute("data-honeyframe-props") ?? "{}"));
    mounted++;
  }
  return mounted;
}
