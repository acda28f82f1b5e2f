/**
 * The environment the build gives the tools it runs on plugin code (`deno bundle`, `deno lint`):
 * what they need to find themselves and their caches, and nothing else, so no host secret
 * (`HONEYFRAME_ADMIN_TOKEN`, the database URL, …) is ever in a process that reads plugin code.
 *
 * @module
 */
import process from "node:process";

/** The variables a tool keeps: where programs, the Deno cache and temporary files are. */
const TOOL_VARIABLES = ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR", "LANG"] as const;

/**
 * The environment for a tool that reads plugin code.
 *
 * @param env The build's environment (`process.env` by default).
 * @param alsoKeep Further variables the tool needs, by name (e.g. npm's `npm_config_*`).
 * @returns {@link TOOL_VARIABLES} that are set, those `alsoKeep` matches, and `NO_COLOR=1`.
 * @example
 * ```ts
 * toolEnvironment({ PATH: "/usr/bin", HONEYFRAME_ADMIN_TOKEN: "x" }); // { PATH: "/usr/bin", NO_COLOR: "1" }
 * ```
 */
export function toolEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
  alsoKeep?: RegExp,
): Record<string, string> {
  const kept: Record<string, string> = { NO_COLOR: "1" };
  for (const [name, value] of Object.entries(env)) {
    const wanted = (TOOL_VARIABLES as readonly string[]).includes(name) || alsoKeep?.test(name);
    if (wanted && value !== undefined) kept[name] = value;
  }
  return kept;
}

/**
 * npm's own settings (registry, proxy, cache): what npm may keep of an environment besides
 * {@link TOOL_VARIABLES}, so that no host secret reaches a package's code.
 */
export const NPM_VARIABLES: RegExp = /^(npm_config_|NPM_CONFIG_)|^(https?_proxy|no_proxy)$/i;
