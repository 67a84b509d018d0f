/**
 * `createBatcher`: client-side micro-batching on any V2Client (REST or gRPC). Many single-row calls become one
 * request along dimension 0, and the answer is cut back into each caller's rows. A free function in its own
 * module: an app that does not import it carries none of it.
 */
import { type BatchLimitOptions, notBatchable, resolveBatchLimits } from "../core/batch-policy.js";
import { type BatchCallOptions, type BatcherControls, createBatchQueue } from "../core/batch-queue.js";
import { joinRows, sharedRows, sliceRows } from "../core/batch-rows.js";
import { ConfigError } from "../core/errors.js";
import { checkInferRequest, createInferResult, type InferResult } from "../core/inference.js";
import { checkModel } from "../core/request-context.js";
import { stringifyJson } from "../tensor/json-write.js";
import type { BinaryMode, InferRequest, V2Client } from "./types.js";

/** Options of {@link createBatcher}: the batch limits, and the model version every call goes to. */
export interface BatcherOptions extends BatchLimitOptions {
  /** Model version (path `/versions/{version}`, gRPC `model_version`) of every call. */
  version?: string | undefined;
}

/** Per-call options of {@link Batcher.infer}: the caller's own deadline and cancel, and the binary mode. */
export interface BatchInferOptions extends BatchCallOptions {
  /** The binary tensor extension's mode for this call (REST); calls with different modes are not joined. */
  binary?: BinaryMode | undefined;
}

/** A batcher of one model (see {@link createBatcher}); `stats()` and `close()` are {@link BatcherControls}. */
export interface Batcher extends BatcherControls {
  /**
   * Infer with `request` as part of a batch: the result holds this caller's rows only, as if the call had gone
   * alone. Its `id` is the request's own, or else the batch request's.
   *
   * @throws {KServeError} `resource_exhausted` when `maxQueuedRows` rows are already waiting; `failed_precondition`
   *   after `close()`, or when the model's answer does not keep the batch dimension (it cannot be batched)
   * @throws {TimeoutError} when this call's `timeoutMs` passes; {@link AbortError} when its signal aborts
   * @throws whatever the call would throw alone, when the model fails on this call's rows
   */
  infer(request: InferRequest, call?: BatchInferOptions): Promise<InferResult>;
}

/** One call as the queue holds it. */
interface V2Item {
  request: InferRequest;
  binary: BinaryMode | undefined;
  /** Undefined for a call that goes alone (sent as it is, its answer returned as it is). */
  rows: number | undefined;
}

/**
 * A batcher that joins concurrent calls to `model` into fewer, larger requests on `client` (REST or gRPC).
 *
 * Calls with the same input names, datatypes and dimensions after the first, the same requested outputs,
 * parameters and binary mode are joined along dimension 0. A batch goes when it has `maxBatchSize` rows or
 * `maxDelayMs` after its first call; at most `maxConcurrentBatches` are in flight, and beyond `maxQueuedRows`
 * waiting rows a call fails at once. Each caller keeps its own `signal` and `timeoutMs`. The client's retry policy
 * applies to each batch request; a batch the model fails on (400, 422, 500) is sent again call by call, so a bad
 * row fails only its own caller.
 *
 * @example
 * ```ts
 * const batcher = createBatcher(client, "iris", { maxBatchSize: 64, maxDelayMs: 2 });
 * const res = await batcher.infer({ inputs: [Tensor.fp32("input-0", [1, 4], [5.1, 3.5, 1.4, 0.2])] });
 * res.output("output-0").data; // BigInt64Array [0n]: this caller's row
 * ```
 * @throws {ConfigError} for limits that cannot work, or a client that is not a V2Client
 */
export function createBatcher(client: V2Client, model: string, options: BatcherOptions = {}): Batcher {
  checkModel(model);
  if (typeof client?.infer !== "function")
    throw new ConfigError(`createBatcher("${model}") needs a V2 client (createV2Client or createGrpcClient).`);
  const limits = resolveBatchLimits(options, `createBatcher("${model}")`);
  const { version } = options;
  const queue = createBatchQueue<V2Item, InferResult>(
    {
      model,
      async send(items, call) {
        const first = items[0]!;
        const request = items.length === 1 ? first.request : joinRequests(items.map((item) => item.request));
        const result = await client.infer(model, request, { ...call, binary: first.binary, version });
        return first.rows === undefined ? [result] : splitResult(model, result, items);
      },
    },
    limits,
  );
  const batcher: Batcher = {
    async infer(request, call = {}) {
      checkInferRequest(model, request);
      const rows = sharedRows(request.inputs);
      const batchable = rows !== undefined && rows > 0 && rows <= limits.maxBatchSize;
      const key = batchable ? signature(request, call.binary) : undefined;
      const item: V2Item = { request, binary: call.binary, rows: key === undefined ? undefined : rows };
      return queue.submit({ item, rows: rows ?? 1, key }, call);
    },
    stats: () => queue.stats(),
    close: () => queue.close(),
  };
  return options.telemetry === undefined ? batcher : options.telemetry({ ...options, model }, () => batcher);
}

/**
 * What calls must share to be joined, as a string: every input's name, datatype, dimensions after the first and
 * parameters, the requested outputs, the request's parameters and the binary mode. Written by hand for the common
 * case (no parameters, no outputs): it is built for every call. `undefined` when a part cannot be written (the call
 * then goes alone, and its own request reports the problem).
 */
function signature(request: InferRequest, binary: BinaryMode | undefined): string | undefined {
  try {
    // Names are JSON-quoted and the other parts tagged, so no two different signatures write the same string.
    let key = binary ?? "";
    for (const input of request.inputs) {
      key += `|${JSON.stringify(input.name)}${input.datatype}[`;
      for (let d = 1; d < input.shape.length; d++) key += `${input.shape[d]},`;
      key += "]";
      if (input.parameters !== undefined) key += stringifyJson(input.parameters);
    }
    if (request.outputs !== undefined) key += `|o${stringifyJson(request.outputs)}`;
    if (request.parameters !== undefined) key += `|p${stringifyJson(request.parameters)}`;
    return key;
  } catch {
    return undefined;
  }
}

/** The calls' requests as one: each input joined along dimension 0; outputs and parameters are shared; no id. */
function joinRequests(requests: readonly InferRequest[]): InferRequest {
  const first = requests[0]!;
  return {
    inputs: first.inputs.map((_, i) => joinRows(requests.map((r) => r.inputs[i]!))),
    outputs: first.outputs,
    parameters: first.parameters,
  };
}

/** The batch's result cut back into each call's rows; every output must have the batch's rows in dimension 0. */
function splitResult(model: string, result: InferResult, items: readonly V2Item[]): InferResult[] {
  let total = 0;
  for (const item of items) total += item.rows!;
  for (const output of result.outputs) {
    if (output.shape[0] !== total || output.shape.length === 0) {
      const shape = `[${output.shape.join(", ")}]`;
      throw notBatchable(model, `its output "${output.name}" has shape ${shape} for a batch of ${total} rows`);
    }
  }
  if (items.length === 1) return [result];
  let start = 0;
  return items.map((item) => {
    const rows = item.rows!;
    const outputs = result.outputs.map((output) => sliceRows(output, start, rows));
    start += rows;
    const { modelName, modelVersion, parameters } = result;
    return createInferResult(model, { modelName, modelVersion, id: item.request.id ?? result.id, parameters }, outputs);
  });
}
