/**
 * What every backend shares about plugins' own records: their size, and which keys a query takes.
 *
 * @module
 */
import type { RecordQuery } from "./types.ts";

const encoder = new TextEncoder();

/**
 * The bytes a record takes towards its plugin's quota: its key and value as UTF-8.
 *
 * @param key The key.
 * @param value The value (JSON text).
 * @returns The byte count.
 */
export function recordSize(key: string, value: string): number {
  return encoder.encode(key).byteLength + encoder.encode(value).byteLength;
}

/**
 * Whether a key belongs in a query's page (before its limit is applied).
 *
 * @param key The key.
 * @param query The query.
 * @returns Whether it has the prefix and comes after the cursor.
 */
export function inQuery(key: string, query: RecordQuery): boolean {
  return key.startsWith(query.prefix ?? "") && (query.after === undefined || key > query.after);
}
