/**
 * What `infer` prints: JSON that reads back exactly (INT64 digit for digit, FP32 in its shortest digits), or tables
 * for a person at a terminal (Node's console.table). Pure apart from console.table's rendering into a string.
 */
import { Console } from "node:console";
import { Writable } from "node:stream";
import { type AnyTensor, type InferResult, isKServeError, type JsonValue, type V1Result } from "kserve-client";
import { encodeJsonData, stringifyJson } from "kserve-client/tensor";

/** One output's `data` as JSON: exact; NaN and ±Infinity, which JSON lacks, as strings; non-UTF-8 BYTES as `{"b64"}`. */
function dataJson(tensor: AnyTensor): string {
  try {
    return encodeJsonData(tensor);
  } catch (error) {
    if (!isKServeError(error)) throw error;
    const values = tensor.datatype === "BYTES" ? tensor.data.map(bytesJson) : Array.from(flat(tensor), numberJson);
    return stringifyJson(values);
  }
}

const numberJson = (x: unknown): JsonValue =>
  typeof x === "number" && !Number.isFinite(x) ? String(x) : (x as JsonValue);

function bytesJson(bytes: Uint8Array): JsonValue {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { b64: btoa(String.fromCharCode(...bytes)) };
  }
}

/** The elements, row-major, as `at()` reads them (FP16/BF16 as numbers, BOOL as booleans). */
function flat(tensor: AnyTensor): unknown[] {
  // Typed as depth 1: TypeScript cannot type flat(Infinity) on nested unknowns (it recurses); the call flattens all.
  return ([tensor.toArray()] as unknown[]).flat(Number.POSITIVE_INFINITY as 1);
}

/** A V2 answer as V2 JSON: `{"model_name", "model_version", "id", "parameters", "outputs": [{ … "data" }]}`. */
export function v2ResultJson(result: InferResult): string {
  const head = stringifyJson({
    model_name: result.modelName,
    model_version: result.modelVersion ?? null,
    id: result.id ?? null,
    parameters: (result.parameters ?? null) as JsonValue,
  });
  const outputs = result.outputs.map(
    (t) =>
      `{"name":${JSON.stringify(t.name)},"datatype":"${t.datatype}","shape":[${t.shape.join(",")}],${
        t.parameters === undefined ? "" : `"parameters":${stringifyJson(t.parameters as JsonValue)},`
      }"data":${dataJson(t)}}`,
  );
  return `${head.slice(0, -1)},"outputs":[${outputs.join(",")}]}`;
}

/** A V1 answer as it came, exactly. */
export function v1ResultJson(result: V1Result): string {
  return stringifyJson(result.body);
}

/** Text that console.table writes for `data`. */
function table(data: unknown): string {
  let text = "";
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  new Console({ stdout: sink, colorMode: false }).table(data);
  return text;
}

/** A tensor's elements as table rows: a column for rank 1, a matrix for rank 2, the last dimension per row beyond. */
function rows(tensor: AnyTensor): unknown[] | unknown[][] {
  const values = tensor.datatype === "BYTES" ? tensor.data.map(bytesJson) : flat(tensor);
  const width = tensor.shape.length < 2 ? 1 : tensor.shape[tensor.shape.length - 1]!;
  if (width === 1 || tensor.shape.length < 2) return values;
  return Array.from({ length: values.length / width }, (_, r) => values.slice(r * width, (r + 1) * width));
}

/** A V2 answer for a terminal: the model, then each output's datatype, shape and a table of its values. */
export function v2ResultTable(result: InferResult): string {
  const lines = [
    `model ${result.modelName}${result.modelVersion ? ` version ${result.modelVersion}` : ""}, id ${result.id ?? "–"}`,
  ];
  for (const t of result.outputs)
    lines.push(`\n${t.name}  ${t.datatype}  [${t.shape.join(", ")}]`, table(rows(t)).trimEnd());
  return `${lines.join("\n")}\n`;
}

/** A V1 answer for a terminal: its predictions as a table, or the answer as JSON when it has none. */
export function v1ResultTable(result: V1Result): string {
  if (result.predictions === undefined) return `${v1ResultJson(result)}\n`;
  return table(result.predictions);
}
