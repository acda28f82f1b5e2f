/**
 * Nav entries are links to the plugin's pages, with an icon the host draws; an entry without a
 * page, or with an icon the host does not have, is a warning.
 *
 * @module
 */
import { MANIFEST_FILE, type Problem, problem } from "../manifest/mod.ts";
import { ICON_NAMES } from "../runtime/admin/icons.tsx";

/**
 * Warns about nav entries whose path is not one of the plugin's pages, or whose icon the host
 * cannot draw.
 *
 * @param nav The manifest's nav entries.
 * @param pages The page paths of the plugin's frontend entry.
 * @returns `nav.no_page` and `nav.unknown_icon` warnings.
 */
export function navWarnings(
  nav: readonly { path: string; icon?: string | undefined }[],
  pages: readonly string[],
): Problem[] {
  return nav.flatMap((entry, index) => [
    ...(pages.includes(entry.path) ? [] : [
      problem(
        "nav.no_page",
        `\`${entry.path}\` has no page${
          pages.length ? ` (pages: ${pages.join(", ")})` : " (no frontend_entry)"
        }`,
        { file: MANIFEST_FILE, path: `nav[${index}].path` },
      ),
    ]),
    ...(entry.icon === undefined || ICON_NAMES.includes(entry.icon) ? [] : [
      problem(
        "nav.unknown_icon",
        `\`${entry.icon}\` is not an icon the host has (${ICON_NAMES.join(", ")}); a dot is shown`,
        { file: MANIFEST_FILE, path: `nav[${index}].icon` },
      ),
    ]),
  ]);
}
