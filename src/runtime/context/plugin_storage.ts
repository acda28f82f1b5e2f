/**
 * A plugin's own key-value storage (`ctx.storage`): JSON values up to 64 KiB under keys of its
 * own, versioned for compare-and-set, within a quota per plugin, kept in the state store as the
 * plugin's records (space `storage`) on every backend. No plugin reaches another's keys: the
 * plugin's name is not something its code chooses.
 *
 * @module
 */
import type { StateStore } from "../../state/mod.ts";
import { envNumber, type EnvSource } from "../../env/mod.ts";
import { base64url, fromBase64url } from "../secrets.ts";

/** The largest value, as JSON in UTF-8. */
export const MAX_VALUE_BYTES = 64 * 1024;

/** The longest key, in characters. */
export const MAX_KEY_LENGTH = 512;

/** The most items one `list()` returns. */
export const MAX_LIST_LIMIT = 1000;

/** A stored value and its version. */
export interface StoredValue {
  /** The value, as it was set (JSON). */
  readonly value: unknown;
  /** Its version: pass it as `ifVersion` to change it only if no one else did. */
  readonly version: string;
}

/** One item of a listing. */
export interface StorageItem extends StoredValue {
  /** Its key. */
  readonly key: string;
}

/** A plugin's own storage. */
export interface PluginStorage {
  /** The value under `key`, or `null`. */
  get(key: string): Promise<StoredValue | null>;
  /**
   * Stores `value` under `key`. With `ifVersion`, only if the stored version is that one (`null`:
   * only if there is none); otherwise it rejects with {@link StorageConflict}.
   */
  set(
    key: string,
    value: unknown,
    options?: { readonly ifVersion?: string | null },
  ): Promise<{ version: string }>;
  /** Removes `key`; resolves with whether there was one. */
  delete(key: string): Promise<boolean>;
  /** The items whose keys start with `prefix`, in key order, a page at a time (`cursor`). */
  list(
    options?: { readonly prefix?: string; readonly limit?: number; readonly cursor?: string },
  ): Promise<{
    items: StorageItem[];
    cursor?: string;
  }>;
}

/** A compare-and-set whose version did not match: someone else changed the value first. */
export class StorageConflict extends Error {
  /** `StorageConflict`. */
  override name = "StorageConflict";
}

/** A write that would take the plugin past its storage quota. */
export class StorageQuotaExceeded extends Error {
  /** `StorageQuotaExceeded`. */
  override name = "StorageQuotaExceeded";
}

/** A key or value storage cannot take. */
export class InvalidStorageInput extends Error {
  /** `InvalidStorageInput`. */
  override name = "InvalidStorageInput";
}

/**
 * How many MiB each plugin's storage may take (`HONEYFRAME_PLUGIN_STORAGE_MB`, its default when
 * unset): the server's, and a plugin Worker's on Cloudflare.
 *
 * @param env The environment, or a Worker's bindings.
 * @returns The MiB.
 * @throws {ConfigError} When it is not a number from 0 to 1,048,576.
 * @example
 * ```ts
 * readPluginStorageMb({}); // 10
 * ```
 */
export function readPluginStorageMb(env: EnvSource): number {
  return envNumber(env, "HONEYFRAME_PLUGIN_STORAGE_MB", { min: 0, max: 1_048_576 });
}

const encoder = new TextEncoder();

/**
 * A plugin's storage in the state store.
 *
 * @param store The state store.
 * @param plugin The plugin (its records only).
 * @param quotaBytes How many bytes its keys and values may take in all.
 * @returns The storage.
 */
export function storeStorage(store: StateStore, plugin: string, quotaBytes: number): PluginStorage {
  return {
    async get(key) {
      checkKey(key);
      const record = await store.getRecord(plugin, "storage", key);
      return record ? { value: JSON.parse(record.value), version: record.version } : null;
    },
    async set(key, value, options = {}) {
      checkKey(key);
      const json = storableJson(value);
      const size = encoder.encode(key).byteLength + encoder.encode(json).byteLength;
      const [used, existing] = await Promise.all([
        store.recordBytes(plugin, "storage"),
        store.getRecord(plugin, "storage", key),
      ]);
      const before = existing
        ? encoder.encode(key).byteLength + encoder.encode(existing.value).byteLength
        : 0;
      if (used - before + size > quotaBytes) {
        throw new StorageQuotaExceeded(
          `the plugin ${plugin} would store ${used - before + size} bytes, over its quota of ` +
            `${quotaBytes} (HONEYFRAME_PLUGIN_STORAGE_MB)`,
        );
      }
      const version = await store.putRecord(plugin, "storage", key, json, options.ifVersion);
      if (version === undefined) {
        throw new StorageConflict(
          options.ifVersion === null
            ? `${key} already exists`
            : `${key} is not at version ${options.ifVersion} any more`,
        );
      }
      return { version };
    },
    delete(key) {
      checkKey(key);
      return store.deleteRecord(plugin, "storage", key);
    },
    async list(options = {}) {
      const limit = Math.min(Math.max(Math.trunc(options.limit ?? 100), 1), MAX_LIST_LIMIT);
      const after = options.cursor === undefined ? undefined : keyOfCursor(options.cursor);
      const records = await store.listRecords(plugin, "storage", {
        limit,
        ...(options.prefix ? { prefix: options.prefix } : {}),
        ...(after === undefined ? {} : { after }),
      });
      const items = records.map((record) => ({
        key: record.key,
        value: JSON.parse(record.value),
        version: record.version,
      }));
      return items.length === limit ? { items, cursor: cursorOfKey(items.at(-1)!.key) } : { items };
    },
  };
}

function checkKey(key: unknown): asserts key is string {
  if (typeof key !== "string" || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new InvalidStorageInput(`a key is a string of 1 to ${MAX_KEY_LENGTH} characters`);
  }
}

/**
 * A value as storage keeps it: JSON text of at most {@link MAX_VALUE_BYTES} bytes.
 *
 * @param value The value.
 * @returns Its JSON.
 * @throws {InvalidStorageInput} When it is not JSON, or too large.
 */
export function storableJson(value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new InvalidStorageInput(`the value is not JSON: ${(error as Error).message}`);
  }
  if (json === undefined) throw new InvalidStorageInput("the value is not JSON");
  if (encoder.encode(json).byteLength > MAX_VALUE_BYTES) {
    throw new InvalidStorageInput(`the value is over ${MAX_VALUE_BYTES} bytes as JSON`);
  }
  return json;
}

function cursorOfKey(key: string): string {
  return base64url(encoder.encode(key));
}

function keyOfCursor(cursor: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(fromBase64url(cursor));
  } catch {
    throw new InvalidStorageInput("the cursor is not one list() gave");
  }
}
