/**
 * The dev loop (`deno task dev`): builds the registry, serves it, and on every save of a plugin
 * rebuilds what changed (the build cache skips unchanged plugins), starts a server on the new
 * registry beside the running one and switches the proxy to it once it listens. A save that gives a
 * changed plugin errors prints them and keeps the last good registry serving. Each rebuild prints
 * one line. A change to the host's own sources is handed to `onHostChange`: the loop's build code
 * is the host's, so the supervisor (`main.ts`) starts a fresh loop.
 *
 * Development only: the production image leaves `src/dev/` out.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import {
  BuildCache,
  buildRegistry,
  type BuildResult,
  cacheFileFor,
  serverEntrySource,
  type VerifiedPlugin,
  withTypeErrors,
  writeFileAtomically,
  writeRegistry,
} from "../build/mod.ts";
import { displayPath, formatProblems } from "../cli/format.ts";
import type { OverlayProblem } from "./live_reload.ts";
import { type DevProxy, startProxy } from "./proxy.ts";
import { type ServerProcess, startServer } from "./server_process.ts";
import { type ChangeBatch, watchChanges } from "./watch.ts";

/** Where the dev loop reads, writes and listens. */
export interface DevOptions {
  /** The install directory (bundled plugins in `<dir>/plugins`). */
  readonly installDir: string;
  /** The data directory (customer plugins in `<dir>/plugins`, the state store). */
  readonly dataDir: string;
  /** The host project folder (its `src/`, and the default place of the registry). */
  readonly hostDir: string;
  /** The registry file, relative to `hostDir`; the servers' entry is written beside it. */
  readonly outFile: string;
  /** Where the browser connects. */
  readonly hostname: string;
  /** The port (0 picks a free one). */
  readonly port: number;
  /** The servers' environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Where the loop's lines go. */
  readonly print: (line: string) => void;
  /** Called once when a host source (`src/`, `main.ts`) changes; the loop stops rebuilding. */
  readonly onHostChange: () => void;
  /**
   * Type-check each changed plugin's code after it builds (`dev --check`): a type error counts as
   * breaking it (the last good registry keeps serving).
   */
  readonly typeCheck?: boolean;
}

/** A running dev loop. */
export interface DevSession extends AsyncDisposable {
  /** Where the proxy listens. */
  readonly addr: Deno.NetAddr;
}

/**
 * Starts the dev loop: the first build, the first server, the watcher.
 *
 * @param options Folders, listener and output.
 * @returns The session; dispose it to stop watching and stop the server.
 * @example
 * ```ts
 * await using dev = await startDev({
 *   installDir: ".", dataDir: "./data", hostDir: ".", outFile: ".gen/registry.ts", hostname: "0.0.0.0", port: 8000,
 *   env: Deno.env.toObject(), print: console.log, onHostChange: () => Deno.exit(75),
 * });
 * ```
 */
export async function startDev(options: DevOptions): Promise<DevSession> {
  const pluginRoots = [options.installDir, options.dataDir].map((dir) => resolve(dir, "plugins"));
  for (const root of pluginRoots) mkdirSync(root, { recursive: true });
  const outFile = resolve(options.hostDir, options.outFile);
  const proxy = startProxy(options.hostname, options.port);
  const loop = new DevLoop(options, outFile, proxy);
  // Watching starts before the first build, so that a save made while it runs is not missed.
  const firstBuild = Promise.withResolvers<void>();
  const onBatch = async (batch: ChangeBatch) => {
    await firstBuild.promise;
    if (batch.host) options.onHostChange();
    else await loop.rebuild(batch.pluginDirs, false);
  };
  const watcher = watchChanges({ pluginRoots, host: [resolve(options.hostDir, "src")] }, onBatch);
  // Package plugins live under node_modules, outside the roots: each is watched itself, from the
  // build that found it (its dependencies are in its folder or beside it).
  let packages: { dirs: string; watcher: Disposable } | undefined;
  loop.onPackageDirs = (dirs) => {
    if (packages?.dirs === dirs.join("\n")) return;
    packages?.watcher[Symbol.dispose]();
    packages = dirs.length === 0 ? undefined : {
      dirs: dirs.join("\n"),
      watcher: watchChanges({ pluginRoots: [], pluginDirs: dirs, host: [] }, onBatch),
    };
  };
  await loop.rebuild(new Set(), true);
  firstBuild.resolve();
  options.print(
    `dev: listening on http://localhost:${proxy.addr.port}/ — rebuilds on every save (Ctrl-C stops)`,
  );
  return {
    addr: proxy.addr,
    async [Symbol.asyncDispose]() {
      watcher[Symbol.dispose]();
      packages?.watcher[Symbol.dispose]();
      await loop.stop();
      await proxy[Symbol.asyncDispose]();
    },
  };
}

/** The state between rebuilds: the cache, the serving server, the last registry served. */
class DevLoop {
  #cache: BuildCache;
  #server: ServerProcess | undefined;
  #served: string | undefined;
  #rebuilding: Promise<void> = Promise.resolve();
  /** Told the package plugins' folders after each build. */
  onPackageDirs: (dirs: string[]) => void = () => {};

  constructor(
    readonly options: DevOptions,
    readonly outFile: string,
    readonly proxy: DevProxy,
  ) {
    this.#cache = BuildCache.load(cacheFileFor(outFile));
  }

  /** Rebuilds after plugin folders changed and, when the result is good, serves it (one at a time). */
  rebuild(pluginDirs: ReadonlySet<string>, first: boolean): Promise<void> {
    this.#rebuilding = this.#rebuilding.then(() => this.#rebuild(pluginDirs, first));
    return this.#rebuilding;
  }

