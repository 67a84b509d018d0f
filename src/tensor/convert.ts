/**
 * One typed pass that checks and converts tensor data: from typed arrays, flat arrays or nested arrays
 * (row-major) into the datatype's in-memory form. Used for the caller's input (errors are
 * ValidationError) and for JSON `data` from servers (errors are ProtocolError).
 */
import { type Datatype, type TensorData, TYPED_ARRAY } from "./datatype.js";
import { bf16FromNumber, fp16FromNumber, HOST_LITTLE_ENDIAN } from "./float16.js";
import { PackedIntegers, unpackAll } from "./packed.js";
import { fail, formatShape, type Origin, show } from "./shape.js";

const utf8 = new TextEncoder();
const TWO_32 = 4294967296;
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
  // Safe integers are written as two 32-bit words, which avoids allocating a BigInt per element.
  const words = new Uint32Array(out.buffer);
  const low = HOST_LITTLE_ENDIAN ? 0 : 1;
  const high = 1 - low;
  const min = signed ? INT64_MIN : 0n;
  const max = signed ? INT64_MAX : UINT64_MAX;
  const put: Put = (i, v) => {
    if (typeof v === "number") {
      if (!Number.isSafeInteger(v) || (!signed && v < 0)) return false;
      words[2 * i + low] = v; // ToUint32: v mod 2^32, also right for negatives (two's complement)
      words[2 * i + high] = Math.floor(v / TWO_32);
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
    else if (v === null && allowNull) out[i] = NaN; // KServe and MLServer write NaN as null
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

/** The datatypes whose own typed array is taken as is. FP16 and BF16 take raw bits in a Uint16Array. */
const OWN_TAG: Record<Exclude<Datatype, "BYTES">, string> = {
  BOOL: "Uint8Array",
  UINT8: "Uint8Array",
  UINT16: "Uint16Array",
  UINT32: "Uint32Array",
  UINT64: "BigUint64Array",
  INT8: "Int8Array",
  INT16: "Int16Array",
  INT32: "Int32Array",
  INT64: "BigInt64Array",
  FP16: "Uint16Array",
  FP32: "Float32Array",
  FP64: "Float64Array",
  BF16: "Uint16Array",
};

/**
 * Check and convert `input` into the in-memory data of a `datatype` tensor of `shape` (`count` elements).
 * A typed array of the datatype's own kind is returned as is (not copied). Internal.
 */
export function toTensorData(
  datatype: Datatype,
  shape: readonly number[],
  count: number,
  input: unknown,
  origin: Origin,
  tensor: string | undefined,
): TensorData {
  const mismatch = (received: number): never =>
    fail(origin, "data does not match shape", {
      tensor,
      path: "data",
      expected: `${count} element${count === 1 ? "" : "s"} (shape ${formatShape(shape)})`,
      received: `${received}`,
    });
  if (input instanceof PackedIntegers) {
    // The exact JSON parser's form of big-integer arrays: INT64/UINT64 take its words as they are.
    const fits = (datatype === "INT64" && !input.hasHigh) || (datatype === "UINT64" && !input.hasNegative);
    if (!fits) return toTensorData(datatype, shape, count, input.unpack(), origin, tensor); // precise errors
    if (input.length !== count) mismatch(input.length);
    return datatype === "INT64" ? new BigInt64Array(input.buffer) : new BigUint64Array(input.buffer);
  }
  const tag = typedArrayTag(input);
  if (tag !== undefined) {
    const typed = input as ArrayLike<unknown> & ArrayBufferView;
    if (datatype === "BYTES") {
      fail(origin, "invalid data", { tensor, path: "data", expected: "an array of strings or Uint8Arrays", received: `a ${tag}` },
        "Wrap a single bytes element in an array: [bytes].");
    }
    if (typed.length !== count) mismatch(typed.length);
    if (tag === OWN_TAG[datatype]) {
      if (datatype === "BOOL") checkBoolBytes(typed as Uint8Array, origin, tensor);
      return typed as TensorData;
    }
    if (datatype === "FP16" && tag === "Float16Array") {
      return new Uint16Array(typed.buffer, typed.byteOffset, typed.length); // same bits, no copy
    }
    const sink = makeSink(datatype, count, origin);
    for (let i = 0; i < count; i++) {
      if (!sink.put(i, typed[i])) elementError(sink, origin, tensor, `data[${i}]`, typed[i], datatype);
    }
    return sink.data;
  }
  if (!Array.isArray(input)) {
    fail(origin, "invalid data", { tensor, path: "data", expected: "a typed array or an array", received: show(input) });
  }
  const isRow = (x: unknown): x is ArrayLike<unknown> =>
    Array.isArray(x) || (datatype !== "BYTES" && typedArrayTag(x) !== undefined);
  let list: unknown[] = input;
  if (shape.length > 1 && (isRow(list[0]) || list[0] instanceof PackedIntegers)) {
    list = unpackAll(list) as unknown[]; // nested rows the exact parser packed: walk them as plain arrays
  }
  const sink = makeSink(datatype, count, origin);

  if (shape.length <= 1 || !isRow(list[0])) {
    if (list.length !== count) mismatch(list.length);
    for (let i = 0; i < count; i++) {
      if (!sink.put(i, list[i])) elementError(sink, origin, tensor, `data[${i}]`, list[i], datatype);
    }
    return sink.data;
  }

  let next = 0;
  const last = shape.length - 1;
  const visit = (node: unknown, depth: number, path: string): void => {
    const size = shape[depth]!;
    if (!isRow(node)) {
      fail(origin, "ragged data", { tensor, path, expected: `an array of ${size} (shape[${depth}])`, received: show(node) });
    }
    if (node.length !== size) {
      fail(origin, "ragged data", { tensor, path, expected: `an array of ${size} (shape[${depth}])`, received: `length ${node.length}` });
    }
    if (depth === last) {
      for (let i = 0; i < size; i++) {
        const value = node[i];
        if (!sink.put(next++, value)) elementError(sink, origin, tensor, `${path}[${i}]`, value, datatype);
      }
    } else {
      for (let i = 0; i < size; i++) visit(node[i], depth + 1, `${path}[${i}]`);
    }
  };
  visit(list, 0, "data");
  return sink.data;
}

function elementError(sink: Sink, origin: Origin, tensor: string | undefined, path: string, value: unknown, datatype: Datatype): never {
  const unsafe = typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value);
  const hint =
    unsafe && (datatype === "INT64" || datatype === "UINT64")
      ? "Numbers beyond ±(2^53 - 1) are not exact in JavaScript; pass a bigint."
      : undefined;
  return fail(origin, `invalid ${datatype} element`, { tensor, path, expected: sink.expected, received: show(value) }, hint);
}

function checkBoolBytes(data: Uint8Array, origin: Origin, tensor: string | undefined): void {
  for (let i = 0; i < data.length; i++) {
    if (data[i]! > 1) {
      fail(origin, "invalid BOOL element", { tensor, path: `data[${i}]`, expected: "0 or 1", received: `${data[i]}` });
    }
  }
}
