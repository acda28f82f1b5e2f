/**
 * The server entry for Node 20: `deno task bundle` turns it into `dist/server.mjs`, which
 * `npm run start:node` runs. The state lives in PostgreSQL when `HONEYFRAME_DATABASE_URL` is set,
 * else in memory (Node 20 has no SQLite).
 *
 * @module
 */
import process from "node:process";
import { registry } from "./.gen/registry.ts";
import { serveWithNode } from "./src/runtime/adapters/node.ts";
import { openStoreOrExit } from "./src/state/open_state.ts";

const { store, label } = await openStoreOrExit(process.env, "memory", process.exit);
await serveWithNode(registry, process.env, { store, storeLabel: label });
