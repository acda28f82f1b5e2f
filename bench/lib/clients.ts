/**
 * Client entries at scale: a tree of plugins that each have a page and a client module (a
 * `hono/jsx/dom` counter), built clean, with the total bytes of their bundles.
 *
 * @module
 */
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { buildRegistry } from "../../src/build/mod.ts";
import { median } from "./median.ts";
import { pluginName, writePluginTree } from "./synthetic.ts";

/** What building a tree with client entries measured. */
export interface ClientBuild {
  /** How many plugins. */
  readonly plugins: number;
  /** Median seconds of a clean build (no cache). */
  readonly buildSeconds: number;
  /** The bundles' total size, minified. */
  readonly bytes: number;
  /** The bundles' total size, each gzipped. */
  readonly gzipBytes: number;
}

/**
 * Writes `count` plugins with client entries under `dir/data` and times clean builds of them.
 *
 * @param dir An empty folder.
 * @param count How many plugins.
 * @param rounds How many builds to time.
 * @returns The median build time and the bundles' sizes.
 */
export async function timeClientBuilds(
  dir: string,
  count: number,
  rounds: number,
): Promise<ClientBuild> {
  const dataDir = join(dir, "data");
  writePluginTree(dataDir, count);
  for (let index = 1; index <= count; index++) {
    const name = pluginName(index);
    const folder = join(dataDir, "plugins", name);
    Deno.writeTextFileSync(
      join(folder, "plugin.yaml"),
      `${Deno.readTextFileSync(join(folder, "plugin.yaml"))}frontend_entry: pages.tsx\n` +
        "client_entry: client.tsx\n",
    );
    Deno.writeTextFileSync(
      join(folder, "pages.tsx"),
      `export const pages = { "/": () => <div data-counter>${name}</div> };\n`,
    );
    Deno.writeTextFileSync(
      join(folder, "client.tsx"),
      `import { render, useState } from "hono/jsx/dom";
function Counter() {
  const [n, setN] = useState(0);
  return <button type="button" onClick={() => setN(n + 1)}>${name}: {n}</button>;
}
for (const element of document.querySelectorAll("[data-counter]")) render(<Counter />, element);
`,
    );
  }
  const seconds: number[] = [];
  let sizes = { bytes: 0, gzipBytes: 0 };
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    const result = await buildRegistry({
      installDir: join(dir, "none"),
      dataDir,
      outFile: join(dir, "gen/registry.ts"),
    });
    seconds.push((performance.now() - started) / 1000);
    const bundles = result.plugins.flatMap((plugin) => plugin.client ? [plugin.client.js] : []);
    if (bundles.length !== count) throw new Error(`${bundles.length} of ${count} bundles built`);
    sizes = {
      bytes: bundles.reduce((sum, js) => sum + new TextEncoder().encode(js).length, 0),
      gzipBytes: bundles.reduce((sum, js) => sum + gzipSync(js).length, 0),
    };
  }
  return { plugins: count, buildSeconds: median(seconds), ...sizes };
}
