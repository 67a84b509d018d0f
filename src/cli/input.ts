/**
 * What `infer` sends, from its flags: one tensor from `--data`/`--datatype`/`--name`/`--shape`, or a whole V2 or V1
 * body from `--request`. JSON is parsed exactly (integers beyond 2^53 stay bigint). Pure.
 */
import { type InferRequest, isDatatype, type JsonValue, type RequestedOutput, Tensor } from "kserve-client";
import { parseJson, tensorFromJson } from "kserve-client/tensor";
import { UsageError } from "./usage.js";

/** The flags that build one input tensor. */
export interface TensorFlags {
  /** JSON: a nested or flat array. */
  data: string;
  datatype: string;
  name: string;
  /** `1,4` or `[1,4]`; from the nesting when absent. */
  shape?: string | undefined;
}

/** JSON text as a value, INT64 exact; a UsageError that names `what` when it does not parse. */
export function parseJsonFlag(text: string, what: string): JsonValue {
  try {
    return parseJson(text);
  } catch (error) {
    throw new UsageError(`${what} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A shape flag: `1,4`, `[1,4]`, or `[]` for a scalar. */
export function parseShape(text: string): number[] {
  const inner = text
    .trim()
    .replace(/^\[(.*)\]$/s, "$1")
    .trim();
  const dims = inner === "" ? [] : inner.split(",").map((d) => Number(d.trim()));
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new UsageError(`--shape ${text}: expected non-negative integers separated by commas, such as 1,4.`);
  }
  return dims;
}

/** The dimensions nested arrays have, read along their first elements (a scalar has none). */
function nestedShape(value: JsonValue): number[] {
  const shape: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0] as JsonValue) shape.push(v.length);
  return shape;
}

/** The tensor the flags describe; the Tensor's own checks (ragged data, values out of range) say what is wrong. */
export function tensorFromFlags(flags: TensorFlags): Tensor {
  const datatype = flags.datatype.toUpperCase();
  if (!isDatatype(datatype)) {
    throw new UsageError(
      `--datatype ${flags.datatype}: expected one of BOOL, UINT8 … UINT64, INT8 … INT64, FP16, FP32, FP64, BYTES, BF16.`,
    );
  }
  const data = parseJsonFlag(flags.data, "--data");
  const shape = flags.shape === undefined ? nestedShape(data) : parseShape(flags.shape);
  return new Tensor(flags.name, datatype, shape, (Array.isArray(data) ? data : [data]) as never);
}

/** A whole V2 request body (`{ inputs: [{ name, datatype, shape, data }], outputs?, id?, parameters? }`). */
export function v2RequestFromBody(body: JsonValue): InferRequest {
  if (body === null || typeof body !== "object" || Array.isArray(body) || !Array.isArray(body["inputs"])) {
    throw new UsageError('--request: a V2 body is an object with "inputs": [{ "name", "datatype", "shape", "data" }].');
  }
  const inputs = body["inputs"].map((input) => tensorFromJson(input));
  const outputs = body["outputs"];
  const request: InferRequest = { inputs };
  if (Array.isArray(outputs)) {
    request.outputs = outputs.map((o): RequestedOutput => {
      const name = (o as { name?: unknown } | null)?.name;
      if (typeof name !== "string") throw new UsageError('--request: every entry of "outputs" needs a "name".');
      return { name };
    });
  }
  if (typeof body["id"] === "string") request.id = body["id"];
  const parameters = body["parameters"];
  if (parameters !== null && typeof parameters === "object" && !Array.isArray(parameters))
    request.parameters = parameters;
  return request;
}

/** A whole V1 body (`{ instances }` or `{ inputs }`), sent as given. */
export function v1BodyFromJson(body: JsonValue): { instances: JsonValue[] } | { inputs: JsonValue } {
  if (body !== null && typeof body === "object" && !Array.isArray(body)) {
    if (Array.isArray(body["instances"])) return body as { instances: JsonValue[] };
    if (body["inputs"] !== undefined) return body as { inputs: JsonValue };
  }
  throw new UsageError('--request: a V1 body is an object with "instances": [...] or "inputs".');
}
