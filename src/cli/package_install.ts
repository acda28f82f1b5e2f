/**
 * `install <npm spec | tarball>` and `uninstall` of a package plugin: npm changes
 * `$DATA_DIR/package.json`, its lockfile and `node_modules`, then every plugin is verified. What
 * was there is kept aside first, so a refused or failed install puts `$DATA_DIR` back exactly as
 * it was.
 *
 * @module
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { type VerifiedPlugin, writeRegistry } from "../build/mod.ts";
import { NPM_VARIABLES, toolEnvironment } from "../build/tool_environment.ts";
import { runBuild } from "./build_verbs.ts";
import { purgeIfAsked } from "./config_verbs.ts";
import type { CliArgs } from "./args.ts";
import { displayPath, formatProblems } from "./format.ts";
import { type CliIo, report } from "./io.ts";
import { makeStaging } from "./staging.ts";

/** The files of `$DATA_DIR` npm changes. */
const NPM_FILES = ["package.json", "package-lock.json"];

/**
 * Installs an npm package plugin into `$DATA_DIR` and rebuilds the registry.
 *
 * @param args The parsed command line (`positionals[0]`: an npm spec or a tarball path).
 * @param io Where to write.
 * @returns 0 when installed, 1 when refused or npm failed.
 */
export async function installPackage(args: CliArgs, io: CliIo): Promise<number> {
  const given = args.positionals[0]!;
  const spec = existsSync(given) ? resolve(given) : given;
  const dataDir = resolve(args.dataDir);
  mkdirSync(dataDir, { recursive: true });
  if (!existsSync(join(dataDir, "package.json"))) {
    // npm needs a project to add the dependency to; a refusal removes it again.
    return await withRestore(args, () => {
      writeFileSync(join(dataDir, "package.json"), '{\n  "private": true\n}\n');
      return install(args, io, spec);
    }, { created: ["package.json"] });
  }
  return await withRestore(args, () => install(args, io, spec));
}

/**
 * Uninstalls the package of a package plugin from `$DATA_DIR` and rebuilds the registry.
 *
 * @param args The parsed command line.
 * @param io Where to write.
 * @param plugin The installed package plugin.
 * @returns 0 when removed, 1 when npm failed (nothing changed).
 */
export async function uninstallPackage(
  args: CliArgs,
  io: CliIo,
  plugin: VerifiedPlugin,
): Promise<number> {
  const pkg = plugin.package!;
  return await withRestore(args, async () => {
    const npm = await runNpm(["uninstall", pkg.name], args);
    if (npm.code !== 0) {
      npmFailed(args, io, `npm uninstall ${pkg.name}`, npm.output);
      return "restore";
    }
    writeRegistry(args.outFile, await runBuild(args, undefined));
    const purge = await purgeIfAsked(args, plugin.name);
    return report(io, args.json, {
      ok: purge.ok,
      message: [
        `uninstalled ${plugin.name} (${pkg.name}@${pkg.version}); rebuilt ${
          displayPath(args.outFile)
        }; restart the server to stop serving it`,
        purge.message,
      ].filter(Boolean).join("\n"),
      data: {
        action: "uninstalled",
        plugin: plugin.name,
        package: pkg.name,
        ...(args.purge ? { purged: purge.records } : {}),
      },
    });
  });
}

async function install(args: CliArgs, io: CliIo, spec: string): Promise<number | "restore"> {
  const dataDir = resolve(args.dataDir);
  const before = dependencies(dataDir);
  const npm = await runNpm(["install", spec], args);
  if (npm.code !== 0) {
    npmFailed(args, io, `npm install ${spec}`, npm.output);
    return "restore";
  }
  const after = dependencies(dataDir);
  const added = Object.keys(after).filter((name) => before[name] !== after[name]);
  // npm changed nothing: the package was there already, at this version.
  const again = added.length === 0 ? packageOfSpec(spec, after, dataDir) : undefined;
  if (again !== undefined && !args.force) {
    report(io, args.json, {
      ok: false,
      message: `${again}@${
        installedVersion(dataDir, again) ?? after[again]
      } is already installed; use --force to re-install it. Nothing was changed`,
      data: { package: again },
    });
    return "restore";
  }
  const result = await runBuild(args, undefined);
  const installed = result.plugins.find((plugin) =>
    plugin.source === "data" && plugin.package !== undefined &&
    [...added, again].includes(plugin.package.name)
  );
  const broken = result.plugins.filter((plugin) =>
    plugin.status === "error" && plugin.source === "data" && plugin.package &&
    added.includes(plugin.package.name)
  );
  if (!installed || installed.status !== "mounted") {
    const what = installed?.name ?? (added.join(", ") || spec);
    report(io, args.json, {
      ok: false,
      message: installed?.shadowed
        ? `${installed.name} is the name of a bundled plugin; customers extend, they don't shadow. Nothing was changed`
        : installed || broken.length > 0
        ? `${what} has errors and was not installed; nothing was changed`
        : `${spec} is not a Honeyframe plugin package (no \`honeyframe.plugin\` in its package.json); nothing was changed`,
      lines: formatProblems(broken).filter((line) => line.startsWith("error")),
      data: {
        plugin: installed?.name ?? null,
        problems: broken.flatMap((plugin) => plugin.errors),
      },
    });
    return "restore";
  }
  writeRegistry(args.outFile, result);
  const pkg = installed.package!;
  return report(io, args.json, {
    ok: true,
    message:
      `${again ? "re-installed" : "installed"} ${installed.name} ${installed.manifest?.version} ` +
      `from ${pkg.name}@${pkg.version}` +
      ` into ${displayPath(dataDir)}\nrebuilt ${
        displayPath(args.outFile)
      }; restart the server to serve it`,
    data: {
      action: again ? "reinstalled" : "installed",
      plugin: installed.name,
      version: installed.manifest?.version,
      package: { name: pkg.name, version: pkg.version },
      registry: resolve(args.outFile),
    },
  });
}

