/**
 * Islands: the interactive parts of a plugin's server-rendered page or block. `<Island>` renders
 * its children (what shows before the client module runs, and without it) in an element that
 * names the island and carries its props as JSON in an attribute (escaped like any attribute, so
 * no prop can end the element or start a script); the plugin's client module mounts a component
 * on each with `hydrateIslands` (`@honeyframe/edge/client`). Props are plain data only: a function,
 * `undefined`, a symbol, a bigint, a non-finite number, a class instance or a cycle is refused when
 * the page renders, naming the island and the prop's path.
 *
 * @module
 */
import type { Child } from "hono/jsx";

/** The attribute naming an island. */
export const ISLAND_ATTRIBUTE = "data-honeyframe-island";

/** The attribute holding an island's props (JSON). */
export const ISLAND_PROPS_ATTRIBUTE = "data-honeyframe-props";

/** What can cross from the server to the client: JSON. */
export type IslandValue =
  | null
  | boolean
  | number
  | string
  | readonly IslandValue[]
  | { readonly [key: string]: IslandValue };

/** An island's props. */
export interface IslandProps {
  /** Which component the client module mounts (a key of what it gives `hydrateIslands`). */
  readonly name: string;
  /** The props that component gets (plain data). */
  readonly props?: Readonly<Record<string, IslandValue>>;
  /** What shows until the client module has mounted it (and without JavaScript). */
  readonly children?: Child;
}

/**
 * An interactive part of a page or block.
 *
 * @param props The island's name, its component's props and what shows before.
 * @returns The element.
 * @throws {TypeError} When a prop is not plain data.
 * @example
 * ```tsx
 * const Page = () => (
 *   <Island name="counter" props={{ start: 3 }}>
 *     <button type="button">Clicked 3 times</button>
 *   </Island>
 * );
 * ```
 */
export function Island(props: IslandProps) {
  if (!/^[A-Za-z][\w-]*$/.test(props.name)) {
    throw new TypeError(
      `an island's name is letters, digits, \`_\` and \`-\`, starting with a letter, not ${
        JSON.stringify(props.name)
      }`,
    );
  }
  const data = props.props ?? {};
  checkPlainData(data, `island \`${props.name}\` props`, new Set());
  const attributes = {
    [ISLAND_ATTRIBUTE]: props.name,
    [ISLAND_PROPS_ATTRIBUTE]: JSON.stringify(data),
  };
  return <div {...attributes}>{props.children}</div>;
}

function checkPlainData(value: unknown, path: string, seen: Set<object>): void {
  const refuse = (what: string) => {
    throw new TypeError(`${path} holds ${what}; island props are plain data (JSON) only`);
  };
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) refuse(String(value));
    return;
  }
  if (typeof value !== "object") {
    refuse(typeof value === "undefined" ? "undefined" : `a ${typeof value}`);
  }
  const object = value as object;
  if (seen.has(object)) refuse("a cycle");
  const prototype = Object.getPrototypeOf(object);
  if (!Array.isArray(object) && prototype !== Object.prototype && prototype !== null) {
    refuse(`a ${prototype?.constructor?.name ?? "class"} instance`);
  }
  seen.add(object);
  for (const [key, item] of Object.entries(object)) {
    checkPlainData(item, Array.isArray(object) ? `${path}[${key}]` : `${path}.${key}`, seen);
  }
  seen.delete(object);
}
