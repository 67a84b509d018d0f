/**
 * Integers of one JSON array held as 64-bit two's-complement words instead of one bigint each. The exact JSON
 * parser produces these (for `decodeTensorBody` only) when an array holds integers beyond 2^53, so that a
 * million-element INT64 tensor costs one buffer rather than a million bigint allocations. Internal.
 */
import type { JsonValue } from "./json-value.js";

export class PackedIntegers {
  constructor(
    /** Exactly `length` 8-byte elements in host byte order: a BigInt64Array/BigUint64Array can view it. */
    readonly buffer: ArrayBuffer,
    readonly length: number,
    /** Some element is negative (so the elements only fit INT64). */
    readonly hasNegative: boolean,
    /** Some element is 2^63 or more (so the elements only fit UINT64). */
    readonly hasHigh: boolean,
  ) {}

  /** The elements as JSON values: numbers where they are safe integers, bigints otherwise. */
  unpack(): JsonValue[] {
    const view = this.hasHigh ? new BigUint64Array(this.buffer) : new BigInt64Array(this.buffer);
    // Stryker disable next-line ArrayDeclaration: allocating the length up front is a speed-up; the loop fills it all
    const out = new Array<JsonValue>(this.length);
    for (let i = 0; i < this.length; i++) {
      const v = view[i]!;
      out[i] = v >= -MAX_SAFE && v <= MAX_SAFE ? Number(v) : v;
    }
    return out;
  }
}

const MAX_SAFE = 9007199254740991n;

/**
 * `value` with every PackedIntegers inside replaced by plain arrays, in place. Internal. The binary decoder calls it
 * on a header's fields other than `data` (shapes, parameters), never on a tensor's elements, so it walks arrays and
 * objects alike, by their keys.
 */
export function unpackAll(value: unknown): JsonValue {
  if (value instanceof PackedIntegers) return value.unpack();
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = unpackAll(record[key]);
  }
  return value as JsonValue;
}