/**
 * Keeps `package.json`, the lockfile and `node_modules` of `$DATA_DIR` aside while `change` runs,
 * and puts them back when it answers `"restore"` or throws.
 */
async function withRestore(
  args: CliArgs,
  change: () => Promise<number | "restore">,
  options: { created?: readonly string[] } = {},
): Promise<number> {
  const dataDir = resolve(args.dataDir);
  const kept = makeStaging(join(dataDir, "plugins"), "install", "package");
  const present = [...NPM_FILES, "node_modules"].filter((name) =>
    !options.created?.includes(name) && existsSync(join(dataDir, name))
  );
  for (const name of present) {
    cpSync(join(dataDir, name), join(kept, name), { recursive: true, verbatimSymlinks: true });
  }
  let restore = true;
  try {
    const outcome = await change();
    restore = outcome === "restore";
    return outcome === "restore" ? 1 : outcome;
  } finally {
    if (restore) {
      for (const name of [...NPM_FILES, "node_modules"]) {
        rmSync(join(dataDir, name), { recursive: true, force: true });
      }
      for (const name of present) renameSync(join(kept, name), join(dataDir, name));
    }
    rmSync(kept, { recursive: true, force: true });
  }
}

/**
 * The package a spec names among `$DATA_DIR`'s dependencies: the one whose `file:` value is the
 * tarball, or the name of an npm spec (`@scope/name@^1.2.0` → `@scope/name`).
 */
function packageOfSpec(
  spec: string,
  installed: Readonly<Record<string, string>>,
  dataDir: string,
): string | undefined {
  if (existsSync(spec)) {
    return Object.keys(installed).find((name) =>
      installed[name]!.startsWith("file:") && resolve(dataDir, installed[name]!.slice(5)) === spec
    );
  }
  // The name ends at the version's `@` (a scope's `@` comes first).
  const at = spec.indexOf("@", 1);
  const name = at === -1 ? spec : spec.slice(0, at);
  return Object.hasOwn(installed, name) ? name : undefined;
}

/** The version of an installed package, from its `package.json` in `node_modules`. */
function installedVersion(dataDir: string, name: string): string | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, "node_modules", name, "package.json"), "utf8"))
      .version;
  } catch {
    return undefined;
  }
}

function dependencies(dataDir: string): Record<string, string> {
  try {
    return JSON.parse(readFileSync(join(dataDir, "package.json"), "utf8")).dependencies ?? {};
  } catch {
    return {};
  }
}

/**
 * Runs npm in `$DATA_DIR` without lifecycle scripts (a package's `preinstall` never runs, even when
 * the install is then refused) and without the host's variables.
 */
async function runNpm(
  npmArgs: readonly string[],
  args: CliArgs,
): Promise<{ code: number; output: string }> {
  try {
    const output = await new Deno.Command("npm", {
      args: [...npmArgs, "--ignore-scripts", "--no-audit", "--no-fund"],
      env: toolEnvironment(Deno.env.toObject(), NPM_VARIABLES),
      clearEnv: true,
      cwd: resolve(args.dataDir),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    return {
      code: output.code,
      output: decoder.decode(output.stdout) + decoder.decode(output.stderr),
    };
  } catch (error) {
    return { code: 127, output: `npm could not be started: ${(error as Error).message}` };
  }
}

function npmFailed(args: CliArgs, io: CliIo, command: string, output: string): number {
  const lines = output.trim().split("\n").filter((line) => line.trim() !== "").slice(-12);
  return report(io, args.json, {
    ok: false,
    message: `${command} failed; nothing was changed`,
    lines,
    data: { npm: lines },
  });
}
