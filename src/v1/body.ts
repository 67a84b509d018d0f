/**
 * V1 request bodies: tensors written as rows (`instances`) or columns (`inputs`), raw bodies checked and
 * passed through. Written by hand so that INT64 beyond 2^53 goes out exact and nothing is dropped silently.
 */
import { base64 } from "../internal/base64.js";
import { stringifyJsonAt } from "../tensor/json-write.js";
import { shortestBFloat16, shortestFloat16, shortestFloat32 } from "../tensor/shortest-float.js";
import { kindOf } from "../tensor/shape.js";
import { utf8Text } from "../tensor/utf8.js";
import { bf16ToNumber, fp16ToNumber, Tensor, ValidationError } from "../tensor/index.js";
import type { V1Request } from "./types.js";

/**
 * The JSON text of a V1 request.
 *
 * @throws {ValidationError} for a body with neither or both of `instances` and `inputs`, a rank-0 tensor as
 *   rows, columns whose batch sizes differ, or values JSON cannot carry (NaN, ±Infinity)
 */
export function buildV1Body(verb: "predict" | "explain", model: string, request: V1Request): string {
  const body = request as { instances?: unknown; inputs?: unknown; [field: string]: unknown } | null;
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    const received = Array.isArray(body) ? "an array" : String(body);
    throw new ValidationError(
      `${verb}("${model}") needs the body as an object such as { instances: tensor }: expected an object, got ${received}.`,
      {
        path: "body",
        expected: "an object",
        received,
      },
    );
  }
  const hasInstances = body.instances !== undefined;
  const hasInputs = body.inputs !== undefined;
  if (hasInstances === hasInputs) {
    throw new ValidationError(
      `${verb}("${model}") needs exactly one of "instances" (rows) and "inputs" (columns) in the body, got ${hasInstances ? "both" : "neither"}.`,
      {
        path: "body",
        expected: 'one of "instances" and "inputs"',
        received: hasInstances ? "both" : "neither",
      },
    );
  }
  if (body.instances instanceof Tensor) {
    const rest = fieldsBesides(body, "instances");
    return `{${rest}"instances":${rows(body.instances)}}`;
  }
  if (hasInputs && isTensorRecord(body.inputs)) {
    const rest = fieldsBesides(body, "inputs");
    return `{${rest}"inputs":${columns(body.inputs)}}`;
  }
  if (hasInstances && !Array.isArray(body.instances)) {
    throw new ValidationError(
      `${verb}("${model}"): instances must be a Tensor or a list (one element per instance): expected a Tensor or an array, got ${kindOf(body.instances)}.`,
      {
        path: "instances",
        expected: "a Tensor or an array",
        received: typeof body.instances,
      },
    );
  }
  // A raw body goes as it is, in its own key order, checked as it is written.
  return stringifyJsonAt(body, { path: "", refuse: refuseLossy });
}

/** Other top-level fields (e.g. signature_name), written first, each followed by a comma. */
function fieldsBesides(body: Record<string, unknown>, key: string): string {
  let out = "";
  for (const name of Object.keys(body)) {
    if (name === key || name === "instances" || name === "inputs" || body[name] === undefined) continue;
    out += `${JSON.stringify(name)}:${stringifyJsonAt(body[name], { path: name, refuse: refuseLossy })},`;
  }
  return out;
}

/** True for `{ name: Tensor, … }`; a mix of tensors and other values is an error rather than a guess. */
function isTensorRecord(value: unknown): value is Readonly<Record<string, Tensor>> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  const tensors = entries.filter(([, v]) => v instanceof Tensor).length;
  if (tensors === 0) return false;
  if (tensors < entries.length) {
    const [name] = entries.find(([, v]) => !(v instanceof Tensor))!;
    const other = (value as Record<string, unknown>)[name];
    throw new ValidationError(
      `"inputs" mixes tensors with other values: inputs.${name} is ${kindOf(other)}, expected a Tensor. Give every input as a Tensor, or the whole body as raw JSON.`,
      { path: `inputs.${name}`, expected: "a Tensor", received: typeof other },
    );
  }
  return true;
}

/** `[N, …]` → `[row0, row1, …]`, each row nested by the remaining dimensions. */
function rows(tensor: Tensor): string {
  if (tensor.shape.length === 0) {
    throw new ValidationError(
      `Tensor "${tensor.name}" has no batch dimension, so it cannot be sent as instances (rows): expected shape [N, …], got []. Give it shape [1, …] or [N, …].`,
      {
        tensor: tensor.name,
        path: "instances",
        expected: "shape [N, …]",
        received: "[]",
      },
    );
  }
  return nested(tensor);
}

/** `{ name: full tensor, … }`, every tensor with the same first dimension. */
function columns(inputs: Readonly<Record<string, Tensor>>): string {
  let batch: { name: string; size: number } | undefined;
  const parts: string[] = [];
  for (const [name, tensor] of Object.entries(inputs)) {
    const size = tensor.shape[0];
    if (size === undefined) {
      throw new ValidationError(
        `inputs.${name} (tensor "${tensor.name}") has no batch dimension: columnar inputs need shape [N, …], got []. Give it shape [1, …] or [N, …].`,
        {
          tensor: tensor.name,
          path: `inputs.${name}`,
          expected: "shape [N, …]",
          received: "[]",
        },
      );
    }
    if (batch !== undefined && size !== batch.size) {
      throw new ValidationError(
        `inputs.${name}.shape[0] (tensor "${tensor.name}") has batch size ${size} but inputs.${batch.name} has ${batch.size}: columnar inputs share the batch dimension, so expected ${batch.size}, got ${size}.`,
        {
          tensor: tensor.name,
          path: `inputs.${name}.shape[0]`,
          expected: String(batch.size),
          received: String(size),
        },
      );
    }
    batch ??= { name, size };
    parts.push(`${JSON.stringify(name)}:${nested(tensor)}`);
  }
  return `{${parts.join(",")}}`;
}

