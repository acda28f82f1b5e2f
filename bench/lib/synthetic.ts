/**
 * Synthetic plugin trees for the benchmarks: N plugins × 2 routers × 3 routes, and the same routes
 * as one hand-written Hono app.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The routes of one synthetic router, relative to the plugin. */
export const ROUTER_PATHS = (
  router: string,
) => [`/${router}/one`, `/${router}/two`, `/${router}/items/:id`];

/** The two routers of every plugin. */
export const ROUTERS = ["a", "b"] as const;

/** The name of the plugin number `index` (1-based), e.g. `p0042`. */
export function pluginName(index: number): string {
  return `p${String(index).padStart(4, "0")}`;
}

/**
 * Writes `count` plugins into `<root>/plugins`.
 *
 * @param root The data directory to write into.
 * @param count How many plugins.
 */
export function writePluginTree(root: string, count: number): void {
  for (let index = 1; index <= count; index++) {
    const name = pluginName(index);
    const dir = join(root, "plugins", name);
    mkdirSync(join(dir, "backend"), { recursive: true });
    writeFileSync(
      join(dir, "plugin.yaml"),
      `name: ${name}\nversion: 1.0.0\nrouters:\n${
        ROUTERS.map((r) => `  - backend/${r}.ts:router\n`).join("")
      }`,
    );
    for (const router of ROUTERS) {
      const routes = ROUTER_PATHS(router)
        .map((path) =>
          `  .get(${JSON.stringify(path)}, (c) => c.json({ plugin: "${name}", path: c.req.path }))`
        )
        .join("\n");
      writeFileSync(
        join(dir, "backend", `${router}.ts`),
        `import { Hono } from "hono";\nexport const router = new Hono()\n${routes};\n`,
      );
    }
  }
}

/** How a hand-written app is served on each runtime. */
const HAND_WRITTEN_SERVE = {
  deno: [
    // Behind the front (HONEYFRAME_SOCKET) on its socket, with the request URL as the host has it
    // (given to the request, as the host does: a copy per request costs Deno's young generation).
    'const socket = Deno.env.get("HONEYFRAME_SOCKET");',
    'if (socket) Deno.serve({ path: socket, onListen: () => console.log(`listening on unix:${socket}`) }, (request) => app.fetch(Object.defineProperty(request, "url", { value: request.url.replace(/^http\\+unix:/, "http:") })));',
    'else Deno.serve({ port: Number(Deno.env.get("PORT") ?? 0), hostname: "127.0.0.1", onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}/`) }, app.fetch);',
  ],
  node: [
    'import { serve } from "@hono/node-server";',
    'serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: "127.0.0.1" }, ({ port }) => console.log(`listening on http://127.0.0.1:${port}/`));',
  ],
  worker: ["export default app;"],
} as const;

/**
 * The same routes as one hand-written Hono app: the zero-overhead reference.
 *
 * @param count How many plugins' routes.
 * @param runtime Where it runs: Deno and Node serve on `PORT` and print `listening on …`; a
 * Worker exports the app.
 * @returns The module source.
 */
export function handWrittenApp(
  count: number,
  runtime: keyof typeof HAND_WRITTEN_SERVE = "deno",
): string {
  const lines = ['import { Hono } from "hono";', "const app = new Hono();"];
  for (let index = 1; index <= count; index++) {
    const name = pluginName(index);
    for (const router of ROUTERS) {
      for (const path of ROUTER_PATHS(router)) {
        lines.push(
          `app.get("/api/${name}${path}", (c) => c.json({ plugin: "${name}", path: c.req.path }));`,
        );
      }
    }
  }
  lines.push(...HAND_WRITTEN_SERVE[runtime]);
  return lines.join("\n") + "\n";
}

/**
 * The same plugins as a hand-written app that imports each plugin's routers (from the tree
 * {@link writePluginTree} wrote) and mounts them with `app.route`, as a user keeping one router per
 * plugin would: each router is a Hono app of its own, as in the host.
 *
 * @param count How many plugins.
 * @param dataDir The data directory the plugins are in.
 * @returns The module source; it serves on `PORT` (or the front's socket).
 */
export function handWrittenRoutedApp(count: number, dataDir: string): string {
  const lines = ['import { Hono } from "hono";'];
  const mounts = ["const app = new Hono();"];
  for (let index = 1; index <= count; index++) {
    const name = pluginName(index);
    for (const router of ROUTERS) {
      const id = `${name}_${router}`;
      const file = join(dataDir, "plugins", name, "backend", `${router}.ts`);
      lines.push(`import { router as ${id} } from ${JSON.stringify(file)};`);
      mounts.push(`app.route("/api/${name}", ${id});`);
    }
  }
  return [...lines, ...mounts, ...HAND_WRITTEN_SERVE.deno].join("\n") + "\n";
}

/**
 * What a user would write without a build step: scan the folders, parse the YAML, import each
 * router, mount it, serve.
 *
 * @param yamlModule The specifier of the `yaml` package.
 * @returns The module source; it reads `DATA_DIR` and serves on `PORT`.
 */
export function folderScanningLoader(): string {
  return `import { Hono } from "hono";
import { parse } from "yaml";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
const root = join(Deno.env.get("DATA_DIR")!, "plugins");
const app = new Hono();
for (const name of readdirSync(root).sort()) {
  const manifest = parse(readFileSync(join(root, name, "plugin.yaml"), "utf8"));
  for (const spec of manifest.routers ?? []) {
    const [file, exportName = "default"] = spec.split(":");
    const module = await import(pathToFileURL(join(root, name, file)).href);
    app.route("/api/" + manifest.name, module[exportName]);
  }
}
Deno.serve({ port: Number(Deno.env.get("PORT") ?? 0), hostname: "127.0.0.1", onListen: ({ port }) => console.log(\`listening on http://127.0.0.1:\${port}/\`) }, app.fetch);
`;
}
