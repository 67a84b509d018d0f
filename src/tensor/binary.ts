/**
 * Framing of the binary tensor data extension: a JSON header of exactly `Inference-Header-Content-Length`
 * bytes, then one binary section per tensor that carries `parameters.binary_data_size`, in the order of the
 * header's `inputs`/`outputs` array.
 */
import { isDatatype } from "./datatype.js";
import { ProtocolError, ValidationError } from "./errors.js";
import { parseJsonText } from "./json-parse.js";
import { stringifyJsonAt } from "./json-write.js";
import { checkParameters, checkTensorObject, encodeJsonData, tensorFromEntry, tensorHead } from "./json-data.js";
import { unpackAll } from "./packed.js";
import { tensorFromBytes, tensorToBytes } from "./raw.js";
import { checkShape, fail, show } from "./shape.js";
import type { JsonValue } from "./json-value.js";
import type { AnyTensor, Tensor } from "./tensor.js";
import { checkName } from "./tensor.js";
import { utf8Bytes } from "./utf8.js";

/** A request or response body ready to send: send `chunks` in order (no need to concatenate them). */
export interface EncodedBody {
  /** The UTF-8 JSON header first, then one chunk per tensor that travels binary. */
  chunks: Uint8Array[];
  /** Bytes in the JSON header: the value of `Inference-Header-Content-Length`. */
  headerLength: number;
  /** Bytes in all chunks together (the body's Content-Length). */
  byteLength: number;
  /** True if any tensor travels binary; false means the body is plain JSON. */
  hasBinary: boolean;
}

/** Options of {@link encodeTensorBody}. */
export interface EncodeTensorBodyOptions {
  /** The array the tensors go in: `"inputs"` for an inference request, `"outputs"` for a response. */
  key: "inputs" | "outputs";
  /** Other top-level fields (e.g. `id`, `parameters`, `outputs`), written before the tensors; undefined ones are left out. */
  fields?: Readonly<Record<string, unknown>> | undefined;
  /** Which tensors travel in the binary tail; the rest are written as JSON `data`. Default: all. */
  binary?: ((tensor: Tensor, index: number) => boolean) | undefined;
}

