/**
 * The server entry for Node 20: `deno task bundle` turns it into `dist/server.mjs`, which
 * `npm run start:node` runs.
 *
 * @module
 */
import { registry } from "./.gen/registry.ts";
import { serveWithNode } from "./src/runtime/adapters/node.ts";

serveWithNode(registry);
