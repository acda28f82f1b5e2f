/**
 * The fetch-handler entry for Cloudflare Workers, Bun and `deno serve`: `deno task bundle` turns
 * it into `dist/worker.js`.
 *
 * @module
 */
import { registry } from "./.gen/registry.ts";
import { workerHandler } from "./src/adapters/worker/mod.ts";

export default workerHandler(registry);
