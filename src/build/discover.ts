/**
 * Discovery: every direct sub-folder of `<install-dir>/plugins` and `<data-dir>/plugins` is one
 * plugin. Manifests are read, parsed and validated; every problem becomes data on its plugin, and
 * discovery never throws.
 *
 * @module
 */
import type { RuntimeUse } from "./runtime_targets.ts";
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { linksOutside } from "./plugin_links.ts";
import { basename, join, relative, resolve } from "node:path";
import {
  type Manifest,
  MANIFEST_FILE,
  parseManifest,
  type Problem,
  problem,
} from "../manifest/mod.ts";
import type { PluginSource } from "../runtime/registry.ts";
import type { BuildCache } from "./build_cache.ts";
import { nameRefusal } from "../runtime/reserved_names.ts";
import {
  type PackageEntry,
  packageProblems,
  type PluginPackage,
  pluginPackages,
} from "./package_plugins.ts";

/** Plugins of the same name sort install first: the install one wins. */
const SOURCE_ORDER: Record<PluginSource, number> = { install: 0, data: 1 };

/** Where to look for plugins. */
export interface PluginRoots {
  /** The install directory; its `plugins/` folder holds bundled plugins. */
  readonly installDir: string;
  /** The data directory; its `plugins/` folder holds customer plugins. */
  readonly dataDir: string;
}

/** A plugin folder as discovery found it. */
export interface DiscoveredPlugin {
  /** The folder name; the plugin's name when its manifest is valid. */
  readonly name: string;
  /** The absolute path of the plugin folder. */
  readonly dir: string;
  /** Which root it is in. */
  readonly source: PluginSource;
  /** The raw manifest bytes, when the file could be read (part of the fingerprint). */
  readonly manifestBytes?: Uint8Array;
  /** The valid manifest; absent when the manifest has errors. */
  readonly manifest?: Manifest;
  /** True when an install plugin of the same name wins over this data plugin. */
  readonly shadowed: boolean;
  /** The npm package it came from, for a package plugin. */
  readonly package?: PluginPackage;
  /**
   * Where its router modules and frontend entry are checked from when not its folder: a package
   * plugin's bundles (see `stagePackageModules`).
   */
  readonly modules?: string;
  /** Problems that keep the plugin from being mounted. */
  readonly errors: Problem[];
  /** Problems that do not. */
  readonly warnings: Problem[];
  /**
   * The folder of its own `package.json` and `node_modules`, when it is a folder plugin that
   * declares npm dependencies (installed by the build; its modules are bundled with them).
   */
  readonly dependencyPackage?: string;
  /** What its server code needs of its runtime, once the module policy has read it. */
  readonly runtimeUses?: readonly RuntimeUse[];
}

/**
 * Lists the plugin roots' sub-folders and reads their manifests. Missing roots are not an error.
 * The result is sorted by name, install before data.
 *
 * @param roots The install and data directories.
 * @param cache Earlier results to reuse for folders whose contents did not change.
 * @returns Every plugin folder found, with its problems.
 * @example
 * ```ts
 * const plugins = discover({ installDir: ".", dataDir: "./data" });
 * ```
 */
export function discover(roots: PluginRoots, cache?: BuildCache): DiscoveredPlugin[] {
  const installRoot = resolve(roots.installDir, "plugins");
  const dataRoot = resolve(roots.dataDir, "plugins");
  const read = (source: PluginSource) => (dir: string) =>
    cache ? cache.discovered(dir, source, () => readPlugin(dir, source)) : readPlugin(dir, source);
  const hostHono = hostHonoVersion();
  const packaged = (root: string, source: PluginSource) =>
    pluginPackages(root).map((entry) => readPackagePlugin(entry, source, root, hostHono));
  const both = !sameFolder(installRoot, dataRoot);
  const found = [
    ...pluginFolders(installRoot).map(read("install")),
    ...packaged(resolve(roots.installDir), "install"),
    ...(both ? pluginFolders(dataRoot).map(read("data")) : []),
    ...(both ? packaged(resolve(roots.dataDir), "data") : []),
  ];
  found.sort((a, b) =>
    compare(a.name, b.name) || SOURCE_ORDER[a.source] - SOURCE_ORDER[b.source] ||
    compare(a.dir, b.dir)
  );
  return markShadowed(markDuplicates(found));
}

function pluginFolders(root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  return names
    .filter((name) => !name.startsWith(".") && isDirectory(join(root, name)))
    .map((name) => join(root, name));
}

