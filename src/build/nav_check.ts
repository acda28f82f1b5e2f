/**
 * Nav entries are links to the plugin's pages; one without a page is a warning.
 *
 * @module
 */
import { MANIFEST_FILE, type Problem, problem } from "../manifest/mod.ts";

/**
 * Warns about nav entries whose path is not one of the plugin's pages.
 *
 * @param nav The manifest's nav entries.
 * @param pages The page paths of the plugin's frontend entry.
 * @returns One `nav.no_page` warning per entry without a page.
 */
export function navWarnings(nav: readonly { path: string }[], pages: readonly string[]): Problem[] {
  return nav.flatMap((entry, index) =>
    pages.includes(entry.path) ? [] : [
      problem(
        "nav.no_page",
        `\`${entry.path}\` has no page${
          pages.length ? ` (pages: ${pages.join(", ")})` : " (no frontend_entry)"
        }`,
        { file: MANIFEST_FILE, path: `nav[${index}].path` },
      ),
    ]
  );
}
