/**
 * The state store: what changes at run time (which plugins are enabled, the organisations' groups,
 * the audit log) behind one contract, with its backends (memory, Deno KV, and SQL on SQLite,
 * PostgreSQL or Cloudflare D1 with numbered migrations) and the choice of backend from the environment. Nothing outside this
 * folder knows how a store is implemented: the runtime uses the contract, the server adapters call
 * {@link openStoreOrExit}.
 *
 * @example
 * ```ts
 * import { openStore } from "./mod.ts";
 * const store = await openStore({ kind: "memory" });
 * await store.setEnabled("crm", false, "admin", new Date().toISOString());
 * ```
 *
 * @module
 */
export type {
  AuditAction,
  AuditEvent,
  DbtRun,
  DbtRunChange,
  DbtRunStatus,
  GroupRecord,
  IfVersion,
  PluginRecord,
  PluginState,
  RecordQuery,
  RecordSpace,
  SeedGroupInput,
  StateStore,
} from "./types.ts";
export { RECORD_SPACES } from "./types.ts";
export { AUDIT_TEXT_LIMIT } from "./audit_text.ts";
export { MemoryStore } from "./memory_store.ts";
export { QueryTimeout, withQueryTimeLimit } from "./query_time_limit.ts";
export { StateUnavailable } from "./state_unavailable.ts";
export type { SqlDriver, SqlStatement } from "./sql_driver.ts";
export { openWorkerStore } from "./worker_store.ts";
export { type D1Database, type D1PreparedStatement, isD1Database } from "./d1_driver.ts";
export {
  chooseStore,
  D1_BINDING,
  DEFAULT_QUERY_TIMEOUT_MS,
  describeStore,
  openStore,
  openStoreOrExit,
  queryTimeLimit,
  SQLITE_FILE,
  type StoreChoice,
  type StoreKind,
} from "./open_store.ts";
