/**
 * The incremental build's cache: what discovery and verification found for each plugin folder,
 * keyed by the folder's location and the digest of its contents, and the compiled route matcher,
 * keyed by every plugin's status, routes and pages. A plugin whose inputs did not change is neither parsed nor
 * imported again; the registry built from cached results is byte-identical to a clean build.
 *
 * The file starts with a header naming its format, the host it was made by (the digest of the
 * host's sources, lockfile and Deno version) and the digest of its body. A file that is truncated,
 * edited, made by another host version or by anything else is ignored whole and rebuilt. Results
 * that depend on more than the folder's contents (imports that failed or timed out) are never
 * kept.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Problem } from "../manifest/mod.ts";
import type { PluginSource } from "../runtime/registry.ts";
import type { ClientAsset } from "./client_bundle.ts";
import type { StylesheetAsset } from "./stylesheet_bundle.ts";
import type { DiscoveredPlugin } from "./discover.ts";
import type { PolicyFindings } from "./module_policy.ts";
import { folderDigest, treeDigest } from "./folder_digest.ts";
import type { PluginChecks } from "./verify.ts";
import { writeFileAtomically } from "./write_atomically.ts";

/** The format of the cache file; a file of another format is ignored. */
export const BUILD_CACHE_FORMAT = "honeyframe-build-cache/7";

/** The cache file beside a registry file. */
export function cacheFileFor(registryFile: string): string {
  return registryFile.replace(/[^/\\]*$/, ".build-cache.json");
}

/** The bundles the build makes of a plugin's files, by kind. */
export interface CachedBundles {
  /** Its client module. */
  client: ClientAsset;
  /** Its stylesheet. */
  stylesheet: StylesheetAsset;
}

/** A kind of bundle the cache keeps. */
export type BundleKind = keyof CachedBundles;

/** One plugin folder's cached results. */
interface CachedPlugin {
  readonly discovered: Omit<DiscoveredPlugin, "manifestBytes"> & { manifestBytes?: string };
  checks?: PluginChecks;
  bundles?: Partial<CachedBundles>;
  policy?: PolicyFindings;
}

interface CacheBody {
  readonly plugins: Record<string, CachedPlugin>;
}

interface CacheHeader {
  readonly format: string;
  readonly host: string;
  readonly digest: string;
}

/** How a build used the cache. */
export interface CacheStats {
  /** Plugin folders whose results all came from the cache. */
  reused: number;
  /** Plugin folders read and parsed, or whose modules were imported, again. */
  checked: number;
}

/**
 * The build cache. Load it with {@link BuildCache.load}, pass it to the build, then
 * {@link BuildCache.save} it; it keeps only what the last build used.
 *
 * @example
 * ```ts
 * const cache = BuildCache.load(".gen/.build-cache.json");
 * // buildRegistry({ …, cache });
 * cache.save(".gen/.build-cache.json");
 * ```
 */
export class BuildCache {
  #previous: CacheBody;
  #plugins = new Map<string, CachedPlugin>();
  #digests = new Map<string, string | undefined>();
  #keys = new Map<string, string | undefined>();
  /** Counts of the current build. */
  stats: CacheStats = { reused: 0, checked: 0 };

  /**
   * @param host The host's digest ({@link hostDigest}).
   * @param body What an earlier build kept.
   * @param ignored Why a cache file was not used, when it was not.
   */
  private constructor(
    readonly host: string,
    body: CacheBody = { plugins: {} },
    readonly ignored?: string,
  ) {
    this.#previous = body;
  }

  /**
   * An empty cache (nothing reused; saving it starts one).
   *
   * @returns The cache.
   */
  static empty(): BuildCache {
    return new BuildCache(hostDigest());
  }