const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Encode tensors into a JSON header plus binary sections. Binary tensors get
 * `parameters.binary_data_size` and no `data`; their bytes are views of the tensor data where possible.
 * A short header is a view of a shared buffer (as Node's small Buffers are): send or copy the chunks
 * themselves, never their `.buffer`.
 *
 * @throws {ValidationError} if a tensor written as JSON holds values JSON cannot carry
 */
export function encodeTensorBody(tensors: readonly Tensor[], options: EncodeTensorBodyOptions): EncodedBody {
  const binary = options.binary;
  const binaryChunks: Uint8Array[] = [];
  let text = "{";
  let tail = 0;
  const fields = options.fields;
  if (fields !== undefined) {
    for (const name of Object.keys(fields)) {
      const value = fields[name];
      if (value === undefined) continue;
      if (name === options.key) {
        throw new ValidationError(
          `fields.${name} collides with the tensors, which are written as "${name}": expected no field named like the tensor key, got ${show(value)}. Leave it out of fields.`,
          {
            path: `fields.${name}`,
            expected: "no field named like the tensor key",
            received: show(value),
          },
        );
      }
      text += `${JSON.stringify(name)}:${stringifyJsonAt(value, { path: name })},`;
    }
  }
  text += `"${options.key}":[`;
  for (let i = 0; i < tensors.length; i++) {
    const tensor = tensors[i]!;
    if (i > 0) text += ",";
    if (binary === undefined || binary(tensor, i)) {
      const bytes = tensorToBytes(tensor);
      binaryChunks.push(bytes);
      tail += bytes.byteLength;
      text += `${tensorHead(tensor, bytes.byteLength)}}`;
    } else {
      text += `${tensorHead(tensor)},"data":${encodeJsonData(tensor)}}`;
    }
  }
  const header = utf8Bytes(`${text}]}`);
  return {
    chunks: [header, ...binaryChunks],
    headerLength: header.byteLength,
    byteLength: header.byteLength + tail,
    hasBinary: binaryChunks.length > 0,
  };
}

/** Options of {@link decodeTensorBody}. */
export interface DecodeTensorBodyOptions {
  /** The array that holds the tensors: `"outputs"` in a response, `"inputs"` in a request. */
  key: "inputs" | "outputs";
  /**
   * The `Inference-Header-Content-Length` value (number or the header's text); absent means the whole
   * body is JSON.
   */
  headerLength?: number | string | null | undefined;
}

/** A decoded body: its other JSON fields, and the tensors (from JSON `data` or binary sections). */
export interface DecodedBody {
  /** The top-level JSON fields other than the tensor array (e.g. `model_name`, `id`, `parameters`). */
  fields: { [key: string]: JsonValue };
  /** The tensors, in body order; `binary_data_size` is removed from their parameters. Check `datatype` to narrow each. */
  tensors: AnyTensor[];
}

/**
 * Decode a body that may use the binary extension into tensors. Binary sections become typed-array views
 * of `body` where the offset is aligned, one copy otherwise.
 *
 * @throws {ProtocolError} if the header length is not a valid offset, the header is not JSON, a section runs
 *   past the end of the body, sections do not add up to the body, or a tensor contradicts its shape
 */
export function decodeTensorBody(body: Uint8Array, options: DecodeTensorBodyOptions): DecodedBody {
  if (!(body instanceof Uint8Array)) {
    throw new ValidationError(`decodeTensorBody needs the body as a Uint8Array, got ${show(body)}.`, {
      path: "body",
      expected: "a Uint8Array",
      received: show(body),
    });
  }
  const key: unknown = options?.key;
  if (key !== "inputs" && key !== "outputs") {
    throw new ValidationError(`decodeTensorBody needs options.key "inputs" or "outputs", got ${show(key)}.`, {
      path: "options.key",
      expected: '"inputs" or "outputs"',
      received: show(key),
    });
  }
  const headerLength = checkHeaderLength(options.headerLength, body.byteLength);
  const end = headerLength ?? body.byteLength;
  let text: string;
  try {
    text = utf8Decoder.decode(end === body.byteLength ? body : body.subarray(0, end));
  } catch {
    throw new ProtocolError(`The JSON header (${end} bytes) is not valid UTF-8.`, { expected: "UTF-8 JSON" });
  }
  // Packed integers keep big INT64/UINT64 data arrays off the bigint-per-element path; only `data` may keep them.
  const { value: parsed, packed } = parseJsonText(text, true);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ProtocolError(`Expected a JSON object as the body, got ${show(parsed)}.`, {
      expected: "a JSON object",
      received: show(parsed),
    });
  }
  let list: JsonValue | undefined;
  const rest: { [key: string]: JsonValue } = {};
  for (const name of Object.keys(parsed)) {
    if (name === key) list = parsed[name];
    // A "__proto__" key is data, as JSON.parse made it: defined, never assigned (which would set the prototype).
    else if (name === "__proto__")
      Object.defineProperty(rest, name, { value: parsed[name], enumerable: true, writable: true, configurable: true });
    else rest[name] = parsed[name]!;
  }
  const fields = (packed ? unpackAll(rest) : rest) as { [key: string]: JsonValue };
  if (list !== undefined && !Array.isArray(list)) {
    fail("response", "", { path: key, expected: "an array of tensors", received: show(list) });
  }
  let offset = end;
  const tensors = (list ?? []).map((value, i) => {
    const path = `${key}[${i}]`;
    const entry = checkTensorObject(value, path);
    if (packed) for (const field of Object.keys(entry)) if (field !== "data") entry[field] = unpackAll(entry[field]);
    const name = checkName(entry.name, "response", `${path}.name`);
    const parameters = checkParameters(entry.parameters, name, `${path}.parameters`);
    const size = parameters?.["binary_data_size"];
    if (size === undefined || size === null) return tensorFromEntry(entry, path);

    const { binary_data_size: _size, ...others } = parameters!;
    const where = { tensor: name, path: `${path}.parameters.binary_data_size` };
    // A bigint (an integer token beyond 2^53) is no number: refused here like any other non-size.
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
      fail("response", "invalid binary_data_size", {
        ...where,
        expected: "a non-negative integer",
        received: show(size),
      });
    }
    // Triton leaves the header length out when every binary section is empty: size 0 needs no tail.
    if (headerLength === undefined && size > 0) {
      fail("response", "binary_data_size without Inference-Header-Content-Length", {
        ...where,
        expected: "an Inference-Header-Content-Length header",
        received: "none",
      });
    }
    if (entry.data !== undefined && entry.data !== null) {
      fail("response", "both data and binary_data_size", { ...where, expected: "one of them", received: "both" });
    }
    if (offset + size > body.byteLength) {
      fail("response", "binary section runs past the end of the body", {
        ...where,
        expected: `${size} bytes at offset ${offset}`,
        received: `${body.byteLength - offset} bytes left`,
      });
    }
    checkShape(entry.shape, "response", name, `${path}.shape`);
    const datatype = entry.datatype;
    if (!isDatatype(datatype)) {
      fail("response", "unknown datatype", {
        tensor: name,
        path: `${path}.datatype`,
        expected: "a known datatype",
        received: show(datatype),
      });
    }
    const section = body.subarray(offset, offset + size);
    offset += size;
    return tensorFromBytes(
      name,
      datatype,
      entry.shape as number[],
      section,
      Object.keys(others).length > 0 ? others : undefined,
    );
  });
  if (offset !== body.byteLength) {
    fail("response", "binary sections do not add up to the body", {
      expected: `${offset} bytes (header and sections)`,
      received: `${body.byteLength} bytes`,
    });
  }
  return { fields, tensors };
}

function checkHeaderLength(value: number | string | null | undefined, bodyLength: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === "number" ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0 || n > bodyLength) {
    fail("response", "invalid Inference-Header-Content-Length", {
      path: "inference-header-content-length",
      expected: `an integer from 1 to the body length (${bodyLength})`,
      received: show(value),
    });
  }
  return n;
}
