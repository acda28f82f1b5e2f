/**
 * `deno task icons`: writes a picture of each nav icon the host draws to `docs/icons/<name>.svg`,
 * for the icon table of `docs/plugins.md`. A test fails when a committed picture differs.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ICON_NAMES, iconSvgFile } from "../../runtime/admin/icons.tsx";

/** Where the pictures go. */
const ICONS_DIR = "docs/icons";

mkdirSync(ICONS_DIR, { recursive: true });
for (const name of ICON_NAMES) writeFileSync(join(ICONS_DIR, `${name}.svg`), iconSvgFile(name));
console.log(`wrote ${ICON_NAMES.length} icons to ${ICONS_DIR}/`);