function readPlugin(
  dir: string,
  source: PluginSource,
  folderNamed = true,
): DiscoveredPlugin {
  const name = basename(dir);
  const base = { name, dir, source, shadowed: false };
  let manifestBytes: Uint8Array;
  try {
    if (lstatSync(join(dir, MANIFEST_FILE)).isSymbolicLink()) {
      const record = problem(
        "manifest.symlink",
        `${MANIFEST_FILE} is a symbolic link; the manifest must be a file in the plugin folder ` +
          "(it was not read)",
        { file: MANIFEST_FILE },
      );
      return { ...base, errors: [record], warnings: [] };
    }
    manifestBytes = readFileSync(join(dir, MANIFEST_FILE));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    const record = missing
      ? problem("plugin.no_manifest", `the folder has no ${MANIFEST_FILE}`, { file: MANIFEST_FILE })
      : problem("manifest.unreadable", `cannot read ${MANIFEST_FILE}: ${errorCode(error)}`, {
        file: MANIFEST_FILE,
      });
    return { ...base, errors: [record], warnings: [] };
  }
  const { manifest, errors, warnings } = parseManifest(manifestBytes, MANIFEST_FILE);
  const refusal = manifest && nameRefusal(manifest.name, source === "data");
  if (refusal) {
    errors.push(problem("plugin.reserved_name", refusal, { file: MANIFEST_FILE, path: "name" }));
  }
  if (folderNamed && manifest && manifest.name !== name) {
    errors.push(problem(
      "manifest.name_mismatch",
      `\`${manifest.name}\` must equal the folder name \`${name}\``,
      { file: MANIFEST_FILE, path: "name" },
    ));
  }
  for (const link of linksOutside(dir)) {
    errors.push(problem(
      "plugin.link_outside",
      `\`${link}\` is a symbolic link that leads outside the plugin folder; it is not followed, ` +
        "and the plugin's code is not imported",
      { file: link },
    ));
  }
  return {
    ...base,
    manifestBytes,
    ...(manifest && errors.length === 0 ? { manifest } : {}),
    errors,
    warnings,
  };
}

/** Same name in both roots: the install plugin wins, the data one is kept as shadowed. */
/** A package plugin: its manifest read like a folder's (its name need not be the folder's). */
function readPackagePlugin(
  entry: PackageEntry,
  source: PluginSource,
  root: string,
  hostHono: string,
): DiscoveredPlugin {
  if ("problem" in entry) {
    return {
      name: entry.package.name,
      dir: entry.package.dir,
      source,
      shadowed: false,
      package: entry.package,
      errors: [entry.problem],
      warnings: [],
    };
  }
  const read = readPlugin(entry.pluginDir, source, false);
  const packageFile = relative(entry.pluginDir, join(entry.package.dir, "package.json"));
  const found = read.manifest
    ? packageProblems(entry.package, read.manifest.version, root, hostHono, packageFile)
    : [];
  const { manifest, ...rest } = read;
  return {
    ...rest,
    name: manifest?.name ?? entry.package.name,
    package: entry.package,
    errors: [...read.errors, ...found],
    ...(manifest && found.length === 0 ? { manifest } : {}),
  };
}

/** Plugins of one name in one root (a folder and a package, or two packages): errors on each. */
function markDuplicates(plugins: DiscoveredPlugin[]): DiscoveredPlugin[] {
  return plugins.map((plugin) => {
    const twins = plugins.filter((other) =>
      other !== plugin && other.name === plugin.name && other.source === plugin.source
    );
    if (twins.length === 0) return plugin;
    const { manifest: _manifest, ...rest } = plugin;
    const where = (other: DiscoveredPlugin) =>
      other.package ? `the package ${other.package.name}` : "a plugin folder";
    return {
      ...rest,
      errors: [
        ...plugin.errors,
        problem(
          "plugin.duplicate",
          `the plugin \`${plugin.name}\` is also declared by ${twins.map(where).join(" and ")} ` +
            "in the same root",
          { file: MANIFEST_FILE, path: "name" },
        ),
      ],
    };
  });
}

/** The version of the host's own `hono`, which every plugin is served with. */
function hostHonoVersion(): string {
  const file = new URL("../../node_modules/hono/package.json", import.meta.url);
  return JSON.parse(readFileSync(file, "utf8")).version;
}

function markShadowed(plugins: DiscoveredPlugin[]): DiscoveredPlugin[] {
  return plugins.map((plugin, index) => {
    const installTwin = plugins[index - 1];
    const dataTwin = plugins[index + 1];
    if (plugin.source === "data" && installTwin?.name === plugin.name) {
      return {
        ...plugin,
        shadowed: true,
        warnings: [
          ...plugin.warnings,
          shadowWarning("is shadowed by the bundled plugin of the same name and is not mounted"),
        ],
      };
    }
    if (
      plugin.source === "install" && dataTwin?.name === plugin.name && dataTwin.source === "data"
    ) {
      return {
        ...plugin,
        warnings: [
          ...plugin.warnings,
          shadowWarning("shadows a customer plugin of the same name in the data directory"),
        ],
      };
    }
    return plugin;
  });
}

function shadowWarning(message: string): Problem {
  return problem("plugin.shadowed", message);
}

function sameFolder(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return a === b;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? "unknown error";
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
