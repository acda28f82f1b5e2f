/**
 * The few sidebar icons the host draws itself (inline SVG, no icon font or CDN). Unknown names get
 * a neutral dot (and a build warning, `nav.unknown_icon`).
 *
 * @module
 */

const PATHS: ReadonlyMap<string, string> = new Map(Object.entries({
  audit: "M4 3h12l4 4v14H4zM8 9h8M8 13h8M8 17h5",
  plugins: "M9 3v4M15 3v4M6 7h12v5a6 6 0 0 1-12 0zM12 18v3",
  settings:
    "M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM12 2v3M12 19v3M2 12h3M19 12h3M5 5l2 2M17 17l2 2M5 19l2-2M17 7l2-2",
  users:
    "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21a7 7 0 0 1 14 0M17 11a3 3 0 1 0 0-6M22 21a6 6 0 0 0-4-5.6",
  briefcase: "M3 7h18v13H3zM8 7V4h8v3M3 13h18",
  sparkles: "M12 3l2 5 5 2-5 2-2 5-2-5-5-2 5-2zM19 15l1 2 2 1-2 1-1 2-1-2-2-1 2-1z",
  chart: "M4 20V4M4 20h16M8 16v-5M12 16V8M16 16v-3",
  database:
    "M4 6c0-1.7 3.6-3 8-3s8 1.3 8 3-3.6 3-8 3-8-1.3-8-3zM4 6v12c0 1.7 3.6 3 8 3s8-1.3 8-3V6M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3",
}));

/** The icon names the host can draw; the build warns about any other name in a nav entry. */
export const ICON_NAMES: readonly string[] = [...PATHS.keys()].sort();

/**
 * One of the host's icons as a standalone SVG file, for the documentation's pictures
 * (`deno task icons` writes them to `docs/icons/`).
 *
 * @param name An icon name from {@link ICON_NAMES}.
 * @returns The file's text.
 * @throws {RangeError} For a name the host does not draw.
 * @example
 * ```ts
 * iconSvgFile("chart").startsWith("<svg"); // true
 * ```
 */
export function iconSvgFile(name: string): string {
  const path = PATHS.get(name);
  if (path === undefined) throw new RangeError(`the host has no icon named ${name}`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48" viewBox="0 0 24 24" ` +
    `fill="none" stroke="#1d2330" stroke-width="2" stroke-linecap="round" ` +
    `stroke-linejoin="round"><path d="${path}"/></svg>\n`;
}

/**
 * An icon by name.
 *
 * @param props `name`: the icon name from a nav entry or the host menu.
 * @returns The SVG, hidden from assistive technology (the link text says it all).
 */
export function Icon(props: { name?: string }) {
  // A Map: a name like `constructor` or `__proto__` is just an unknown name.
  const path = props.name === undefined ? undefined : PATHS.get(props.name);
  return (
    <svg
      viewBox="0 0 24 24"
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
    >
      {path ? <path d={path} /> : <circle cx="12" cy="12" r="4" />}
    </svg>
  );
}
