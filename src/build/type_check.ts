/**
 * `plugins verify --check`: the code of the mounted plugins (routers, frontend and client
 * entries, and what they import) type-checked by `deno check` with the host's `deno.json` — its
 * import map, its compiler options — as `npm test` would, each diagnostic a problem in the
 * plugin's own file at its line and column, with the source line under it.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { realpathSync } from "node:fs";
import { join, relative, sep } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { type Problem, problem } from "../manifest/mod.ts";
import { sourceFrame } from "./code_location.ts";
import { toolEnvironment } from "./tool_environment.ts";
import type { VerifiedPlugin } from "./verify.ts";

/** One `deno check` diagnostic: `TS2322 [ERROR]: message … at file:///…:line:col`. */
const DIAGNOSTIC = /(TS\d+) \[ERROR\]: ([^\n]*)[\s\S]*?\n\s+at (file:\/\/\S+?):(\d+):(\d+)/g;

/**
 * Type-checks the mounted plugins' code.
 *
 * @param plugins The verified plugins (only the mounted ones are checked).
 * @param hostDir The project folder whose `deno.json` resolves `hono` and `@honeyframe/edge`.
 * @returns Each plugin's type errors, by plugin name (plugins without any are absent).
 */
export function typeCheck(
  plugins: readonly VerifiedPlugin[],
  hostDir: string,
): Map<string, Problem[]> {
  const mounted = plugins.filter((plugin) => plugin.status === "mounted");
  const files = mounted.flatMap((plugin) => [
    ...plugin.routers.map((router) => router.file),
    ...(plugin.frontend ? [plugin.frontend.file] : []),
    ...(plugin.manifest?.client_entry ? [join(plugin.dir, plugin.manifest.client_entry)] : []),
  ]);
  const found = new Map<string, Problem[]>();
  if (files.length === 0) return found;
  const result = spawnSync(
    process.execPath,
    ["check", "--quiet", "--config", join(hostDir, "deno.json"), ...new Set(files)],
    { cwd: hostDir, encoding: "utf8", env: toolEnvironment(), maxBuffer: 64 * 1024 * 1024 },
  );
  const roots = mounted.map((plugin) => ({ plugin, dirs: [plugin.dir, realpathSync(plugin.dir)] }));
  for (const match of `${result.stdout}\n${result.stderr}`.matchAll(DIAGNOSTIC)) {
    const path = fileURLToPath(match[3]!);
    const owner = roots.find(({ dirs }) => dirs.some((dir) => path.startsWith(dir + sep)));
    // A diagnostic outside every plugin (the host's own code) is not a plugin's problem.
    if (!owner) continue;
    const dir = owner.dirs.find((candidate) => path.startsWith(candidate + sep))!;
    const line = Number(match[4]);
    const column = Number(match[5]);
    const frame = sourceFrame(path, line, column);
    const item = {
      ...problem("code.type_error", `${match[1]}: ${match[2]!.trim()}`, {
        file: relative(dir, path),
        line,
        column,
      }),
      ...(frame ? { frame } : {}),
    };
    found.set(owner.plugin.name, [...found.get(owner.plugin.name) ?? [], item]);
  }
  return found;
}

/**
 * The plugins with their type errors added (`verify --check`, `dev --check`). A plugin that does
 * not type-check keeps its status: the check reports, the build decides what is mounted.
 *
 * @param plugins The verified plugins.
 * @param hostDir The project folder.
 * @returns The same plugins, those with type errors carrying them.
 */
export function withTypeErrors(
  plugins: readonly VerifiedPlugin[],
  hostDir: string,
): VerifiedPlugin[] {
  const found = typeCheck(plugins, hostDir);
  return plugins.map((plugin) =>
    found.has(plugin.name)
      ? { ...plugin, errors: [...plugin.errors, ...found.get(plugin.name)!] }
      : plugin
  );
}
