/**
 * `install <folder>` and `uninstall <slug>`: customer plugins in and out of
 * `$DATA_DIR/plugins` (a package, a tarball or an npm spec goes through `package_install.ts`). Every change is staged in a hidden folder beside its target and swapped in
 * with renames; a plugin with errors (alone, or together with the others in a full build) is
 * refused and nothing of it is left behind. The registry is rebuilt after each change.
 *
 * @module
 */
import { cpSync, existsSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  discover,
  type DiscoveredPlugin,
  type VerifiedPlugin,
  verify,
  writeRegistry,
} from "../build/mod.ts";
import { MANIFEST_FILE, parseManifest, PLUGIN_NAME } from "../manifest/mod.ts";
import { compareSemver } from "../manifest/semver.ts";
import type { CliArgs } from "./args.ts";
import { displayPath, formatProblem, formatProblems } from "./format.ts";
import { type CliIo, report, type VerbOutcome } from "./io.ts";
import { makeStaging } from "./staging.ts";
import { runBuild } from "./build_verbs.ts";
import { installPackage, uninstallPackage } from "./package_install.ts";
import { purgeIfAsked } from "./config_verbs.ts";

/**
 * Runs `install <folder>`.
 *
 * @param args The parsed command line.
 * @param io Where to write.
 * @returns 0 when installed, 1 when refused.
 */
