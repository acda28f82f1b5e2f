/**
 * A package plugin's modules, bundled with its own npm dependencies: Deno reads JavaScript only
 * under `node_modules` and no import map applies there, so each router module and frontend entry
 * of a package plugin is bundled (esbuild through `deno bundle`) into one file whose only bare
 * imports are `hono` and `@honeyframe/edge`. Those stay imports, resolved by the host's import map
 * to the host's single copies; everything else the package imports is inside the file.
 *
 * @module
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { MANIFEST_FILE, problem } from "../manifest/mod.ts";
import type { DiscoveredPlugin } from "./discover.ts";
import { redactPaths } from "./redact_paths.ts";
import { denoBundle } from "./bundle.ts";
import { withModulePolicy } from "./plugin_policy.ts";

/** The imports a bundle keeps: the host provides them. */
const HOST_PACKAGES = ["hono", "hono/*", "@honeyframe/edge"];

/** Package plugins' modules, bundled into a temporary folder for checking. */
export interface StagedPackageModules extends Disposable {
  /** The plugins; a package plugin's `modules` names its bundles' folder (or it has an error). */
  readonly plugins: DiscoveredPlugin[];
  /** Each bundle's text by its path under the registry's package folder (`<plugin>/<module>`). */
  readonly files: ReadonlyMap<string, string>;
}

/**
 * Bundles the modules of the package plugins that have a valid manifest.
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
  const checked = withModulePolicy(plugins, undefined, (plugin) => plugin.package !== undefined);
  const staged = checked.map((plugin) => {
    const manifest = plugin.manifest;
    if (!plugin.package || !manifest || plugin.shadowed) return plugin;
    const modules = [
      ...manifest.routers.map((router, index) => ({
        module: router.module,
        path: `routers[${index}]`,
      })),
      ...(manifest.frontend_entry === undefined
        ? []
        : [{ module: manifest.frontend_entry, path: "frontend_entry" }]),
    ];
    const folder = join(root ??= mkdtempSync(join(tmpdir(), "honeyframe-packages-")), plugin.name);
    for (const { module, path } of modules) {
      const out = join(folder, module);
      if (files.has(`${plugin.name}/${module}`)) continue;
      const failure = bundle(join(plugin.dir, module), out, hostDir);
      if (failure !== undefined) {
        const { manifest: _manifest, ...rest } = plugin;
        const reason = redactPaths(failure, [plugin.dir, hostDir], hostDir);
        return {
          ...rest,
          errors: [
            ...plugin.errors,
            problem(
              "package.bundle_failed",
              `bundling \`${module}\` with the package's dependencies failed: ${reason}`,
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

/** Bundles one module; returns the bundler's message when it fails. */
function bundle(entry: string, out: string, hostDir: string): string | undefined {
  mkdirSync(dirname(out), { recursive: true });
  const externals = HOST_PACKAGES.flatMap((name) => ["--external", name]);
  const failure = denoBundle(["--format", "esm", ...externals, "--output", out, entry], hostDir);
  return failure?.trim().split("\n").filter((line) => !/^\s*(\d+:|Stack backtrace)/.test(line))
    .slice(0, 6).join("\n");
}
