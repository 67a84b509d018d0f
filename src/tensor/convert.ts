/**
 * One typed pass that checks and converts tensor data: from typed arrays, flat arrays or nested arrays
 * (row-major) into the datatype's in-memory form. Used for the caller's input (errors are
 * ValidationError) and for JSON `data` from servers (errors are ProtocolError).
 */
import { type Datatype, type TensorData, TYPED_ARRAY } from "./datatype.js";
import { bf16FromNumber, fp16FromNumber } from "./float16.js";
import { PackedIntegers } from "./packed.js";
import { fail, formatShape, type Origin, show } from "./shape.js";
import { writeSafeInteger } from "./words.js";

const utf8 = new TextEncoder();
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Writes one element at a flat index; returns false if the value does not fit the datatype. */
type Put = (index: number, value: unknown) => boolean;

interface Sink {
  data: TensorData;
  put: Put;
  /** What a valid element looks like, for messages. */
  expected: string;
}

const INT_RANGES = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
  UINT8: [0, 255],
  UINT16: [0, 65535],
  UINT32: [0, 4294967295],
} as const;

function intSink(datatype: keyof typeof INT_RANGES, count: number): Sink {
  const [min, max] = INT_RANGES[datatype];
  const bigMin = BigInt(min);
  const bigMax = BigInt(max);
  const out = new TYPED_ARRAY[datatype](count) as Int32Array;
  const put: Put = (i, v) => {
    if (typeof v === "number") {
      if (!Number.isInteger(v) || v < min || v > max) return false;
      out[i] = v;
      return true;
    }
    if (typeof v === "bigint" && v >= bigMin && v <= bigMax) {
      out[i] = Number(v);
      return true;
    }
    return false;
  };
  return { data: out, put, expected: `an integer in [${min}, ${max}]` };
}

function int64Sink(signed: boolean, count: number): Sink {
  const out = signed ? new BigInt64Array(count) : new BigUint64Array(count);
  // Safe integers are written as two 32-bit words, which avoids allocating a BigInt per element. Small arrays
  // skip the view: taking .buffer of a small typed array moves it off the heap, which costs more than a few BigInts.
  const words = count >= 64 ? new Uint32Array(out.buffer) : undefined;
  const min = signed ? INT64_MIN : 0n;
  const max = signed ? INT64_MAX : UINT64_MAX;
  const put: Put = (i, v) => {
    if (typeof v === "number") {
      if (!Number.isSafeInteger(v) || (!signed && v < 0)) return false;
      if (words === undefined) out[i] = BigInt(v);
      else writeSafeInteger(words, i, v);
      return true;
    }
    if (typeof v === "bigint" && v >= min && v <= max) {
      out[i] = v;
      return true;
    }
    return false;
  };
  const expected = signed
    ? "an integer in [-2^63, 2^63 - 1] (a bigint beyond ±(2^53 - 1))"
    : "an integer in [0, 2^64 - 1] (a bigint beyond 2^53 - 1)";
  return { data: out, put, expected };
}

function floatSink(datatype: "FP32" | "FP64", count: number, allowNull: boolean): Sink {
  const out = datatype === "FP32" ? new Float32Array(count) : new Float64Array(count);
  const put: Put = (i, v) => {
    if (typeof v === "number") out[i] = v;
    else if (typeof v === "bigint") out[i] = Number(v);
    else if (v === null && allowNull)
      out[i] = NaN; // KServe and MLServer write NaN as null
    else return false;
    return true;
  };
  return { data: out, put, expected: "a number" };
}

function halfSink(fromNumber: (x: number) => number, count: number, allowNull: boolean): Sink {
  const out = new Uint16Array(count);
  const put: Put = (i, v) => {
    if (typeof v === "number") out[i] = fromNumber(v);
    else if (typeof v === "bigint") out[i] = fromNumber(Number(v));
    else if (v === null && allowNull) out[i] = fromNumber(NaN);
    else return false;
    return true;
  };
  return { data: out, put, expected: "a number" };
}

function boolSink(count: number): Sink {
  const out = new Uint8Array(count);
  const put: Put = (i, v) => {
    if (v === true || v === 1) out[i] = 1;
    else if (v === false || v === 0) out[i] = 0;
    else return false;
    return true;
  };
  return { data: out, put, expected: "true, false, 1 or 0" };
}

