/** JSON values as the API holds them: copying, comparing, telling objects from arrays. */

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Whether `value` is a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A deep copy through JSON, which is what arrives over the wire: `undefined` fields vanish and Dates
 * (client-node's typed objects hold some) become strings, so in-process callers get the HTTP semantics.
 */
export function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export { sameJson } from "../../internal/json.js";
