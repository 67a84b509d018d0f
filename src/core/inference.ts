/**
 * What every V2 transport (REST and gRPC) does the same way around an inference: check the caller's request
 * before anything is sent, hand back the result with its `output(name)` lookup, and poll for readiness.
 * Here, below both, so that the protocol modules never import each other's code.
 */
import { KServeError, type ProblemDetails, ProtocolError, ValidationError } from "./errors.js";
import { describeProblem } from "../tensor/errors.js";
import { kindOf } from "../tensor/shape.js";
import { type AnyTensor, Tensor } from "../tensor/tensor.js";
import type { Datatype } from "../tensor/datatype.js";
import type { TensorParameters } from "../tensor/json-value.js";

/** An inference response. */
export interface InferResult {
  modelName: string;
  modelVersion: string | undefined;
  id: string | undefined;
  parameters: TensorParameters | undefined;
  /** The outputs, in the server's order. Each is an {@link AnyTensor}: check its `datatype` to narrow its `data`. */
  outputs: AnyTensor[];
  /**
   * The output called `name`. Without `datatype` it is an {@link AnyTensor}: check its `datatype` to narrow its
   * `data`. With `datatype` it must be of that datatype, and is typed so: `output("output-0", "INT64").data` is
   * a `BigInt64Array`.
   *
   * @throws {KServeError} `not_found`, naming the outputs that did come back, if there is no output `name`
   * @throws {ProtocolError} if the output came back as another datatype than `datatype` (the message names the
   *   model, the output, the datatype expected and the one that came)
   */
  output<D extends Datatype = Datatype>(name: string, datatype?: D): AnyTensor<D>;
}

/** The parts of an inference request checked here (the V2 `InferRequest` has them). */
export interface CheckedInferRequest {
  inputs: readonly Tensor[];
  outputs?: readonly { name: string; classCount?: number | undefined }[] | undefined;
  id?: string | undefined;
}

/**
 * Check an inference request: at least one input, every input a Tensor, names unique, `id` a string, every
 * requested output named, `classCount` a positive integer.
 *
 * @throws {ValidationError} naming what is wrong, before anything is sent
 */
export function checkInferRequest(model: string, request: CheckedInferRequest): void {
  const inputs: unknown = request?.inputs;
  if (!Array.isArray(inputs) || inputs.length === 0) {
    invalid(model, "needs at least one input tensor", {
      path: "inputs",
      expected: "a non-empty array of Tensor",
      received: Array.isArray(inputs) ? "an empty array" : String(inputs),
    });
  }
  // Requests carry a handful of inputs: a linear scan for duplicates, a Set only for many.
  const seen = inputs.length > 16 ? new Set<string>() : undefined;
  for (let i = 0; i < inputs.length; i++) {
    const input: unknown = inputs[i];
    if (!(input instanceof Tensor)) {
      invalid(
        model,
        "",
        { path: `inputs[${i}]`, expected: "a Tensor", received: kindOf(input) },
        "Build inputs with Tensor.fp32(…) and friends.",
      );
    }
    let duplicate = seen?.has(input.name) ?? false;
    for (let j = 0; seen === undefined && j < i && !duplicate; j++)
      duplicate = (inputs[j] as Tensor).name === input.name;
    if (duplicate) {
      const first = inputs.findIndex((other) => (other as Tensor).name === input.name);
      invalid(
        model,
        `inputs[${first}] and inputs[${i}] have the same name`,
        {
          tensor: input.name,
          path: `inputs[${i}].name`,
          expected: "unique names",
          received: JSON.stringify(input.name),
        },
        "Give each input its own name.",
      );
    }
    seen?.add(input.name);
  }
  if (request.id !== undefined && typeof request.id !== "string")
    invalid(model, "", { path: "id", expected: "a string", received: kindOf(request.id) });
  request.outputs?.forEach((output, i) => {
    if (typeof output?.name !== "string" || output.name === "") {
      invalid(
        model,
        "",
        {
          path: `outputs[${i}].name`,
          expected: "a non-empty string",
          received: output?.name === "" ? '""' : String(output?.name),
        },
        "Name the output to return.",
      );
    }
    if (output.classCount !== undefined && !(Number.isSafeInteger(output.classCount) && output.classCount > 0)) {
      invalid(model, `output "${output.name}"`, {
        path: `outputs[${i}].classCount`,
        expected: "a positive integer",
        received: String(output.classCount),
      });
    }
  });
}

/** A ValidationError about the request to `model`: `infer("iris"): <where>: <problem>: expected …, got …. <hint>` */
function invalid(model: string, problem: string, details: ProblemDetails, hint?: string): never {
  throw new ValidationError(`infer("${model}"): ${describeProblem(problem, details, hint)}`, details);
}

/** The result of an inference of `model`, with its `output(name, datatype?)` lookup. */
export function createInferResult(
  model: string,
  fields: Omit<InferResult, "outputs" | "output">,
  outputs: AnyTensor[],
): InferResult {
  function output(name: string, datatype?: Datatype): AnyTensor {
    const found = outputs.find((t) => t.name === name);
    if (!found) {
      const names = outputs.map((t) => `"${t.name}"`).join(", ") || "none";
      throw new KServeError("not_found", `Model "${model}" returned no output "${name}"; it returned ${names}.`, {
        model,
      });
    }
    const got = found.datatype;
    if (datatype !== undefined && got !== datatype) {
      throw new ProtocolError(
        `Model "${model}" output "${name}": expected datatype ${datatype}, got ${got}. Ask for ${got}, or take output(name) and check its datatype.`,
        { tensor: name, path: "datatype", expected: datatype, received: got },
        { model },
      );
    }
    return found;
  }
  return {
    modelName: fields.modelName,
    modelVersion: fields.modelVersion,
    id: fields.id,
    parameters: fields.parameters,
    outputs,
    output: output as InferResult["output"],
  };
}