export async function installVerb(args: CliArgs, io: CliIo): Promise<number> {
  if (!isFolder(args.positionals[0]!)) return await installPackage(args, io);
  const source = resolve(args.positionals[0]!);
  const name = manifestName(source);
  if (typeof name !== "string") return report(io, args.json, name);
  const dataRoot = resolve(args.dataDir, "plugins");
  const target = join(dataRoot, name);
  const refusal = checkName(args, name, source, target);
  if (refusal) {
    return report(io, args.json, { ok: false, message: refusal, data: { plugin: name } });
  }

  const staging = makeStaging(dataRoot, "install", name);
  const previous = join(staging, "previous");
  try {
    const staged = join(staging, "plugins", name);
    cpSync(source, staged, { recursive: true, verbatimSymlinks: true });
    // The complete future set (every plugin, the staged copy in place of the installed one) is
    // verified before anything is swapped in: a refused plugin is never in the data folder, so no
    // kill at any moment can leave one installed.
    const future = await verify(futureSet(args, staging, name), args);
    const candidate = future.find((plugin) => plugin.name === name && plugin.source === "data");
    if (!candidate || candidate.status !== "mounted") {
      return refuse(io, args, name, candidate ? [{ ...candidate, dir: source }] : []);
    }

    const replacing = existsSync(target);
    if (replacing) renameSync(target, previous);
    renameSync(staged, target);
    const result = await runBuild(args, undefined);
    const installed = result.plugins.find((plugin) =>
      plugin.name === name && plugin.source === "data"
    );
    if (!installed || installed.status !== "mounted") {
      rmSync(target, { recursive: true, force: true });
      if (replacing) renameSync(previous, target);
      writeRegistry(args.outFile, await runBuild(args, undefined));
      return refuse(io, args, name, installed ? [{ ...installed, dir: source }] : []);
    }
    writeRegistry(args.outFile, result);
    const action = replacing ? "upgraded" : "installed";
    return report(io, args.json, {
      ok: true,
      message: `${action} ${name} ${installed.manifest?.version} in ${displayPath(target)}\n` +
        `rebuilt ${displayPath(args.outFile)}; restart the server to serve it`,
      data: {
        action,
        plugin: name,
        version: installed.manifest?.version,
        path: target,
        registry: resolve(args.outFile),
      },
    });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Runs `uninstall <slug>`: removes a data plugin (bundled ones are refused); with `--purge`, its
 * settings and storage go from the state store too (also for a plugin already removed).
 *
 * @param args The parsed command line.
 * @param io Where to write.
 * @returns 0 when removed, 1 when refused.
 */
export async function uninstallVerb(args: CliArgs, io: CliIo): Promise<number> {
  const name = args.positionals[0]!;
  const packaged = (await runBuild(args, undefined)).plugins.find((plugin) =>
    plugin.source === "data" && plugin.package !== undefined &&
    (plugin.name === name || plugin.package.name === name)
  );
  if (packaged) return await uninstallPackage(args, io, packaged);
  const target = resolve(args.dataDir, "plugins", name);
  const installed = PLUGIN_NAME.test(name) && existsSync(target);
  const bundled = existsSync(resolve(args.installDir, "plugins", name));
  if (!installed && (bundled || !args.purge || !PLUGIN_NAME.test(name))) {
    return report(io, args.json, {
      ok: false,
      message: bundled
        ? `${name} is a bundled plugin; bundled plugins ship with the host and cannot be uninstalled`
        : `no customer plugin ${name} in ${displayPath(resolve(args.dataDir, "plugins"))}`,
      data: { plugin: name },
    });
  }
  if (installed) {
    const trash = makeStaging(resolve(args.dataDir, "plugins"), "uninstall", name);
    try {
      renameSync(target, join(trash, name));
      writeRegistry(args.outFile, await runBuild(args, undefined));
    } finally {
      rmSync(trash, { recursive: true, force: true });
    }
  }
  const purge = await purgeIfAsked(args, name);
  if (!purge.ok) return report(io, args.json, { ...purge, data: { plugin: name } });
  return report(io, args.json, {
    ok: true,
    message: [
      installed
        ? `uninstalled ${name}; rebuilt ${
          displayPath(args.outFile)
        }; restart the server to stop serving it`
        : `${name} was not installed`,
      purge.message,
    ].filter(Boolean).join("\n"),
    data: {
      action: installed ? "uninstalled" : "purged",
      plugin: name,
      registry: resolve(args.outFile),
      ...(args.purge ? { purged: purge.records } : {}),
    },
  });
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The manifest's name, or why the folder is not a plugin that can be installed. */
function manifestName(folder: string): string | VerbOutcome {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(join(folder, MANIFEST_FILE));
  } catch {
    return {
      ok: false,
      message: `${displayPath(folder)} has no ${MANIFEST_FILE}; it is not a plugin folder`,
      data: { path: folder, problems: [] },
    };
  }
  const { manifest, errors } = parseManifest(bytes);
  if (manifest) return manifest.name;
  const file = join(folder, MANIFEST_FILE);
  return {
    ok: false,
    message: `${displayPath(file)} has errors; nothing was installed`,
    lines: errors.map((error) => formatProblem({ dir: folder }, error, "error")),
    data: { path: folder, problems: errors.map((error) => ({ ...error, file })) },
  };
}

/** Why `name` cannot be installed from `source`, if it cannot. */
function checkName(
  args: CliArgs,
  name: string,
  source: string,
  target: string,
): string | undefined {
  if (existsSync(resolve(args.installDir, "plugins", name))) {
    return `the name ${name} is taken by a bundled plugin; customers extend, they don't shadow`;
  }
  if (resolve(source) === target) return `${displayPath(source)} is already the installed copy`;
  if (!existsSync(target)) return undefined;
  const installed = manifestName(target);
  const installedVersion = typeof installed === "string" ? versionOf(target) : undefined;
  if (!args.force) {
    return `${name} ${
      installedVersion ?? ""
    } is already installed; use --force to upgrade it to a newer version`
      .replace("  ", " ");
  }
  const newVersion = versionOf(source);
  if (installedVersion && newVersion && compareSemver(newVersion, installedVersion) <= 0) {
    return `--force only upgrades: ${name} ${newVersion} is not newer than the installed ${installedVersion}`;
  }
  return undefined;
}

function versionOf(folder: string): string | undefined {
  try {
    return parseManifest(readFileSync(join(folder, MANIFEST_FILE))).manifest?.version;
  } catch {
    return undefined;
  }
}

/** The plugins as they will be once `name` is installed from the staging folder. */
function futureSet(args: CliArgs, staging: string, name: string): DiscoveredPlugin[] {
  const current = discover({ installDir: args.installDir, dataDir: args.dataDir })
    .filter((plugin) => !(plugin.name === name && plugin.source === "data"));
  const staged = discover({ installDir: join(staging, "none"), dataDir: staging });
  return [...current, ...staged].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.source === "install" ? -1 : 1
  );
}

/** Reports why `name` was refused; its problems name the user's folder (`dir`), not the staging. */
function refuse(
  io: CliIo,
  args: CliArgs,
  name: string,
  plugins: readonly VerifiedPlugin[],
): number {
  return report(io, args.json, {
    ok: false,
    message: `${name} has errors and was not installed; nothing was changed`,
    lines: formatProblems(plugins).filter((line) => line.startsWith("error")),
    data: {
      plugin: name,
      problems: plugins.flatMap((plugin) =>
        plugin.errors.map((error) => ({ ...error, file: join(plugin.dir, error.file ?? "") }))
      ),
    },
  });
}
