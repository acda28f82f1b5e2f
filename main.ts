/**
 * The server entry for Deno: serves the generated registry (`deno task start` builds it first;
 * `deno task bundle` turns this file into `dist/server.js`). The state lives in PostgreSQL when
 * `HONEYFRAME_DATABASE_URL` is set, else in SQLite at `$DATA_DIR/honeyframe.db` when the process
 * may write there (as under `deno task start`), else in memory.
 *
 * @module
 */
import { registry } from "./.gen/registry.ts";
import { serveWithDeno } from "./src/runtime/adapters/deno.ts";
import { readEnv } from "./src/runtime/config.ts";
import { openStoreOrExit } from "./src/state/open_state.ts";

const dataDir = readEnv(Deno.env, "DATA_DIR") ?? "./data";
const writable = Deno.permissions.querySync({ name: "write", path: dataDir }).state === "granted";
const { store, label } = await openStoreOrExit(
  Deno.env,
  writable ? "sqlite" : "memory",
  Deno.exit,
  // Loaded only when chosen, like the PostgreSQL client.
  async (path) => (await import("./src/state/sqlite_driver.ts")).sqliteDriver(path),
);
await serveWithDeno(registry, Deno.env, { store, storeLabel: label });