function bytesSink(count: number): Sink {
  const out = new Array<Uint8Array>(count);
  const put: Put = (i, v) => {
    if (typeof v === "string") out[i] = utf8.encode(v);
    else if (v instanceof Uint8Array) out[i] = v;
    else return false;
    return true;
  };
  return { data: out, put, expected: "a string or a Uint8Array" };
}

function makeSink(datatype: Datatype, count: number, origin: Origin): Sink {
  const allowNull = origin === "response";
  switch (datatype) {
    case "BOOL":
      return boolSink(count);
    case "INT64":
      return int64Sink(true, count);
    case "UINT64":
      return int64Sink(false, count);
    case "FP32":
    case "FP64":
      return floatSink(datatype, count, allowNull);
    case "FP16":
      return halfSink(fp16FromNumber, count, allowNull);
    case "BF16":
      return halfSink(bf16FromNumber, count, allowNull);
    case "BYTES":
      return bytesSink(count);
    default:
      return intSink(datatype, count);
  }
}

function typedArrayTag(value: unknown): string | undefined {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return undefined;
  // The tag is realm-safe, unlike instanceof: typed arrays from a worker or vm context still match.
  return (value as unknown as { [Symbol.toStringTag]: string })[Symbol.toStringTag];
}

/**
 * The tag of the typed array that is the datatype's own kind, taken as is (a typed array's tag is its class's
 * name). FP16 and BF16 take raw bits in a Uint16Array.
 */
function ownTag(datatype: Exclude<Datatype, "BYTES">): string {
  return TYPED_ARRAY[datatype].name;
}

/** Where data sits, for messages: whose fault a bad value is, the tensor's name, the path to its data. Internal. */
export interface DataPlace {
  origin: Origin;
  tensor: string | undefined;
  /** Path of the data itself, e.g. `data` or `outputs[0].data`. */
  path: string;
}

/**
 * Check and convert `input` into the in-memory data of a `datatype` tensor of `shape` (`count` elements).
 * A typed array of the datatype's own kind is returned as is (not copied); nothing is allocated before the
 * element count is known to match. Internal.
 */
export function toTensorData(
  datatype: Datatype,
  shape: readonly number[],
  count: number,
  input: unknown,
  where: DataPlace,
): TensorData {
  const { origin, tensor, path } = where;
  const mismatch = (received: number): never =>
    fail(origin, "data does not match shape", {
      tensor,
      path,
      expected: `${count} element${count === 1 ? "" : "s"} (shape ${formatShape(shape)})`,
      received: `${received}`,
    });
  if (input instanceof PackedIntegers) {
    // The exact JSON parser's form of big-integer arrays: INT64/UINT64 take its words as they are.
    const fits = (datatype === "INT64" && !input.hasHigh) || (datatype === "UINT64" && !input.hasNegative);
    if (!fits) return toTensorData(datatype, shape, count, input.unpack(), where); // precise errors
    if (input.length !== count) mismatch(input.length);
    return datatype === "INT64" ? new BigInt64Array(input.buffer) : new BigUint64Array(input.buffer);
  }
  const tag = typedArrayTag(input);
  if (tag !== undefined) {
    const typed = input as ArrayLike<unknown> & ArrayBufferView;
    if (datatype === "BYTES") {
      fail(
        origin,
        "invalid data",
        { tensor, path, expected: "an array of strings or Uint8Arrays", received: `a ${tag}` },
        "Wrap a single bytes element in an array: [bytes].",
      );
    }
    if (typed.length !== count) mismatch(typed.length);
    if (tag === ownTag(datatype)) {
      if (datatype === "BOOL") checkBoolBytes(typed as Uint8Array, where);
      return typed as TensorData;
    }
    if (datatype === "FP16" && tag === "Float16Array") {
      return new Uint16Array(typed.buffer, typed.byteOffset, typed.length); // same bits, no copy
    }
    const sink = makeSink(datatype, count, origin);
    for (let i = 0; i < count; i++) {
      if (!sink.put(i, typed[i])) elementError(sink, where, `${path}[${i}]`, typed[i], datatype);
    }
    return sink.data;
  }
  if (!Array.isArray(input)) {
    fail(origin, "invalid data", { tensor, path, expected: "a typed array or an array", received: show(input) });
  }
  const isRow = (x: unknown): x is ArrayLike<unknown> =>
    Array.isArray(x) || x instanceof PackedIntegers || (datatype !== "BYTES" && typedArrayTag(x) !== undefined);

  if (shape.length <= 1 || !isRow(input[0])) {
    if (input.length !== count) mismatch(input.length);
    const sink = makeSink(datatype, count, origin);
    for (let i = 0; i < count; i++) {
      if (!sink.put(i, input[i])) elementError(sink, where, `${path}[${i}]`, input[i], datatype);
    }
    return sink.data;
  }

  // Nested: check the whole structure first (so a wrong shape never allocates), then fill row by row.
  const rows = collectRows(input, shape, isRow, where);
  const width = shape[shape.length - 1]!;
  const sink = makeSink(datatype, count, origin);
  const ownRowTag = datatype === "BOOL" || datatype === "BYTES" ? undefined : ownTag(datatype);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    if (ownRowTag !== undefined && typedArrayTag(row) === ownRowTag) {
      // A row of the datatype's own typed array is taken as is, like flat input (FP16/BF16: raw bits).
      (sink.data as Uint16Array).set(row as Uint16Array, r * width);
      continue;
    }
    for (let i = 0; i < width; i++) {
      if (!sink.put(r * width + i, row[i]))
        elementError(sink, where, `${rowPath(r, shape, path)}[${i}]`, row[i], datatype);
    }
  }
  return sink.data;
}

