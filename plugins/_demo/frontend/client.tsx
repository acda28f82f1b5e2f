/// <reference lib="dom" />
/**
 * The `_demo` plugin's client module: bundled for the browser at build time and loaded by every
 * page of the plugin. It finds the elements the server rendered with `data-counter` and turns each
 * into a button that counts its clicks, without a round trip.
 *
 * @module
 */
import { render, useState } from "hono/jsx/dom";

/** A button that counts its clicks. */
function Counter() {
  const [clicks, setClicks] = useState(0);
  return (
    <button type="button" data-clicks={clicks} onClick={() => setClicks(clicks + 1)}>
      Clicked {clicks} {clicks === 1 ? "time" : "times"}
    </button>
  );
}

for (const element of document.querySelectorAll<HTMLElement>("[data-counter]")) {
  // The server rendered a placeholder; the live counter takes its place.
  element.replaceChildren();
  render(<Counter />, element);
}