/** The tensor's values as nested JSON arrays by its shape. */
function nested(tensor: Tensor): string {
  const values = elementTexts(tensor);
  const { shape } = tensor;
  let index = 0;
  const write = (dim: number): string => {
    if (dim === shape.length) return values[index++]!;
    const parts = new Array<string>(shape[dim]!);
    for (let i = 0; i < parts.length; i++) parts[i] = write(dim + 1);
    return `[${parts.join(",")}]`;
  };
  return write(0);
}

/**
 * Each element as JSON text: integers exact, FP32/FP16/BF16 as the shortest decimal that reads back as the same
 * value (`5.1`), FP64 as `String` writes it, BYTES as a string or, when not UTF-8, `{"b64": …}`.
 */
function elementTexts(tensor: Tensor): string[] {
  const { datatype, name } = tensor;
  const out = new Array<string>(tensor.data.length);
  const finite = (x: number, i: number): string => {
    if (!Number.isFinite(x)) {
      const expected = `a finite ${datatype} value`;
      throw new ValidationError(
        `Tensor "${name}" data[${i}] is ${x}, which JSON cannot carry (V1 has no binary form for it): expected ${expected}, got ${x}.`,
        {
          tensor: name,
          path: `data[${i}]`,
          expected,
          received: String(x),
        },
      );
    }
    return x === 0 && 1 / x < 0 ? "-0.0" : String(x);
  };
  switch (datatype) {
    case "BOOL":
      (tensor.data as Uint8Array).forEach((b, i) => (out[i] = b ? "true" : "false"));
      break;
    case "BYTES":
      (tensor.data as Uint8Array[]).forEach((bytes, i) => (out[i] = bytesText(bytes)));
      break;
    case "FP16":
      (tensor.data as Uint16Array).forEach((bits, i) => (out[i] = finite(shortestFloat16(fp16ToNumber(bits)), i)));
      break;
    case "BF16":
      (tensor.data as Uint16Array).forEach((bits, i) => (out[i] = finite(shortestBFloat16(bf16ToNumber(bits)), i)));
      break;
    case "FP32":
      (tensor.data as Float32Array).forEach((x, i) => (out[i] = finite(shortestFloat32(x), i)));
      break;
    case "FP64":
      (tensor.data as Float64Array).forEach((x, i) => (out[i] = finite(x, i)));
      break;
    default: {
      // Integers, BigInt64Array included: decimal text, exact.
      const data = tensor.data as ArrayLike<number | bigint>;
      for (let i = 0; i < data.length; i++) out[i] = String(data[i]);
    }
  }
  return out;
}

function bytesText(bytes: Uint8Array): string {
  const text = utf8Text(bytes);
  return text === undefined ? `{"b64":"${base64(bytes)}"}` : JSON.stringify(text);
}

/**
 * Refuse what JSON would change silently in a raw body: NaN and ±Infinity (written as null), undefined in an
 * array (null), functions and symbols (dropped), a Tensor, typed arrays, Maps and Sets (written as objects).
 */
function refuseLossy(value: unknown, at: () => string, inArray: boolean): void {
  switch (typeof value) {
    case "number":
      if (!Number.isFinite(value)) {
        const path = at();
        throw new ValidationError(
          `${path || "body"} is ${value}, which JSON cannot carry (expected a finite number); the server would receive null.`,
          {
            path,
            expected: "a finite number",
            received: String(value),
          },
        );
      }
      return;
    case "undefined":
      // Undefined properties are left out, as JSON.stringify does; in an array it would write null.
      if (inArray) {
        const path = at();
        throw new ValidationError(
          `${path} is undefined, which JSON cannot carry (expected a JSON value); the server would receive null. Use null explicitly.`,
          {
            path,
            expected: "a JSON value",
            received: "undefined",
          },
        );
      }
      return;
    case "function":
    case "symbol": {
      const path = at();
      throw new ValidationError(
        `${path || "body"} is a ${typeof value}, which JSON cannot carry (expected a JSON value); JSON.stringify would drop it.`,
        {
          path,
          expected: "a JSON value",
          received: typeof value,
        },
      );
    }
    case "object":
      if (value instanceof Tensor) {
        const path = at();
        throw new ValidationError(
          `${path} is a Tensor inside a raw body (expected a JSON value); tensors go as { instances: tensor } or { inputs: { name: tensor } }.`,
          {
            path,
            expected: "a JSON value",
            received: "a Tensor",
          },
        );
      }
      if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Map || value instanceof Set) {
        // JSON.stringify writes a typed array as {"0":…} and a Map or Set as {}: never what was meant.
        const path = at();
        throw new ValidationError(
          `${path || "body"} is a ${value.constructor.name}, which JSON does not carry as such (expected a plain JSON value); give a plain array (bytes as { b64: "…" }), or send tensors as { instances: tensor }.`,
          { path, expected: "a plain JSON value", received: value.constructor.name },
        );
      }
      return;
    default:
      return;
  }
}