/** The innermost arrays of nested data, in row-major order, after checking every level against `shape`. */
function collectRows(
  input: readonly unknown[],
  shape: readonly number[],
  isRow: (x: unknown) => x is ArrayLike<unknown>,
  where: DataPlace,
): ArrayLike<unknown>[] {
  const rows: ArrayLike<unknown>[] = [];
  const last = shape.length - 1;
  const index: number[] = [];
  const visit = (node: unknown, depth: number): void => {
    const size = shape[depth]!;
    const here = () =>
      `${where.path}${index
        .slice(0, depth)
        .map((i) => `[${i}]`)
        .join("")}`;
    const expected = `an array of ${size} (shape[${depth}])`;
    if (!isRow(node))
      fail(where.origin, "ragged data", { tensor: where.tensor, path: here(), expected, received: show(node) });
    if (node.length !== size) {
      fail(where.origin, "ragged data", {
        tensor: where.tensor,
        path: here(),
        expected,
        received: `length ${node.length}`,
      });
    }
    if (depth === last) {
      rows.push(node instanceof PackedIntegers ? node.unpack() : node);
      return;
    }
    for (let i = 0; i < size; i++) {
      index[depth] = i;
      visit((node as ArrayLike<unknown>)[i], depth + 1);
    }
  };
  visit(input, 0); // depth is bounded: shapes have at most 64 dimensions
  return rows;
}

/** `data[1][2]` for row 5 of shape [2, 3, 4]: the row index spelled out over the outer dimensions. */
function rowPath(row: number, shape: readonly number[], path: string): string {
  const parts: string[] = [];
  for (let d = shape.length - 2; d >= 0; d--) {
    parts.unshift(`[${row % shape[d]!}]`);
    row = Math.floor(row / shape[d]!);
  }
  return path + parts.join("");
}

function elementError(sink: Sink, where: DataPlace, path: string, value: unknown, datatype: Datatype): never {
  const unsafe = typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value);
  const hint =
    unsafe && (datatype === "INT64" || datatype === "UINT64")
      ? "Numbers beyond ±(2^53 - 1) are not exact in JavaScript; pass a bigint."
      : undefined;
  return fail(
    where.origin,
    `invalid ${datatype} element`,
    { tensor: where.tensor, path, expected: sink.expected, received: show(value) },
    hint,
  );
}

function checkBoolBytes(data: Uint8Array, where: DataPlace): void {
  for (let i = 0; i < data.length; i++) {
    if (data[i]! > 1) {
      fail(where.origin, "invalid BOOL element", {
        tensor: where.tensor,
        path: `${where.path}[${i}]`,
        expected: "0 or 1",
        received: `${data[i]}`,
      });
    }
  }
}
