/**
 * Plugins shipped as npm packages: a dependency of `$INSTALL_DIR/package.json` or
 * `$DATA_DIR/package.json` whose own `package.json` has `"honeyframe": { "plugin": "<path to
 * plugin.yaml>" }`, resolved from the `node_modules` beside it.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import semver from "semver";
import { MANIFEST_FILE, pathProblem, type Problem, problem } from "../manifest/mod.ts";

/** The npm package a plugin came from. */
export interface PluginPackage {
  /** The package's name. */
  readonly name: string;
  /** The package's version. */
  readonly version: string;
  /** The package's folder. */
  readonly dir: string;
}

/** A package that declares a plugin: where its manifest is, or why it cannot be read. */
export type PackageEntry =
  | { readonly package: PluginPackage; readonly pluginDir: string }
  | { readonly package: PluginPackage; readonly problem: Problem };

/**
 * The packages of a root that declare a plugin, by package name.
 *
 * @param root The root folder (`$INSTALL_DIR` or `$DATA_DIR`).
 * @returns One entry per plugin package; packages without a `honeyframe` field are not plugins.
 */
export function pluginPackages(root: string): PackageEntry[] {
  const dependencies = readJson(join(root, "package.json"))?.dependencies;
  if (typeof dependencies !== "object" || dependencies === null) return [];
  return Object.keys(dependencies).sort().flatMap((name): PackageEntry[] => {
    const dir = resolve(root, "node_modules", name);
    const json = readJson(join(dir, "package.json"));
    if (!json || json.honeyframe === undefined) return [];
    const pkg = { name, version: String(json.version ?? "0.0.0"), dir };
    const path = (json.honeyframe as { plugin?: unknown } | null)?.plugin;
    const at = { file: "package.json", path: "honeyframe.plugin" };
    const reason = typeof path !== "string"
      ? "must be the path of the plugin's plugin.yaml inside the package"
      : pathProblem(path)?.replace("the plugin folder", "the package");
    if (reason !== undefined) {
      return [{
        package: pkg,
        problem: problem(
          "package.invalid_manifest_path",
          `\`honeyframe.plugin\` ${typeof path === "string" ? `\`${path}\` ` : ""}${reason}`,
          at,
        ),
      }];
    }
    const manifest = resolve(dir, path as string);
    if (!existsSync(manifest)) {
      return [{
        package: pkg,
        problem: problem(
          "package.no_manifest",
          `\`honeyframe.plugin\` names \`${path}\`, which the package does not have`,
          at,
        ),
      }];
    }
    return [{ package: pkg, pluginDir: dirname(manifest) }];
  });
}

/**
 * What a package plugin must agree on with its package and the host: the same version in
 * `package.json` and `plugin.yaml`, and the host's major version of `hono`.
 *
 * @param pkg The package.
 * @param manifestVersion The version `plugin.yaml` declares.
 * @param root The root whose `node_modules` the package was found in.
 * @param hostHono The version of the host's `hono`.
 * @param packageFile The package's `package.json`, relative to the plugin folder.
 * @returns The problems.
 */
export function packageProblems(
  pkg: PluginPackage,
  manifestVersion: string,
  root: string,
  hostHono: string,
  packageFile: string,
): Problem[] {
  const problems: Problem[] = [];
  if (pkg.version !== manifestVersion) {
    problems.push(problem(
      "package.version_mismatch",
      `the package is ${pkg.name}@${pkg.version} but ${MANIFEST_FILE} says ${manifestVersion}`,
      { file: MANIFEST_FILE, path: "version" },
    ));
  }
  const json = readJson(join(pkg.dir, "package.json"));
  const declared = ["peerDependencies", "dependencies"].map((field) =>
    (json?.[field] as Record<string, unknown> | undefined)?.hono
  ).find((range) => typeof range === "string") as string | undefined;
  const bundled = [join(pkg.dir, "node_modules"), join(root, "node_modules")]
    .map((folder) => readJson(join(folder, "hono", "package.json"))?.version)
    .find((version) => typeof version === "string") as string | undefined;
  const major = semver.major(hostHono);
  const mismatch = declared !== undefined && semver.validRange(declared) !== null &&
      !semver.intersects(declared, `^${major}.0.0`)
    ? `it asks for hono ${declared}`
    : bundled !== undefined && semver.valid(bundled) && semver.major(bundled) !== major
    ? `it brings hono ${bundled}`
    : undefined;
  if (mismatch) {
    problems.push(problem(
      "package.hono_mismatch",
      `${mismatch}; the host serves every plugin with its own hono ${hostHono} (major ${major})`,
      { file: packageFile },
    ));
  }
  return problems;
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(readFileSync(file, "utf8"));
    return typeof value === "object" && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}
