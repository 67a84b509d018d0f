/**
 * What every V2 transport (REST and gRPC) does the same way around an inference: check the caller's request
 * before anything is sent, hand back the result with its `output(name)` lookup, and poll for readiness.
 * Here, below both, so that the protocol modules never import each other's code.
 */
import { AbortError, isKServeError, KServeError, type ProblemDetails, TimeoutError, ValidationError } from "./errors.js";
import { describeProblem } from "../tensor/errors.js";
import { kindOf } from "../tensor/shape.js";
import { sleep } from "./sleep.js";
import { Tensor } from "../tensor/tensor.js";
import type { TensorParameters } from "../tensor/json-value.js";

/** An inference response. */
export interface InferResult {
  modelName: string;
  modelVersion: string | undefined;
  id: string | undefined;
  parameters: TensorParameters | undefined;
  outputs: Tensor[];
  /** The output called `name`; a `not_found` KServeError naming the outputs that did come back otherwise. */
  output(name: string): Tensor;
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
    invalid(model, "needs at least one input tensor", { path: "inputs", expected: "a non-empty array of Tensor", received: Array.isArray(inputs) ? "an empty array" : String(inputs) });
  }
  // Requests carry a handful of inputs: a linear scan for duplicates, a Set only for many.
  const seen = inputs.length > 16 ? new Set<string>() : undefined;
  for (let i = 0; i < inputs.length; i++) {
    const input: unknown = inputs[i];
    if (!(input instanceof Tensor)) {
      invalid(model, "", { path: `inputs[${i}]`, expected: "a Tensor", received: kindOf(input) }, "Build inputs with Tensor.fp32(…) and friends.");
    }
    let duplicate = seen?.has(input.name) ?? false;
    for (let j = 0; seen === undefined && j < i && !duplicate; j++) duplicate = (inputs[j] as Tensor).name === input.name;
    if (duplicate) {
      const first = inputs.findIndex((other) => (other as Tensor).name === input.name);
      invalid(model, `inputs[${first}] and inputs[${i}] have the same name`, { tensor: input.name, path: `inputs[${i}].name`, expected: "unique names", received: JSON.stringify(input.name) },
        "Give each input its own name.");
    }
    seen?.add(input.name);
  }
  if (request.id !== undefined && typeof request.id !== "string") invalid(model, "", { path: "id", expected: "a string", received: kindOf(request.id) });
  request.outputs?.forEach((output, i) => {
    if (typeof output?.name !== "string" || output.name === "") {
      invalid(model, "", { path: `outputs[${i}].name`, expected: "a non-empty string", received: output?.name === "" ? '""' : String(output?.name) }, "Name the output to return.");
    }
    if (output.classCount !== undefined && !(Number.isSafeInteger(output.classCount) && output.classCount > 0)) {
      invalid(model, `output "${output.name}"`, { path: `outputs[${i}].classCount`, expected: "a positive integer", received: String(output.classCount) });
    }
  });
}

/** A ValidationError about the request to `model`: `infer("iris"): <where>: <problem>: expected …, got …. <hint>` */
function invalid(model: string, problem: string, details: ProblemDetails, hint?: string): never {
  throw new ValidationError(`infer("${model}"): ${describeProblem(problem, details, hint)}`, details);
}

/** The result of an inference of `model`, with its `output(name)` lookup. */
export function createInferResult(model: string, fields: Omit<InferResult, "outputs" | "output">, outputs: Tensor[]): InferResult {
  return {
    modelName: fields.modelName,
    modelVersion: fields.modelVersion,
    id: fields.id,
    parameters: fields.parameters,
    outputs,
    output(name: string): Tensor {
      const found = outputs.find((t) => t.name === name);
      if (found) return found;
      const names = outputs.map((t) => `"${t.name}"`).join(", ") || "none";
      throw new KServeError("not_found", `Model "${model}" returned no output "${name}"; it returned ${names}.`, { model });
    },
  };
}

/** Options of `waitForModelReady`. */
export interface WaitOptions {
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  version?: string | undefined;
  /** Called after every check that did not find the model ready. */
  onProgress?: ((progress: { attempt: number; elapsedMs: number; error?: Error | undefined }) => void) | undefined;
}

/** One readiness check, as a client's `modelReady` does it. */
export type ReadinessCheck = (call: { version?: string | undefined; signal?: AbortSignal | undefined; timeoutMs?: number | undefined; retry: false }) => Promise<boolean>;

/** Codes that end waitForModelReady at once. */
const GIVE_UP = new Set(["canceled", "unauthenticated", "permission_denied", "invalid_argument", "unimplemented", "internal"]);

/** Poll with backoff (250 ms, ×1.5, at most 5 s) until ready; failures while the model scales up are progress, not errors. */
export async function waitUntilReady(check: ReadinessCheck, model: string, wait: WaitOptions): Promise<void> {
  const started = Date.now();
  const deadline = wait.timeoutMs === undefined ? undefined : started + wait.timeoutMs;
  let delay = 250;
  let lastError: Error | undefined;
  for (let attempt = 1; ; attempt++) {
    const remaining = deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
    try {
      if (await check({ version: wait.version, signal: wait.signal, timeoutMs: remaining, retry: false })) return;
      lastError = undefined;
    } catch (error) {
      // Waiting cannot fix a cancel, bad credentials, a wrong setting or an answer that is not the protocol.
      if (!(error instanceof Error) || (isKServeError(error) && GIVE_UP.has(error.code))) throw error;
      lastError = error; // connection refused, 502 from a gateway whose backend is scaling from zero, …
    }
    wait.onProgress?.({ attempt, elapsedMs: Date.now() - started, error: lastError });
    const left = deadline === undefined ? delay : deadline - Date.now();
    if (left <= 0) {
      throw new TimeoutError(`Model "${model}" was not ready within ${wait.timeoutMs} ms (${attempt} checks)${lastError ? `; last: ${lastError.message}` : ""}.`, {
        cause: lastError,
        model,
      });
    }
    try {
      await sleep(Math.min(delay, left), wait.signal);
    } catch (reason) {
      throw new AbortError(`Waiting for model "${model}" was cancelled.`, { cause: reason, model });
    }
    delay = Math.min(delay * 1.5, 5000);
  }
}
