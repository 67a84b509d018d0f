/**
 * `createV1Batcher`: client-side micro-batching of V1 `instances`. Concurrent predict calls become one request
 * whose instances are theirs one after the other, and the answer's `predictions` are cut back by caller.
 */
import { type BatchLimitOptions, notBatchable, resolveBatchLimits } from "../core/batch-policy.js";
import { type BatchCallOptions, type BatcherControls, createBatchQueue } from "../core/batch-queue.js";
import { joinRows } from "../core/batch-rows.js";
import { ConfigError } from "../core/errors.js";
import { checkModel } from "../core/request-context.js";
import { stringifyJson } from "../tensor/json-write.js";
import { Tensor } from "../tensor/tensor.js";
import { v1Result } from "./result.js";
import type { V1Client, V1Request, V1Result } from "./types.js";

/** Options of {@link createV1Batcher}: the batch limits. */
export type V1BatcherOptions = BatchLimitOptions;

/**
 * A batcher of one V1 model (see {@link createV1Batcher}); `stats()` and `close()` are {@link BatcherControls}
 * (rows are instances).
 */
export interface V1Batcher extends BatcherControls {
  /**
   * Predict with `request` as part of a batch: `predictions` (and `body.predictions`, and `tensor()`) hold this
   * caller's instances only, as if the call had gone alone.
   *
   * @throws {KServeError} `resource_exhausted` when `maxQueuedRows` instances are already waiting;
   *   `failed_precondition` after `close()`, or when the answer does not have one prediction per instance
   * @throws {TimeoutError} when this call's `timeoutMs` passes; {@link AbortError} when its signal aborts
   * @throws whatever the call would throw alone, when the model fails on this call's instances
   */
  predict(request: V1Request, call?: BatchCallOptions): Promise<V1Result>;
}

interface V1Item {
  request: V1Request;
  /** Undefined for a call that goes alone (the columnar `inputs` form, a rank-0 tensor, too many instances). */
  rows: number | undefined;
}

/**
 * A batcher that joins concurrent predict calls to `model` on `client` into fewer requests. Calls whose
 * `instances` are tensors of the same datatype and dimensions after the first, or raw lists, with the same other
 * fields (`signature_name`, …), are joined; the columnar `inputs` form goes alone. Limits, deadlines, retries and
 * failures work as in `createBatcher`; rows are instances.
 *
 * @example
 * ```ts
 * const batcher = createV1Batcher(v1, "iris", { maxBatchSize: 64, maxDelayMs: 2 });
 * const res = await batcher.predict({ instances: [[6.8, 2.8, 4.8, 1.4]] });
 * res.predictions; // [1]: this caller's instance
 * ```
 * @throws {ConfigError} for limits that cannot work, or a client that is not a V1Client
 */
export function createV1Batcher(client: V1Client, model: string, options: V1BatcherOptions = {}): V1Batcher {
  checkModel(model);
  if (typeof client?.predict !== "function")
    throw new ConfigError(`createV1Batcher("${model}") needs a V1 client (createV1Client).`);
  const limits = resolveBatchLimits(options, `createV1Batcher("${model}")`);
  const queue = createBatchQueue<V1Item, V1Result>(
    {
      model,
      async send(items, call) {
        const first = items[0]!;
        const request = items.length === 1 ? first.request : joinInstances(items.map((item) => item.request));
        const result = await client.predict(model, request, call);
        return first.rows === undefined ? [result] : splitPredictions(model, result, items);
      },
    },
    limits,
  );
  const batcher: V1Batcher = {
    async predict(request, call) {
      const planned = plan(request);
      const batchable = planned !== undefined && planned.rows > 0 && planned.rows <= limits.maxBatchSize;
      const item: V1Item = { request, rows: batchable ? planned.rows : undefined };
      return queue.submit({ item, rows: planned?.rows ?? 1, key: batchable ? planned.key : undefined }, call);
    },
    stats: () => queue.stats(),
    close: () => queue.close(),
  };
  return options.telemetry === undefined ? batcher : options.telemetry({ ...options, model }, () => batcher);
}

/**
 * A call's instances and what calls must share to be joined: a tensor's datatype and dimensions after the first,
 * or a raw list; and every other field of the body. `undefined` when the call goes alone.
 */
function plan(request: V1Request): { rows: number; key: string } | undefined {
  const body = request as { instances?: unknown; [field: string]: unknown } | null;
  if (body === null || typeof body !== "object") return undefined;
  const { instances, ...rest } = body;
  let kind: unknown[];
  let rows: number;
  if (instances instanceof Tensor && instances.shape.length > 0) {
    kind = ["tensor", instances.datatype, instances.shape.slice(1)];
    rows = instances.shape[0]!;
  } else if (Array.isArray(instances)) {
    kind = ["list"];
    rows = instances.length;
  } else return undefined;
  try {
    return { rows, key: stringifyJson([kind, rest]) };
  } catch {
    return undefined; // a field JSON cannot write: the call goes alone, and its own request says what is wrong
  }
}

/** The calls' bodies as one: their instances one after the other, the other fields shared. */
function joinInstances(requests: readonly V1Request[]): V1Request {
  const { instances, ...rest } = requests[0] as { instances: unknown; [field: string]: unknown };
  if (instances instanceof Tensor)
    return { ...rest, instances: joinRows(requests.map((r) => r.instances as Tensor)) } as V1Request;
  const joined: unknown[] = [];
  for (const request of requests) for (const instance of request.instances as unknown[]) joined.push(instance);
  return { ...rest, instances: joined } as V1Request;
}

/** The batch's answer cut back into each call's predictions; it must have one prediction per instance. */
function splitPredictions(model: string, result: V1Result, items: readonly V1Item[]): V1Result[] {
  let total = 0;
  for (const item of items) total += item.rows!;
  const { predictions } = result;
  if (predictions === undefined)
    throw notBatchable(model, `its answer has no "predictions" list for a batch of ${total} instances`);
  if (predictions.length !== total)
    throw notBatchable(model, `its answer has ${predictions.length} predictions for a batch of ${total} instances`);
  if (items.length === 1) return [result];
  let start = 0;
  return items.map((item) => {
    const mine = predictions.slice(start, (start += item.rows!));
    return v1Result({ ...result.body, predictions: mine });
  });
}
