/**
 * The dev loop's watcher: file-system events under the plugin roots and the host's sources,
 * gathered into batches (an editor's save is several events) and handed on one batch at a time.
 *
 * @module
 */
import { isAbsolute, join, relative, sep } from "node:path";

/** What changed since the last batch. */
export interface ChangeBatch {
  /** A host source changed: everything is rebuilt and the server restarted. */
  readonly host: boolean;
  /** The plugin folders that changed (added, edited or removed). */
  readonly pluginDirs: ReadonlySet<string>;
}

/** What to watch. */
export interface WatchTargets {
  /** Folders whose sub-folders are plugins (`<install>/plugins`, `<data>/plugins`). */
  readonly pluginRoots: readonly string[];
  /** Folders that are plugins themselves (package plugins, under `node_modules`). */
  readonly pluginDirs?: readonly string[];
  /** The host's own files and folders (`src`, `main.ts`). */
  readonly host: readonly string[];
}

/** How long the file system must be quiet before a batch is handed on, in milliseconds. */
const QUIET_MS = 60;

/**
 * Watches the targets and calls `onBatch` for each batch of changes, never two at once: changes
 * made while a batch is handled form the next one.
 *
 * @param targets What to watch (every path must exist).
 * @param onBatch Handles one batch.
 * @returns A handle that stops watching when disposed.
 * @example
 * ```ts
 * using watcher = watchChanges({ pluginRoots: ["plugins"], host: ["src"] }, async (batch) => {
 *   console.log(batch.pluginDirs);
 * });
 * ```
 */
export function watchChanges(
  targets: WatchTargets,
  onBatch: (batch: ChangeBatch) => Promise<void>,
): Disposable {
  const watcher = Deno.watchFs(
    [...targets.pluginRoots, ...targets.pluginDirs ?? [], ...targets.host],
    { recursive: true },
  );
  let host = false;
  let pluginDirs = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  const handOn = () => {
    timer = undefined;
    if (!host && pluginDirs.size === 0) return;
    const batch = { host, pluginDirs };
    host = false;
    pluginDirs = new Set();
    running = running.then(() => onBatch(batch));
  };
  (async () => {
    for await (const event of watcher) {
      for (const path of event.paths) {
        const change = classify(path, targets);
        if (change === "host") host = true;
        else if (change !== undefined) pluginDirs.add(change);
      }
      clearTimeout(timer);
      timer = setTimeout(handOn, QUIET_MS);
    }
  })().catch(() => {
    // The watcher was closed.
  });
  return {
    [Symbol.dispose]() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}

/**
 * What a changed path belongs to: the host, a plugin folder, or nothing the build reads (hidden
 * folders such as an install's staging folder).
 *
 * @param path The changed path.
 * @param targets What is watched.
 * @returns `"host"`, the plugin folder, or `undefined`.
 */
export function classify(path: string, targets: WatchTargets): "host" | string | undefined {
  for (const dir of targets.pluginDirs ?? []) {
    const inside = relative(dir, path);
    if (!inside.startsWith("..") && !isAbsolute(inside)) return dir;
  }
  for (const root of targets.pluginRoots) {
    const inside = relative(root, path);
    if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) continue;
    const name = inside.split(sep)[0]!;
    return name.startsWith(".") ? undefined : join(root, name);
  }
  for (const hostPath of targets.host) {
    const inside = relative(hostPath, path);
    if (!inside.startsWith("..") && !isAbsolute(inside)) return "host";
  }
  return undefined;
}