  async #rebuild(pluginDirs: ReadonlySet<string>, first: boolean): Promise<void> {
    const started = performance.now();
    this.#cache.forget(pluginDirs);
    let result: BuildResult;
    try {
      result = await buildRegistry({
        installDir: this.options.installDir,
        dataDir: this.options.dataDir,
        outFile: this.outFile,
        hostDir: this.options.hostDir,
        env: this.options.env,
        cache: this.#cache,
      });
    } catch (error) {
      this.options.print(
        `dev: the build failed: ${String(error)}; still serving the last good registry`,
      );
      this.proxy.live.broken([
        { plugin: "(build)", code: "build.failed", where: "", message: String(error) },
      ]);
      return;
    }
    this.onPackageDirs(
      result.plugins.flatMap((plugin) => plugin.package ? [plugin.package.dir] : []).sort(),
    );
    const { reused, checked } = this.#cache.stats;
    this.#cache.save(cacheFileFor(this.outFile));
    const touched = (plugin: VerifiedPlugin) => first || watchedFolderChanged(plugin, pluginDirs);
    if (this.options.typeCheck) {
      const checkedTypes = withTypeErrors(result.plugins.filter(touched), this.options.hostDir);
      result = {
        ...result,
        plugins: result.plugins.map((plugin) =>
          checkedTypes.find((typed) => typed.name === plugin.name && typed.dir === plugin.dir) ??
            plugin
        ),
      };
    }
    const built = seconds(performance.now() - started);
    const changed = result.plugins.filter((plugin) => watchedFolderChanged(plugin, pluginDirs));
    for (const line of formatProblems(first ? result.plugins : changed)) this.options.print(line);
    const what = first
      ? `built ${result.plugins.length} plugins`
      : `${describe(pluginDirs, changed)} changed`;
    const work = `${checked} of ${reused + checked} plugins checked in ${built}`;
    // A plugin with errors (a type error under --check included) breaks the save.
    const broken = changed.filter((plugin) => plugin.errors.length > 0);
    if (!first && broken.length > 0) {
      this.proxy.live.broken(broken.flatMap(overlayProblems));
      this.options.print(
        `dev: ${what} · ${work} · ${broken.map((plugin) => plugin.name).join(", ")} has errors: ` +
          "still serving the last good registry",
      );
      return;
    }
    // What a server would serve: the registry, and the bundles of plugins with npm dependencies
    // (a package plugin's edit changes those, not the registry's text).
    const serving = servedDigest(result);
    if (serving === this.#served) {
      this.options.print(`dev: ${what} · ${work} · the registry is the same: nothing to restart`);
      return;
    }
    writeRegistry(this.outFile, result);
    const entry = join(dirname(this.outFile), "dev_server.ts");
    writeFileAtomically(entry, serverEntrySource(this.outFile, entry));
    const serverStarted = performance.now();
    const server = await startServer({
      entry,
      config: resolve(this.options.hostDir, "deno.json"),
      dataDir: this.options.dataDir,
      env: this.options.env,
      output: this.options.print,
    });
    if (server === undefined) {
      this.proxy.live.broken([{
        plugin: "(server)",
        code: "server.start_failed",
        where: "",
        message: "the server on the new registry did not start (its output is in the terminal)",
      }]);
      this.options.print(
        `dev: ${what} · ${work} · the new server did not start${
          this.#server ? ": still serving the last good one" : ""
        }`,
      );
      return;
    }
    const previous = this.#server;
    this.#server = server;
    this.#served = serving;
    this.proxy.target = server.port;
    this.proxy.live.reload();
    await previous?.stop();
    this.options.print(
      `dev: ${what} · ${work} · serving the new registry (server up in ${
        seconds(performance.now() - serverStarted)
      })`,
    );
  }

  /** Stops the serving server. */
  async stop(): Promise<void> {
    this.proxy.target = undefined;
    await this.#server?.stop();
    this.#server = undefined;
  }
}

/** A digest of the registry's source and the bundled modules written beside it. */
function servedDigest(result: BuildResult): string {
  const hash = createHash("sha256").update(result.source);
  for (const [path, text] of [...result.packageModules].sort(([a], [b]) => a < b ? -1 : 1)) {
    hash.update(`\0${path}\0`).update(text);
  }
  return hash.digest("hex");
}

/** Whether the folder watched for a plugin (its own, or its package's) is among those changed. */
function watchedFolderChanged(plugin: VerifiedPlugin, dirs: ReadonlySet<string>): boolean {
  return dirs.has(plugin.dir) || (plugin.package !== undefined && dirs.has(plugin.package.dir));
}

/** A broken plugin's errors, as the overlay shows them. */
function overlayProblems(plugin: VerifiedPlugin): OverlayProblem[] {
  return plugin.errors.map((problem) => ({
    plugin: plugin.name,
    code: problem.code,
    where: `${displayPath(problem.file ? join(plugin.dir, problem.file) : plugin.dir)}${
      problem.line === undefined ? "" : `:${problem.line}:${problem.column ?? 1}`
    }`,
    message: problem.message,
    ...(problem.frame ? { frame: problem.frame } : {}),
  }));
}

/** `crm`, `crm and billing`, or `3 plugins`; removed folders count by their name. */
function describe(dirs: ReadonlySet<string>, changed: readonly VerifiedPlugin[]): string {
  const names = [...dirs].map((dir) =>
    changed.find((plugin) => watchedFolderChanged(plugin, new Set([dir])))?.name ??
      `${dir.split(/[/\\]/).pop()} (removed)`
  );
  if (names.length <= 2) return names.join(" and ");
  return `${names.length} plugins`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
