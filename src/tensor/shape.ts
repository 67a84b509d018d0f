import { describeProblem, type ProblemDetails, ProtocolError, ValidationError } from "./errors.js";
import { PackedIntegers } from "./packed.js";

/** The most dimensions a shape may have (NumPy's limit too); deeper ones are a mistake, not a tensor. */
export const MAX_RANK = 64;

/** Whose fault a bad value is: the caller's (ValidationError) or the server's (ProtocolError). Internal. */
export type Origin = "input" | "response";

/** Raise the error that fits `origin`. Internal. */
export function fail(origin: Origin, problem: string, details: ProblemDetails, hint?: string): never {
  const message = describeProblem(problem, details, hint);
  throw origin === "input" ? new ValidationError(message, details) : new ProtocolError(message, details);
}

/** What a value is, for a message, never the value itself (which may be large): null, undefined, an array, an object, a number, … */
export function kindOf(value: unknown): string {
  return value == null
    ? String(value)
    : Array.isArray(value)
      ? "an array"
      : `a${typeof value === "object" ? "n" : ""} ${typeof value}`;
}

/** Short printable form of any value for error messages. Internal. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "bigint") return `${value}n`;
  if (Array.isArray(value) || value instanceof PackedIntegers) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  if (Object.is(value, -0)) return "-0";
  return String(value);
}

/**
 * Check that `shape` is a list of non-negative safe integers whose product is a safe integer, and return
 * that product (the element count). Internal: the public form is {@link numel}.
 */
export function checkShape(shape: unknown, origin: Origin, tensor?: string, path = "shape"): number {
  if (!Array.isArray(shape)) {
    fail(origin, "invalid shape", {
      tensor,
      path,
      expected: "an array of non-negative integers",
      received: show(shape),
    });
  }
  if (shape.length > MAX_RANK) {
    fail(origin, "invalid shape", {
      tensor,
      path,
      expected: `at most ${MAX_RANK} dimensions`,
      received: `${shape.length}`,
    });
  }
  let count = 1;
  for (let i = 0; i < shape.length; i++) {
    const dim: unknown = shape[i];
    if (typeof dim !== "number" || !Number.isSafeInteger(dim) || dim < 0) {
      fail(origin, "invalid shape", {
        tensor,
        path: `${path}[${i}]`,
        expected: "a non-negative integer",
        received: show(dim),
      });
    }
    count *= dim;
  }
  if (!Number.isSafeInteger(count)) {
    fail(origin, "shape too large", {
      tensor,
      path,
      expected: "at most 2^53 - 1 elements",
      received: `[${shape.join(", ")}]`,
    });
  }
  return count;
}

/**
 * The number of elements a tensor of this shape holds (the product of its dimensions; 1 for `[]`).
 * Throws a `ValidationError` if an entry is not a non-negative integer.
 */
export function numel(shape: readonly number[]): number {
  return checkShape(shape, "input");
}

/** `[2, 3]` → `"[2, 3]"`. Internal. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/**
 * Build nested arrays by `shape` from a flat row-major reader. A rank-0 shape gives the element itself.
 * Internal.
 */
export function nest<E>(shape: readonly number[], read: (index: number) => E, tensor?: string): E | NestedArrayOf<E> {
  if (shape.length === 0) return read(0);
  // [2^40, 0] holds no element but would need 2^40 empty arrays: refuse rather than exhaust memory.
  const count = shape.reduce((a, b) => a * b, 1);
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  if (rows > 2 ** 24 && rows > count) {
    fail(
      "input",
      "too many nested arrays",
      {
        tensor,
        path: "shape",
        expected: `at most ${2 ** 24} rows for ${count} elements`,
        received: `${rows} (shape ${formatShape(shape)})`,
      },
      "Read .data instead of toArray().",
    );
  }
  let next = 0;
  const build = (depth: number): NestedArrayOf<E> => {
    const size = shape[depth]!;
    const out = new Array<E | NestedArrayOf<E>>(size);
    if (depth === shape.length - 1) {
      for (let i = 0; i < size; i++) out[i] = read(next++);
    } else {
      for (let i = 0; i < size; i++) out[i] = build(depth + 1);
    }
    return out;
  };
  return build(0);
}

/** Mutable nested arrays, as returned by `toArray()`. */
export type NestedArrayOf<E> = (E | NestedArrayOf<E>)[];

/**
 * The shape nested arrays suggest, read along their first elements (`[[1, 2], [3, 4]]` → `[2, 2]`), and that
 * first leaf (undefined where an array is empty). Raggedness is for the tensor's own check to find. Internal.
 */
export function nestedShape(value: unknown): { shape: number[]; first: unknown } {
  const shape: number[] = [];
  let first = value;
  while (Array.isArray(first)) {
    shape.push(first.length);
    first = first[0];
  }
  return { shape, first };
}
