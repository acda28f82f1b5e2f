/**
 * A plugin's context (`pluginContext(c)`, `props.context`) where the plugin runs apart from the
 * host: its settings travel with each request or call, and its storage and logger are messages to
 * the host, which answers them with the plugin's own storage and logger for that request. Plain data
 * both ways: a value crosses as JSON text, a failure as its name and message (rebuilt on the
 * plugin's side as the same `StorageConflict`, `StorageQuotaExceeded` or `InvalidStorageInput`).
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

/** The storage operations a plugin may ask the host for. */
const OPERATIONS = ["get", "set", "delete", "list"] as const;

/** A storage operation's name. */
export type StorageOperation = (typeof OPERATIONS)[number];

/** A storage request: which operation, with which arguments (the value of `set` as JSON text). */
export interface StorageAsk {
  /** The operation. */
  readonly op: StorageOperation;
  /** Its arguments. */
  readonly args: readonly unknown[];
}

/** What the host answers a storage request: the result, or the failure's name and message. */
export type StorageAnswer =
  | { readonly value: unknown }
  | { readonly error: { readonly name: string; readonly message: string } };

/** The largest log line's fields a plugin sends, as JSON, in bytes (more is dropped, and said). */
const MAX_FIELDS_BYTES = 8 * 1024;

const FAILURES: Readonly<Record<string, new (message: string) => Error>> = {
  StorageConflict,
  StorageQuotaExceeded,
  InvalidStorageInput,
};

/**
 * The plugin's side: a context whose storage asks the host and whose logger tells it.
 *
 * @param config The settings the request or call carried.
 * @param ask Sends a storage request and resolves with the host's answer.
 * @param tell Sends a log line.
 * @returns The context.
 */
export function remoteContext(
  config: Readonly<Record<string, SettingValue>>,
  ask: (request: StorageAsk) => Promise<StorageAnswer>,
  tell: (level: "info" | "warn" | "error", message: string, fields: LogFields) => void,
): PluginContext {
  const call = async (op: StorageOperation, args: unknown[]) => {
    const answer = await ask({ op, args });
    if ("error" in answer) {
      const Failure = FAILURES[answer.error.name] ?? Error;
      throw new Failure(answer.error.message);
    }
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
  return { config: Object.freeze({ ...config }), storage, log };
}

/**
 * The host's side: runs a plugin's storage request on its storage for that request.
 *
 * @param storage The plugin's storage.
 * @param request What the plugin asked (untrusted: checked here).
 * @returns The answer, failures included.
 */
export async function answerStorage(
  storage: PluginStorage,
  request: Readonly<Record<string, unknown>>,
): Promise<StorageAnswer> {
  try {
    const args = Array.isArray(request.args) ? request.args : [];
    const options = (index: number) => {
      const value = args[index];
      return typeof value === "object" && value !== null ? value : {};
    };
    switch (request.op as StorageOperation) {
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
      default:
        throw new InvalidStorageInput(`unknown storage operation ${String(request.op)}`);
    }
  } catch (error) {
    return {
      error: error instanceof Error
        ? { name: error.name, message: error.message }
        : { name: "Error", message: String(error) },
    };
  }
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
