/** V1 answers: the envelope checked with zod/mini, integers kept exact, predictions readable as a tensor. */
import * as z from "zod/mini";
import { checkAnswerShape, parseJsonBody } from "../core/json-answer.js";
import { toTensorData } from "../tensor/convert.js";
import {
  type AnyTensor,
  isDatatype,
  type JsonValue,
  parseJson,
  ProtocolError,
  ValidationError,
} from "../tensor/index.js";
import { checkShape, nestedShape } from "../tensor/shape.js";
import { checkedTensor, checkName } from "../tensor/tensor.js";
import type { V1Result, V1TensorOptions } from "./types.js";

/**
 * A predict/explain answer: a JSON object. `predictions` and `outputs` may hold anything the model returns. A loose
 * object, as V2's `parameters`: the same check as a string-keyed record, with one zod schema kind fewer in bundles.
 */
const answerSchema = z.looseObject({});
const readySchema = z.object({ ready: z.union([z.boolean(), z.string()]) });
const modelsSchema = z.object({ models: z.array(z.string()) });

/**
 * Decode a predict or explain answer.
 *
 * @throws {ProtocolError} if the body is not JSON, or not a JSON object
 */
export function decodeV1Answer(body: Uint8Array, what: string): V1Result {
  const value = parseJsonBody(body, what, parseJson);
  return v1Result(checkAnswerShape(answerSchema, value, `answer to ${what}`) as { [field: string]: JsonValue });
}

/** The result of an answer already decoded (a batcher's cut of a batch's answer is one too). */
export function v1Result(answer: { [field: string]: JsonValue }): V1Result {
  const predictions = answer["predictions"];
  return {
    // KServe always sends a list; anything else (a custom model's) stays readable in body and through tensor().
    predictions: Array.isArray(predictions) ? predictions : undefined,
    outputs: answer["outputs"],
    body: answer,
    tensor: ((options: V1TensorOptions = {}) => predictionsTensor(answer, options)) as V1Result["tensor"],
  };
}

/** `ready` of a model-ready answer: `true`/`false`, or the strings "True"/"False" KServe 0.14 sends. */
export function decodeReady(body: Uint8Array, what: string): boolean {
  const { ready } = checkAnswerShape(readySchema, parseJsonBody(body, what, parseJson), `answer to ${what}`);
  if (typeof ready === "boolean") return ready;
  const word = ready.toLowerCase();
  if (word === "true" || word === "false") return word === "true";
  throw new ProtocolError(
    `The answer to ${what} has ready ${JSON.stringify(ready)}; expected true, false, "True" or "False".`,
    {
      path: "ready",
      expected: 'true, false, "True" or "False"',
      received: JSON.stringify(ready),
    },
  );
}

export function decodeModels(body: Uint8Array, what: string): string[] {
  return checkAnswerShape(modelsSchema, parseJsonBody(body, what, parseJson), `answer to ${what}`).models;
}

function predictionsTensor(answer: { [field: string]: JsonValue }, options: V1TensorOptions): AnyTensor {
  let source: JsonValue | undefined;
  let where: string;
  if (options.output !== undefined) {
    const outputs = answer["outputs"];
    where = `outputs.${options.output}`;
    if (
      outputs === null ||
      typeof outputs !== "object" ||
      Array.isArray(outputs) ||
      !Object.hasOwn(outputs, options.output)
    ) {
      const names =
        outputs !== null && typeof outputs === "object" && !Array.isArray(outputs)
          ? Object.keys(outputs)
              .map((n) => `"${n}"`)
              .join(", ") || "none"
          : "none";
      throw new ValidationError(
        `The answer has no output "${options.output}" at ${where}: expected a named output, got outputs by name: ${names}. Pass one of those as output.`,
        { path: where, expected: "a named output", received: names },
      );
    }
    source = outputs[options.output];
  } else {
    where = answer["predictions"] !== undefined ? "predictions" : "outputs";
    source = answer[where];
  }
  if (source === undefined || source === null) {
    const what = options.output === undefined ? "predictions or outputs" : where;
    const received = source === null ? "null" : "nothing";
    throw new ValidationError(
      `The answer has no ${what} to read as a tensor: expected an array of numbers at ${where}, got ${received}. Read the answer from .body.`,
      {
        path: where,
        expected: "an array of numbers",
        received,
      },
    );
  }
  const { shape, first } = nestedShape(source);
  const datatype = options.datatype ?? (typeof first === "boolean" ? "BOOL" : allIntegers(source) ? "INT64" : "FP64");
  const name = checkName(
    options.name ?? options.output ?? "predictions",
    "input",
    options.name === undefined ? "options.output" : "options.name",
  );
  if (!isDatatype(datatype) || datatype === "BYTES") {
    throw new ValidationError(
      `Tensor "${name}" ${where}: tensor() reads numbers or booleans: expected a numeric datatype, got ${String(datatype)}. Read strings from .${where}.`,
      { tensor: name, path: where, expected: "a numeric datatype", received: String(datatype) },
    );
  }
  const data = Array.isArray(source) ? source : [source]; // a single value reads as a rank-0 tensor
  // Read as a server's answer, not as caller input: KServe writes NaN and ±Infinity as null, read back as NaN.
  try {
    const count = checkShape(shape, "response", name, where);
    const values = toTensorData(datatype, shape, count, data, { origin: "response", tensor: name, path: where });
    return checkedTensor(name, datatype, shape, values, undefined);
  } catch (error) {
    // The answer is fine as V1 (predictions may be anything); it just is not this tensor: the caller's ask failed.
    if (!(error instanceof ProtocolError)) throw error;
    throw new ValidationError(
      `The ${where} cannot be read as a ${datatype} tensor: ${error.rawMessage}`,
      error.details,
      { cause: error },
    );
  }
}

function allIntegers(value: JsonValue): boolean {
  if (Array.isArray(value)) return value.every(allIntegers);
  return typeof value === "bigint" || (typeof value === "number" && Number.isInteger(value));
}
