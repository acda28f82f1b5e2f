/**
 * Test helper: the system tools some tests need (Debian packages), found or not. A test that needs
 * a missing tool is skipped with a loud notice naming the tool and its install command; under
 * `CI=true` nothing is skipped, so a missing tool fails the run. `tests/preflight.ts` checks them
 * all before the suite starts (and installs them when it runs as root).
 *
 * @module
 */
import { existsSync, readdirSync } from "node:fs";
import { delimiter, join } from "node:path";
import { findNginx } from "../../src/cli/front/front.ts";

/** A system tool and the Debian package that brings it. */
export interface SystemTool {
  /** The package to `apt-get install`. */
  readonly package: string;
  /** Where the tool was found, or `undefined`. */
  readonly find: () => string | undefined;
}

/** Where `command` is on the `PATH`, if it is. */
export function onPath(command: string): string | undefined {
  for (const dir of (Deno.env.get("PATH") ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

/** The PostgreSQL server binaries of the newest installed version. */
export function postgresBinaries(): string | undefined {
  const root = "/usr/lib/postgresql";
  const version = existsSync(root) ? readdirSync(root).sort().at(-1) : undefined;
  const bin = version ? join(root, version, "bin") : undefined;
  return bin && existsSync(join(bin, "initdb")) ? bin : undefined;
}

/** Every tool the suite uses beyond Node and npm. */
export const SYSTEM_TOOLS = {
  chromium: {
    package: "chromium",
    find: () => existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined,
  },
  buildah: { package: "buildah", find: () => onPath("buildah") },
  debootstrap: { package: "debootstrap", find: () => onPath("debootstrap") },
  postgresql: { package: "postgresql", find: postgresBinaries },
  promtool: { package: "prometheus", find: () => onPath("promtool") },
  nginx: { package: "nginx-light", find: () => findNginx(Deno.env.get("PATH")) },
} as const satisfies Record<string, SystemTool>;

/** The name of a tool of {@link SYSTEM_TOOLS}. */
export type ToolName = keyof typeof SYSTEM_TOOLS;

/** Whether this run may skip tests (never under `CI=true`). */
export function maySkip(): boolean {
  return Deno.env.get("CI") !== "true";
}

const noticed = new Set<string>();

/**
 * Test options that skip the test, with a notice, when a tool it needs is missing.
 *
 * @param tools The tools the test needs.
 * @returns `{ ignore }` for `Deno.test(name, options, fn)`.
 */
export function needs(...tools: ToolName[]): { ignore: boolean } {
  const missing = tools.filter((tool) => !SYSTEM_TOOLS[tool].find());
  if (missing.length === 0 || !maySkip()) return { ignore: false };
  const packages = missing.map((tool) => SYSTEM_TOOLS[tool].package).join(" ");
  const notice = `SKIPPED: tests that need ${missing.join(", ")} (not installed; ` +
    `sudo apt-get install -y ${packages})`;
  if (!noticed.has(notice)) {
    noticed.add(notice);
    console.error(`\n*** ${notice} ***\n`);
  }
  return { ignore: true };
}
