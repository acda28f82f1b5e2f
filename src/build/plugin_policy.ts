/**
 * The module policy applied to discovered plugins, before any of their code is imported or
 * bundled: a plugin whose code breaks it loses its manifest (so nothing of it is imported,
 * bundled or mounted) and carries the policy's problems.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { BuildCache } from "./build_cache.ts";
import type { DiscoveredPlugin } from "./discover.ts";
import {
  checkModulePolicy,
  codeFilesIn,
  HOST_PACKAGES,
  type PolicyFindings,
  type PolicyScope,
} from "./module_policy.ts";

/**
 * Checks the code of every plugin with a valid manifest against the module policy.
 *
 * @param plugins The discovered plugins.
 * @param cache Earlier results, reused for folder plugins whose folder did not change.
 * @param which The plugins to check (all by default; package plugins are checked before their
 * modules are bundled, and the bundles are not checked again).
 * @returns The plugins with what their server code needs of its runtime; those that break the
 * policy without their manifest and with its problems.
 * @example
 * ```ts ignore
 * const checked = withModulePolicy(discover({ installDir: ".", dataDir: "./data" }));
 * ```
 */
export function withModulePolicy(
  plugins: readonly DiscoveredPlugin[],
  cache?: BuildCache,
  which: (plugin: DiscoveredPlugin) => boolean = () => true,
): DiscoveredPlugin[] {
  const checked = plugins.filter((plugin) => plugin.manifest && !plugin.shadowed && which(plugin));
  const found = new Map<DiscoveredPlugin, PolicyFindings>();
  const unknown = checked.filter((plugin) => {
    // Dependencies change outside the folder's digest: their plugins are read again every build.
    const bundled = plugin.package || plugin.dependencyPackage;
    const cached = bundled ? undefined : cache?.policy(plugin);
    if (cached) found.set(plugin, cached);
    return !cached;
  });
  checkModulePolicy(unknown.map(policyScope)).forEach((findings, index) => {
    const plugin = unknown[index]!;
    if (!plugin.package && !plugin.dependencyPackage) cache?.rememberPolicy(plugin, findings);
    found.set(plugin, findings);
  });
  return plugins.map((plugin) => {
    const findings = found.get(plugin);
    if (findings === undefined) return plugin;
    if (findings.problems.length === 0) {
      return findings.uses.length === 0 ? plugin : { ...plugin, runtimeUses: findings.uses };
    }
    const { manifest: _manifest, ...rest } = plugin;
    return { ...rest, errors: [...plugin.errors, ...findings.problems] };
  });
}

/** What of a plugin the policy checks, and where its code may reach. */
function policyScope(plugin: DiscoveredPlugin): PolicyScope {
  const manifest = plugin.manifest!;
  const entries = [
    ...manifest.routers.map((router) => router.module),
    ...(manifest.frontend_entry === undefined ? [] : [manifest.frontend_entry]),
  ].map((module) => join(plugin.dir, module));
  const clientEntries = manifest.client_entry === undefined
    ? []
    : [join(plugin.dir, manifest.client_entry)];
  const packageDir = plugin.package?.dir ?? plugin.dependencyPackage;
  if (packageDir === undefined) {
    return { dir: plugin.dir, entries, clientEntries, roots: [plugin.dir], packages: new Set() };
  }
  const dependencies = packageDependencies(packageDir);
  return {
    dir: plugin.dir,
    entries,
    clientEntries,
    roots: [packageDir, ...dependencies.values()],
    packages: new Set(dependencies.keys()),
    alsoCheck: [...dependencies.values()].flatMap(codeFilesIn),
  };
}

/**
 * The packages a package depends on, directly or not, by name, each with its folder as Node finds
 * it (the nearest `node_modules` upwards). Packages that are not installed are left out (bundling
 * reports them), and so are the host's (bundles import the host's copies).
 */
function packageDependencies(packageDir: string): Map<string, string> {
  const found = new Map<string, string>();
  const pending = [packageDir];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    for (const name of declaredPackages(dir)) {
      if (found.has(name) || HOST_PACKAGES.has(name)) continue;
      const location = nodeResolvePackage(dir, name);
      if (location === undefined) continue;
      found.set(name, location);
      pending.push(location);
    }
  }
  return found;
}

function declaredPackages(dir: string): string[] {
  try {
    const json = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    return ["dependencies", "optionalDependencies", "peerDependencies"].flatMap((field) =>
      typeof json[field] === "object" && json[field] !== null ? Object.keys(json[field]) : []
    );
  } catch {
    return [];
  }
}

function nodeResolvePackage(from: string, name: string): string | undefined {
  for (let dir = resolve(from);; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}
