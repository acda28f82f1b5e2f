/**
 * The modules of plugins with npm dependencies (a package plugin, a folder plugin with its own
 * `package.json`), bundled with those dependencies: each router module and frontend entry is
 * bundled (esbuild through `deno bundle`, bare imports resolved from the `node_modules` beside the
 * plugin, TypeScript and JSX compiled with the host's compiler options) into one file whose only
 * bare imports are `hono` and `@honeyframe/edge`. Those stay imports, resolved by the host's import
 * map to the host's single copies (one hono however many plugins bring one); everything else the
 * plugin imports is inside the file.
 *
 * @module
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { MANIFEST_FILE, problem } from "../manifest/mod.ts";
import type { DiscoveredPlugin } from "./discover.ts";
import { redactPaths } from "./redact_paths.ts";
import { denoBundle } from "./bundle.ts";
import { withModulePolicy } from "./plugin_policy.ts";

/** The imports a bundle keeps: the host provides them. */
const HOST_PACKAGES = ["hono", "hono/*", "@honeyframe/edge", "@honeyframe/edge/*"];

/** Plugins' modules bundled with their dependencies, in a temporary folder for checking. */
export interface StagedPackageModules extends Disposable {
  /** The plugins; a package plugin's `modules` names its bundles' folder (or it has an error). */
  readonly plugins: DiscoveredPlugin[];
  /** Each bundle's text by its path under the registry's package folder (`<plugin>/<module>`). */
  readonly files: ReadonlyMap<string, string>;
}

/**
 * Bundles the modules of the plugins with npm dependencies that have a valid manifest.
 *
 * @param plugins The discovered plugins.
 * @param hostDir The host project (the bundler runs there, with its configuration).
 * @returns The plugins with their bundles' folder or a `package.bundle_failed` error, and the
 * bundles; dispose it to delete the temporary folder.
 */
export function stagePackageModules(
  plugins: readonly DiscoveredPlugin[],
  hostDir: string,
): StagedPackageModules {
  // Made when the first package plugin needs it: most builds have none.
  let root: string | undefined;
  const files = new Map<string, string>();
  // Nothing is bundled before the module policy has read the package and its dependencies.
  const bundled = (plugin: DiscoveredPlugin) =>
    plugin.package !== undefined || plugin.dependencyPackage !== undefined;
  const checked = withModulePolicy(plugins, undefined, bundled);
  const staged = checked.map((plugin) => {
    const manifest = plugin.manifest;
    if (!bundled(plugin) || !manifest || plugin.shadowed) return plugin;
    const modules = [
      ...manifest.routers.map((router, index) => ({
        module: router.module,
        path: `routers[${index}]`,
      })),
      ...(manifest.frontend_entry === undefined
        ? []
        : [{ module: manifest.frontend_entry, path: "frontend_entry" }]),
    ];
    root ??= stagingFolder(hostDir);
    const folder = join(root, plugin.name);
    // A package's own files are bundled from a copy outside node_modules (where Deno would not
    // strip TypeScript's types); its dependencies are found through links.
    const sourceDir = plugin.package
      ? join(
        sourceCopy(plugin.package.dir, join(root, "sources", plugin.name)),
        relative(plugin.package.dir, plugin.dir),
      )
      : plugin.dir;
    for (const { module, path } of modules) {
      const out = join(folder, module);
      if (files.has(`${plugin.name}/${module}`)) continue;
      const failure = bundle(join(sourceDir, module), out, hostDir, join(root, CONFIG));
      if (failure !== undefined) {
        const { manifest: _manifest, ...rest } = plugin;
        const reason = redactPaths(failure, [sourceDir, plugin.dir, hostDir], hostDir);
        return {
          ...rest,
          errors: [
            ...plugin.errors,
            problem(
              "package.bundle_failed",
              `bundling \`${module}\` with the ${
                plugin.package ? "package's" : "plugin's"
              } dependencies failed: ${reason}`,
              { file: MANIFEST_FILE, path },
            ),
          ],
        };
      }
      files.set(`${plugin.name}/${module}`, readFileSync(out, "utf8"));
    }
    return { ...plugin, modules: folder };
  });
  return {
    plugins: staged,
    files,
    [Symbol.dispose]: () => {
      if (root !== undefined) rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * A copy of a package's files (its `node_modules` left out) in `folder/package`, with
 * `folder/package/node_modules` linked to the package's own and `folder/node_modules` to the one it
 * was installed in (where npm hoists its dependencies).
 *
 * @returns The copy's folder.
 */
function sourceCopy(packageDir: string, folder: string): string {
  const copy = join(folder, "package");
  cpSync(packageDir, copy, {
    recursive: true,
    filter: (source) => !/[\\/](node_modules|\.git)$/.test(source),
  });
  if (existsSync(join(packageDir, "node_modules"))) {
    symlinkSync(join(packageDir, "node_modules"), join(copy, "node_modules"));
  }
  const installedIn = packageDir.slice(0, packageDir.lastIndexOf(`${sep}node_modules${sep}`));
  symlinkSync(join(installedIn, "node_modules"), join(folder, "node_modules"));
  return copy;
}

/** The bundler's configuration in the staging folder. */
const CONFIG = "deno.json";

/**
 * A staging folder with the bundler's configuration: `node_modules` as npm laid it out beside each
 * plugin, and the host's compiler options (JSX for `hono/jsx`).
 */
function stagingFolder(hostDir: string): string {
  const root = mkdtempSync(join(tmpdir(), "honeyframe-packages-"));
  const host = JSON.parse(readFileSync(join(hostDir, "deno.json"), "utf8")) as {
    compilerOptions?: unknown;
  };
  writeFileSync(
    join(root, CONFIG),
    JSON.stringify({ nodeModulesDir: "manual", compilerOptions: host.compilerOptions ?? {} }),
  );
  return root;
}

/** Bundles one module; returns the bundler's message when it fails. */
function bundle(entry: string, out: string, hostDir: string, config: string): string | undefined {
  mkdirSync(dirname(out), { recursive: true });
  const externals = HOST_PACKAGES.flatMap((name) => ["--external", name]);
  const failure = denoBundle(
    ["--config", config, "--format", "esm", ...externals, "--output", out, entry],
    hostDir,
  );
  return failure?.trim().split("\n").filter((line) => !/^\s*(\d+:|Stack backtrace)/.test(line))
    .slice(0, 6).join("\n");
}
