/**
 * A folder plugin's own npm dependencies: a plugin folder may carry a `package.json`; the build
 * installs its `dependencies` into the plugin's `node_modules` with npm (lifecycle scripts never
 * run, no host variable in npm's environment, no lockfile written: one the plugin ships is followed
 * with `npm ci`), again only when `package.json` or the lockfile changed since (a stamp in
 * `node_modules` says what was installed). The plugin's modules are then bundled with those
 * dependencies, `hono` and `@honeyframe/edge` left to the host's single copies, as a package
 * plugin's are; and the module policy lets its code import them.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { type Problem, problem } from "../manifest/mod.ts";
import type { DiscoveredPlugin } from "./discover.ts";
import { NPM_VARIABLES, toolEnvironment } from "./tool_environment.ts";

/** The file in a plugin's `node_modules` that says what was installed there. */
const STAMP = ".honeyframe-installed";

/** How long one plugin's `npm install` may take. */
const INSTALL_TIMEOUT_MS = 300_000;

/**
 * The plugins, each folder plugin with a `package.json` that declares `dependencies` marked as
 * bundling them (`dependencyPackage`), its dependencies installed first when they changed; one
 * whose install failed loses its manifest (nothing of it is checked or mounted) and carries a
 * `plugin.dependencies_failed` problem at its `package.json`.
 *
 * @param plugins The discovered plugins.
 * @param env The build's environment (npm keeps its own settings of it, nothing else).
 * @returns The plugins.
 */
export function withOwnDependencies(
  plugins: readonly DiscoveredPlugin[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): DiscoveredPlugin[] {
  return plugins.map((plugin) => {
    if (!plugin.manifest || plugin.shadowed || plugin.package) return plugin;
    const file = join(plugin.dir, "package.json");
    if (!existsSync(file)) return plugin;
    const declared = declaredDependencies(file);
    if ("problem" in declared) return refused(plugin, declared.problem);
    if (declared.names.length === 0) return plugin;
    const failure = install(plugin.dir, env);
    return failure ? refused(plugin, failure) : { ...plugin, dependencyPackage: plugin.dir };
  });
}

function refused(plugin: DiscoveredPlugin, found: Problem): DiscoveredPlugin {
  const { manifest: _manifest, ...rest } = plugin;
  return { ...rest, errors: [...plugin.errors, found] };
}

/** The names of the dependencies `package.json` declares, or why it cannot be read. */
function declaredDependencies(file: string): { names: string[] } | { problem: Problem } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    return {
      problem: problem(
        "plugin.dependencies_failed",
        `package.json is not valid JSON: ${(error as Error).message}`,
        { file: "package.json" },
      ),
    };
  }
  const dependencies = (json as { dependencies?: unknown } | null)?.dependencies;
  if (dependencies === undefined) return { names: [] };
  if (typeof dependencies !== "object" || dependencies === null || Array.isArray(dependencies)) {
    return {
      problem: problem(
        "plugin.dependencies_failed",
        "`dependencies` is not a map of package names to versions",
        { file: "package.json", path: "dependencies" },
      ),
    };
  }
  return { names: Object.keys(dependencies) };
}

/** Installs the plugin's dependencies unless what is installed is what it declares. */
function install(
  dir: string,
  env: Readonly<Record<string, string | undefined>>,
): Problem | undefined {
  const lockfile = join(dir, "package-lock.json");
  const locked = existsSync(lockfile);
  const stamp = createHash("sha256")
    .update(readFileSync(join(dir, "package.json")))
    .update(locked ? readFileSync(lockfile) : "")
    .digest("hex");
  const stampFile = join(dir, "node_modules", STAMP);
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) return undefined;
  const args = locked ? ["ci"] : ["install", "--package-lock=false"];
  const result = spawnSync(
    "npm",
    [...args, "--ignore-scripts", "--no-audit", "--no-fund", "--omit=dev", "--omit=peer"],
    {
      cwd: dir,
      encoding: "utf8",
      env: toolEnvironment(env, NPM_VARIABLES),
      stdio: ["ignore", "pipe", "pipe"],
      timeout: INSTALL_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  if (result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim().split("\n")
      .filter((line) => line.trim() !== "").slice(-8).join("\n");
    return problem(
      "plugin.dependencies_failed",
      `\`npm ${args[0]}\` of its dependencies failed${
        result.error ? ` (${result.error.message})` : ""
      }:\n${output}`,
      { file: "package.json", path: "dependencies" },
    );
  }
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  writeFileSync(stampFile, stamp);
  return undefined;
}
