/// <reference lib="dom" />
/**
 * The `_demo` plugin's client module: bundled for the browser at build time and loaded by every
 * page of the plugin. `hydrateIslands` mounts a counter on each `counter` island the server
 * rendered, starting from the island's `start` prop, without a round trip.
 *
 * @module
 */
import { hydrateIslands } from "@honeyframe/edge/client";
import { render, useState } from "hono/jsx/dom";

/** A button that counts its clicks. */
function Counter(props: { start: number }) {
  const [clicks, setClicks] = useState(props.start);
  return (
    <button type="button" data-clicks={clicks} onClick={() => setClicks(clicks + 1)}>
      Clicked {clicks} {clicks === 1 ? "time" : "times"}
    </button>
  );
}

hydrateIslands(import.meta.url, {
  counter: (element, props: { start: number }) => {
    // The server rendered a placeholder; the live counter takes its place.
    (element as HTMLElement).replaceChildren();
    render(<Counter start={props.start} />, element as HTMLElement);
  },
});
