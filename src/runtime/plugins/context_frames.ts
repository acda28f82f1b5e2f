/**
 * A plugin's context (`pluginContext(c)`, `props.context`) where the plugin runs apart from the
 * host: its settings travel with each request or call, and its storage, warehouse and logger are
 * messages to the host, which answers them with the plugin's own storage, warehouse and logger for
 * that request (the host runs the plugin's queries, as the plugin's role). Plain data both ways: a
 * value crosses as JSON text, a failure as its name, message and code (rebuilt on the plugin's side
 * as the same `StorageConflict`, `StorageQuotaExceeded`, `InvalidStorageInput` or `WarehouseError`).
 *
 * @module
 */
import type { LogFields, PluginContext, PluginLog } from "../context/plugin_context.ts";
import {
  InvalidStorageInput,
  type PluginStorage,
  storableJson,
  StorageConflict,
  StorageQuotaExceeded,
} from "../context/plugin_storage.ts";
import type { SettingValue } from "../context/settings.ts";
import {
  asWarehouseError,
  type PluginWarehouse,
  WarehouseError,
} from "../context/plugin_warehouse.ts";

/** The operations a plugin may ask the host for: its storage's, and its warehouse's. */
const OPERATIONS = ["get", "set", "delete", "list", "warehouse.query", "warehouse.tables"] as const;

/** An operation's name. */
export type ContextOperation = (typeof OPERATIONS)[number];

/** A request to the host: which operation, with which arguments (the value of `set` as JSON text). */
export interface ContextAsk {
  /** The operation. */
  readonly op: ContextOperation;
  /** Its arguments. */
  readonly args: readonly unknown[];
}

/** A failure as it crosses: its name, message and (a `WarehouseError`'s) code. */
export interface CrossedFailure {
  /** The error's name. */
  readonly name: string;
  /** Its message. */
  readonly message: string;
  /** A `WarehouseError`'s code. */
  readonly code?: string;
}

/** What the host answers a request: the result, or the failure. */
export type ContextAnswer =
  | { readonly value: unknown }
  | { readonly error: CrossedFailure };

/** The largest log line's fields a plugin sends, as JSON, in bytes (more is dropped, and said). */
const MAX_FIELDS_BYTES = 8 * 1024;

const FAILURES: Readonly<Record<string, new (message: string) => Error>> = {
  StorageConflict,
  StorageQuotaExceeded,
  InvalidStorageInput,
};

/**
 * The plugin's side: a context whose storage and warehouse ask the host and whose logger tells it.
 *
 * @param config The settings the request or call carried.
 * @param ask Sends a request and resolves with the host's answer.
 * @param tell Sends a log line.
 * @returns The context.
 */
export function remoteContext(
  config: Readonly<Record<string, SettingValue>>,
  ask: (request: ContextAsk) => Promise<ContextAnswer>,
  tell: (level: "info" | "warn" | "error", message: string, fields: LogFields) => void,
): PluginContext {
  const call = async (op: ContextOperation, args: unknown[]) => {
    const answer = await ask({ op, args });
    if ("error" in answer) throw rebuiltFailure(answer.error);
    return answer.value;
  };
  const storage: PluginStorage = {
    get: async (key) => await call("get", [key]) as Awaited<ReturnType<PluginStorage["get"]>>,
    set: async (key, value, options) =>
      await call("set", [key, storableJson(value), options ?? {}]) as { version: string },
    delete: async (key) => await call("delete", [key]) as boolean,
    list: async (options) =>
      await call("list", [options ?? {}]) as Awaited<ReturnType<PluginStorage["list"]>>,
  };
  const line = (level: "info" | "warn" | "error") => (message: string, fields?: LogFields) =>
    tell(level, String(message), plainFields(fields));
  const log: PluginLog = { info: line("info"), warn: line("warn"), error: line("error") };
  const warehouse: PluginWarehouse = {
    query: async (sql, params) =>
      await call("warehouse.query", [sql, params ?? []]) as Awaited<
        ReturnType<PluginWarehouse["query"]>
      >,
    tables: async () =>
      await call("warehouse.tables", []) as Awaited<ReturnType<PluginWarehouse["tables"]>>,
  };
  return { config: Object.freeze({ ...config }), storage, log, warehouse };
}

/** A failure the host sent, as the error the plugin would have had in the host. */
function rebuiltFailure(failure: CrossedFailure): Error {
  if (failure.name === "WarehouseError") {
    return new WarehouseError(String(failure.code ?? "unavailable"), failure.message);
  }
  return new (FAILURES[failure.name] ?? Error)(failure.message);
}

/**
 * The host's side: runs a plugin's request on its storage or warehouse for that request.
 *
 * @param context The plugin's context on that request.
 * @param request What the plugin asked (untrusted: checked here).
 * @returns The answer, failures included.
 */
export async function answerContext(
  { storage, warehouse }: Pick<PluginContext, "storage" | "warehouse">,
  request: Readonly<Record<string, unknown>>,
): Promise<ContextAnswer> {
  try {
    const args = Array.isArray(request.args) ? request.args : [];
    const options = (index: number) => {
      const value = args[index];
      return typeof value === "object" && value !== null ? value : {};
    };
    switch (request.op as ContextOperation) {
      case "get":
        return { value: await storage.get(args[0] as string) };
      case "set":
        return {
          value: await storage.set(args[0] as string, parseValue(args[1]), options(2)),
        };
      case "delete":
        return { value: await storage.delete(args[0] as string) };
      case "list":
        return { value: await storage.list(options(0)) };
      case "warehouse.query":
        return {
          value: await warehouse.query(
            args[0] as string,
            Array.isArray(args[1]) ? args[1] : [],
          ),
        };
      case "warehouse.tables":
        return { value: await warehouse.tables() };
      default:
        throw new InvalidStorageInput(`unknown operation ${String(request.op)}`);
    }
  } catch (error) {
    return { error: crossedFailure(error, String(request.op).startsWith("warehouse.")) };
  }
}

/** A failure as it crosses to the plugin (a warehouse call's as a `WarehouseError`). */
function crossedFailure(error: unknown, fromWarehouse: boolean): CrossedFailure {
  if (fromWarehouse) {
    const { name, message, code } = asWarehouseError(error);
    return { name, message, code };
  }
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: "Error", message: String(error) };
}

/**
 * Checks a log line's fields from a plugin: plain data that fits, else a note that they did not.
 *
 * @param fields What the plugin sent.
 * @returns The fields to log.
 */
export function plainFields(fields: unknown): LogFields {
  if (fields === undefined || fields === null) return {};
  try {
    const json = JSON.stringify(fields);
    if (json === undefined || !json.startsWith("{")) return { fields_dropped: "not an object" };
    if (json.length > MAX_FIELDS_BYTES) {
      return { fields_dropped: `over ${MAX_FIELDS_BYTES} bytes as JSON` };
    }
    return JSON.parse(json);
  } catch {
    return { fields_dropped: "not JSON" };
  }
}

function parseValue(text: unknown): unknown {
  if (typeof text !== "string") throw new InvalidStorageInput("the value is not JSON");
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidStorageInput("the value is not JSON");
  }
}
