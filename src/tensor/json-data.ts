/** The JSON `data` codec: tensor elements to and from the protocol's JSON form, exact for 64-bit integers. */
import { toTensorData } from "./convert.js";
import { type Datatype, isDatatype } from "./datatype.js";
import { ValidationError } from "./errors.js";
import { bf16ToNumber, fp16ToNumber } from "./float16.js";
import { stringifyJsonAt } from "./json-write.js";
import type { JsonValue } from "./json-value.js";
import { shortestBFloat16, shortestFloat16, shortestFloat32 } from "./shortest-float.js";
import { type AnyTensor, checkDatatype, checkedTensor, checkName, type Tensor } from "./tensor.js";
import { checkShape, fail, show } from "./shape.js";
import { utf8Text } from "./utf8.js";

const BINARY_HINT = 'Send this tensor with the binary tensor extension (binary: "always").';

/**
 * The tensor's elements as a JSON array, flat and row-major: BOOL as `true`/`false`, BYTES as UTF-8
 * strings, INT64/UINT64 written digit for digit (never through `Number`), FP32/FP16/BF16 as the shortest decimal
 * that reads back as the same value (`5.1`, not the float32's double `5.099999904632568`), FP64 as `String` does.
 *
 * @throws {ValidationError} for NaN or ±Infinity (JSON has no such numbers) or BYTES that are not UTF-8;
 *   both can travel with the binary extension instead
 */
export function encodeJsonData(tensor: Tensor): string {
  const { datatype, data, name } = tensor;
  switch (datatype) {
    case "FP32":
      return encodeFloats(data as Float32Array, name, datatype, shortestFloat32);
    case "FP64":
      return encodeFloats(data as Float64Array, name, datatype, undefined);
    case "FP16":
      return encodeFloats(Array.from(data as Uint16Array, fp16ToNumber), name, datatype, shortestFloat16);
    case "BF16":
      return encodeFloats(Array.from(data as Uint16Array, bf16ToNumber), name, datatype, shortestBFloat16);
    case "BOOL": {
      const bools = data as Uint8Array;
      const parts = new Array<string>(bools.length);
      for (let i = 0; i < bools.length; i++) parts[i] = bools[i] ? "true" : "false";
      return `[${parts.join(",")}]`;
    }
    case "BYTES":
      return `[${(data as Uint8Array[]).map((bytes, i) => JSON.stringify(utf8OrThrow(bytes, name, i))).join(",")}]`;
    default:
      // Integer typed arrays (BigInt64Array included) join as exact decimal integers.
      return `[${(data as Int32Array).join(",")}]`;
  }
}

/** `shorten` maps each value to the double whose text is its shortest decimal (shortest-float.ts). */
function encodeFloats(
  data: ArrayLike<number>,
  tensor: string,
  datatype: Datatype,
  shorten: ((x: number) => number) | undefined,
): string {
  // One pass checks every value and copies it into a plain array, the input JSON.stringify is fastest on.
  const values: number[] = [];
  let negativeZeros: number[] | undefined;
  for (let i = 0; i < data.length; i++) {
    const x = data[i]!;
    if (!Number.isFinite(x)) {
      const expected = `a finite ${datatype} value`;
      throw new ValidationError(
        `Tensor "${tensor}" data[${i}] is ${x}, which JSON cannot carry: expected ${expected}, got ${x}. ${BINARY_HINT}`,
        { tensor, path: `data[${i}]`, expected, received: String(x) },
      );
    }
    if (x === 0 && 1 / x < 0) (negativeZeros ??= []).push(i);
    values.push(shorten === undefined ? x : shorten(x));
  }
  if (negativeZeros === undefined) return JSON.stringify(values);
  // JSON.stringify drops the sign of -0; "-0.0" is a negative float zero for every parser ("-0" is an int to some).
  // Long runs between them still go to JSON.stringify, which is about twice as fast as String() on each element.
  const parts: string[] = [];
  let from = 0;
  for (const at of [...negativeZeros, values.length]) {
    if (at - from > 16) parts.push(JSON.stringify(values.slice(from, at)).slice(1, -1));
    else for (let i = from; i < at; i++) parts.push(String(values[i]));
    if (at < values.length) parts.push("-0.0");
    from = at + 1;
  }
  return `[${parts.join(",")}]`;
}

function utf8OrThrow(bytes: Uint8Array, tensor: string, index: number): string {
  const text = utf8Text(bytes);
  if (text === undefined) {
    const received = `${bytes.length} bytes that are not UTF-8`;
    throw new ValidationError(
      `Tensor "${tensor}" data[${index}] cannot be a JSON string: expected UTF-8 text, got ${received}. ${BINARY_HINT}`,
      {
        tensor,
        path: `data[${index}]`,
        expected: "UTF-8 text",
        received,
      },
    );
  }
  return text;
}