  /**
   * Reads a cache file. A missing file gives an empty cache; a corrupt or foreign one gives an
   * empty cache that says why in {@link BuildCache.ignored}.
   *
   * @param file The cache file.
   * @returns The cache.
   */
  static load(file: string): BuildCache {
    const host = hostDigest();
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      return new BuildCache(host);
    }
    const newline = text.indexOf("\n");
    const body = text.slice(newline + 1);
    let header: Partial<CacheHeader>;
    try {
      header = JSON.parse(text.slice(0, newline));
    } catch {
      return new BuildCache(host, undefined, "its header is not JSON");
    }
    if (header.format !== BUILD_CACHE_FORMAT) {
      return new BuildCache(host, undefined, `its format is not ${BUILD_CACHE_FORMAT}`);
    }
    if (header.host !== host) {
      return new BuildCache(host, undefined, "another version of the host made it");
    }
    if (newline < 0 || header.digest !== sha256(body)) {
      return new BuildCache(host, undefined, "its contents do not match its digest");
    }
    return new BuildCache(host, JSON.parse(body) as CacheBody);
  }

  /**
   * Discovery's result for a plugin folder: from the cache when the folder is unchanged.
   *
   * @param dir The plugin folder.
   * @param source Its root.
   * @param read Reads and parses it.
   * @returns The discovered plugin (not yet marked shadowed).
   */
  discovered(dir: string, source: PluginSource, read: () => DiscoveredPlugin): DiscoveredPlugin {
    const key = this.#keyOf(dir, source);
    const cached = key === undefined ? undefined : this.#entry(key);
    if (cached) {
      this.stats.reused++;
      const { manifestBytes, ...rest } = cached.discovered;
      return {
        ...rest,
        ...(manifestBytes === undefined
          ? {}
          : { manifestBytes: Buffer.from(manifestBytes, "base64") }),
      };
    }
    this.stats.checked++;
    const plugin = read();
    if (key !== undefined) {
      const { manifestBytes, ...rest } = plugin;
      this.#plugins.set(key, {
        discovered: {
          ...rest,
          ...(manifestBytes === undefined
            ? {}
            : { manifestBytes: Buffer.from(manifestBytes).toString("base64") }),
        },
      });
    }
    return plugin;
  }

  /**
   * Verification's result for a plugin folder: from the cache when the folder is unchanged and the
   * earlier result did not depend on more than its contents.
   *
   * @param plugin The discovered plugin.
   * @param check Imports and checks its modules.
   * @returns The checks' result.
   */
  async checks(
    plugin: DiscoveredPlugin,
    check: () => Promise<PluginChecks>,
  ): Promise<PluginChecks> {
    const key = this.#keyOf(plugin.dir, plugin.source);
    const entry = key === undefined ? undefined : this.#plugins.get(key);
    if (entry?.checks) return entry.checks;
    if (entry && key !== undefined && this.#previous.plugins[key] === entry) {
      this.stats.reused--;
      this.stats.checked++;
    }
    const checks = await check();
    if (entry && !checks.errors.some(dependsOnMoreThanFiles)) entry.checks = checks;
    return checks;
  }

  /**
   * What the module policy found in an earlier build of the same folder, if it ran.
   *
   * @param plugin The plugin.
   * @returns What it found.
   */
  policy(plugin: DiscoveredPlugin): PolicyFindings | undefined {
    const key = this.#keyOf(plugin.dir, plugin.source);
    return key === undefined ? undefined : this.#plugins.get(key)?.policy;
  }

  /**
   * Keeps what the module policy found for the next build of the same folder.
   *
   * @param plugin The plugin.
   * @param findings What it found.
   */
  rememberPolicy(plugin: DiscoveredPlugin, findings: PolicyFindings): void {
    const key = this.#keyOf(plugin.dir, plugin.source);
    const entry = key === undefined ? undefined : this.#plugins.get(key);
    if (entry) entry.policy = findings;
  }

  /**
   * A plugin's bundle of one kind (client module, stylesheet) from an earlier build of the same
   * folder, if any.
   *
   * @param kind Which bundle.
   * @param plugin The plugin.
   * @returns The bundle.
   */
  bundle<Kind extends BundleKind>(
    kind: Kind,
    plugin: DiscoveredPlugin,
  ): CachedBundles[Kind] | undefined {
    const key = this.#keyOf(plugin.dir, plugin.source);
    return key === undefined ? undefined : this.#plugins.get(key)?.bundles?.[kind];
  }

  /**
   * Keeps a plugin's bundle of one kind for the next build of the same folder.
   *
   * @param kind Which bundle.
   * @param plugin The plugin.
   * @param asset The bundle.
   */
  rememberBundle<Kind extends BundleKind>(
    kind: Kind,
    plugin: DiscoveredPlugin,
    asset: CachedBundles[Kind],
  ): void {
    const key = this.#keyOf(plugin.dir, plugin.source);
    const entry = key === undefined ? undefined : this.#plugins.get(key);
    if (entry) entry.bundles = { ...entry.bundles, [kind]: asset };
  }

  /**
   * Forgets what is known about folders' contents (the dev server calls it for changed folders).
   *
   * @param dirs The folders that changed.
   */
  forget(dirs: Iterable<string>): void {
    for (const dir of dirs) {
      this.#digests.delete(dir);
      for (const key of this.#keys.keys()) if (key.endsWith(`\0${dir}`)) this.#keys.delete(key);
    }
  }

  /**
   * Keeps what this build used as the base of the next one and, given a file, writes it there
   * atomically.
   *
   * @param file The cache file, or nothing to keep it in memory only.
   */
  save(file?: string): void {
    const body: CacheBody = {
      plugins: Object.fromEntries(this.#plugins),
    };
    this.#previous = body;
    this.#plugins = new Map();
    this.stats = { reused: 0, checked: 0 };
    if (file === undefined) return;
    const text = JSON.stringify(body);
    const header: CacheHeader = {
      format: BUILD_CACHE_FORMAT,
      host: this.host,
      digest: sha256(text),
    };
    writeFileAtomically(file, `${JSON.stringify(header)}\n${text}`);
  }

  #entry(key: string): CachedPlugin | undefined {
    const entry = this.#plugins.get(key) ?? this.#previous.plugins[key];
    if (entry) this.#plugins.set(key, entry);
    return entry;
  }

  /**
   * The digest of a folder's contents, remembered until {@link BuildCache.forget}.
   *
   * @param dir The folder.
   * @returns Its digest, or `undefined` when it cannot be read whole.
   */
  digestOf(dir: string): string | undefined {
    if (!this.#digests.has(dir)) this.#digests.set(dir, folderDigest(dir));
    return this.#digests.get(dir);
  }

  #keyOf(dir: string, source: PluginSource): string | undefined {
    const memo = `${source}\0${dir}`;
    if (this.#keys.has(memo)) return this.#keys.get(memo);
    const digest = this.digestOf(dir);
    const key = digest === undefined ? undefined : sha256(`${memo}\0${digest}`);
    this.#keys.set(memo, key);
    return key;
  }
}

/** An import that failed may succeed next time (a timeout, a crashed worker): never cached. */
function dependsOnMoreThanFiles(problem: Problem): boolean {
  return problem.code.endsWith(".import_failed");
}

/** The host's own inputs: its sources, its dependencies' lockfile, its configuration and Deno. */
function hostDigest(): string {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  return sha256(
    `${BUILD_CACHE_FORMAT}\0deno ${Deno.version.deno}\0${
      treeDigest(root, ["src", "deno.json", "package-lock.json"])
    }`,
  );
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
