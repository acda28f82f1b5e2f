/**
 * Server entries for registries written elsewhere than `.gen/` (`build --out`, tests, benchmarks):
 * a module that imports the registry and calls the runtime's serve function (or, for Workers,
 * exports the handler), as `main.ts`, `main_node.ts` and `main_worker.ts` do for the project's
 * registry.
 *
 * @module
 */
import { dirname, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The serve function of each server runtime, and the module that exports it. */
const SERVERS: Record<ServerRuntime, { serve: string; module: string; call: string }> = {
  deno: {
    serve: "serveDeno",
    module: "../adapters/deno/mod.ts",
    call: "await serveDeno(registry);",
  },
  node: {
    serve: "serveNode",
    module: "../adapters/node/mod.ts",
    call: "await serveNode(registry);",
  },
  worker: {
    serve: "workerHandler",
    module: "../adapters/worker/mod.ts",
    call: "export default workerHandler(registry);",
  },
};

/** A runtime a server entry can be written for. */
export type ServerRuntime = "deno" | "node" | "worker";

/**
 * The source of a server entry at `entryFile` that serves `registryFile`.
 *
 * @param registryFile The registry module.
 * @param entryFile Where the entry will be written.
 * @param runtime The runtime whose adapter serves it.
 * @returns The entry's source: two imports and one call (or default export).
 * @example
 * ```ts
 * serverEntrySource("/tmp/x/registry.ts", "/tmp/x/server.ts").split("\n")[0];
 * // 'import { registry } from "./registry.ts";'
 * ```
 */
export function serverEntrySource(
  registryFile: string,
  entryFile: string,
  runtime: ServerRuntime = "deno",
): string {
  const registry = relative(dirname(entryFile), registryFile).split(sep).join("/");
  const { serve, module, call } = SERVERS[runtime];
  return [
    `import { registry } from ${
      JSON.stringify(registry.startsWith(".") ? registry : `./${registry}`)
    };`,
    `import { ${serve} } from ${JSON.stringify(fileURLToPath(new URL(module, import.meta.url)))};`,
    "",
    call,
    "",
  ].join("\n");
}