/**
 * JSON text of a whole tensor object as the protocol writes it:
 * `{"name":…,"shape":[…],"datatype":…,"parameters":{…},"data":[…]}` (parameters only when set).
 */
export function encodeJsonTensor(tensor: Tensor): string {
  return `${tensorHead(tensor)},"data":${encodeJsonData(tensor)}}`;
}

/**
 * `{"name":…,"shape":[…],"datatype":…[,"parameters":{…}]` without the closing brace. `binary_data_size` is
 * framing, so only `binarySize` sets it: a stale one in the tensor's parameters is never written. Internal.
 */
export function tensorHead(tensor: Tensor, binarySize?: number): string {
  let params: string;
  if (tensor.parameters === undefined) {
    // The common case, without the object copies below.
    params = binarySize === undefined ? "" : `,"parameters":{"binary_data_size":${binarySize}}`;
  } else {
    const { binary_data_size: _stale, ...rest } = tensor.parameters;
    const parameters = binarySize === undefined ? rest : { ...rest, binary_data_size: binarySize };
    params =
      Object.keys(parameters).length === 0
        ? ""
        : `,"parameters":${stringifyJsonAt(parameters, { path: "parameters", tensor: tensor.name })}`;
  }
  return `{"name":${JSON.stringify(tensor.name)},"shape":[${tensor.shape.join(",")}],"datatype":"${tensor.datatype}"${params}`;
}

/** Tensor fields as they arrive in a JSON body, before any checking. */
export interface JsonTensorObject {
  name?: JsonValue;
  datatype?: JsonValue;
  shape?: JsonValue;
  parameters?: JsonValue;
  data?: JsonValue;
  [key: string]: JsonValue | undefined;
}

/**
 * Build a tensor from a JSON tensor object as servers send it (`data` flat or nested; `null` read as NaN
 * for floating-point datatypes; `parameters: null` read as absent). Parse the body with `parseJson` first
 * so 64-bit integers arrive exact.
 *
 * @param path where the object sits in the body, for messages (e.g. `outputs[0]`)
 * @returns an {@link AnyTensor}: check its `datatype` to narrow `data`
 * @throws {ProtocolError} if a field is missing or contradicts another (e.g. `data` length versus `shape`)
 */
export function tensorFromJson(value: JsonValue, path = ""): AnyTensor {
  return tensorFromEntry(checkTensorObject(value, path), path);
}

/** {@link tensorFromJson} on an entry already known to be an object. Internal. */
export function tensorFromEntry(entry: JsonTensorObject, path: string): AnyTensor {
  // Paths for messages are built only when a check fails: this runs for every tensor of every response.
  const name =
    typeof entry.name === "string" && entry.name !== ""
      ? entry.name
      : checkName(entry.name, "response", field(path, "name"));
  const datatype = isDatatype(entry.datatype)
    ? entry.datatype
    : checkDatatype(entry.datatype as Datatype, "response", name, field(path, "datatype"));
  const count = checkShape(entry.shape, "response", name, field(path, "shape"));
  const shape = entry.shape as number[];
  const parameters =
    entry.parameters === undefined || entry.parameters === null
      ? undefined
      : checkParameters(entry.parameters, name, field(path, "parameters"));
  if (entry.data === undefined || entry.data === null) {
    fail("response", "missing data", {
      tensor: name,
      path: field(path, "data"),
      expected: "a data array or parameters.binary_data_size",
      received: "neither",
    });
  }
  const data = toTensorData(datatype, shape, count, entry.data, {
    origin: "response",
    tensor: name,
    path: field(path, "data"),
  });
  return checkedTensor(name, datatype, shape, data, parameters);
}

/** `outputs[0].data`, or just `data` at the top. */
function field(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/** Check that a tensor entry is an object. Internal. */
export function checkTensorObject(value: JsonValue, path: string): JsonTensorObject {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    fail("response", "invalid tensor", {
      path: path || "tensor",
      expected: "an object with name, datatype, shape and data",
      received: show(value),
    });
  }
  return value as JsonTensorObject;
}

/** `parameters` of a tensor entry: null or absent → undefined; otherwise an object. Internal. */
export function checkParameters(
  value: JsonValue | undefined,
  tensor: string,
  path: string,
): { [key: string]: JsonValue } | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    fail("response", "invalid parameters", { tensor, path, expected: "an object or null", received: show(value) });
  }
  return value;
}
