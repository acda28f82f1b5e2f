/**
 * The server entry for Node 20: `deno task bundle` turns it into `dist/server.mjs`, which
 * `npm run start:node` runs.
 *
 * @module
 */
import { registry } from "./.gen/registry.ts";
import { serveNode } from "./src/adapters/node/mod.ts";

await serveNode(registry);
