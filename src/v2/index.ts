/**
 * `kserve-client/v2`: the Open Inference Protocol (V2) over REST.
 * @module
 */
import { createV2Client as create } from "./client.js";
import type { V2Client, V2ClientOptions } from "./types.js";

/**
 * A V2 REST client for KServe, Triton, MLServer or any Open Inference Protocol server. Under Node the default
 * HttpClient is undici (this entry's "node" variant); elsewhere it is fetch.
 *
 * @example
 * ```ts
 * const client = createV2Client({ baseUrl: "http://127.0.0.1:8080" });
 * const res = await client.infer("iris", { inputs: [Tensor.fp32("input-0", [1, 4], [5.1, 3.5, 1.4, 0.2])] });
 * res.output("output-0").data; // BigInt64Array
 * ```
 * @throws {ConfigError} for a baseUrl that is not an http(s) URL, or `host` where it cannot work
 */
export function createV2Client(options: V2ClientOptions): V2Client {
  return options.telemetry ? options.telemetry(options, create) : create(options);
}

export type {
  BinaryMode,
  InferCallOptions,
  InferRequest,
  InferResult,
  ModelMetadata,
  RequestedOutput,
  ServerMetadata,
  TensorMetadata,
  V2Client,
  V2ClientOptions,
  ModelWaitOptions,
  WaitOptions,
} from "./types.js";
export { createModelClient } from "./model-client.js";
export type {
  CheckedInputs,
  ModelClient,
  ModelClientOptions,
  ModelInferOptions,
  ModelInput,
  ModelInputs,
  ModelOutputLookup,
  ModelOutputName,
  ModelRequestedOutput,
  ModelResult,
} from "./model-client.js";
export { signatureFromMetadata } from "./signature.js";
export type { ModelMetadataLike, ModelSignature, TensorMetadataLike, TensorSpec } from "./signature.js";
export { createBatcher } from "./batcher.js";
export type { Batcher, BatcherOptions, BatchInferOptions } from "./batcher.js";
export type { BatchCallOptions, BatcherControls, BatcherStats } from "../core/batch-queue.js";
export type { BatchLimitOptions } from "../core/batch-policy.js";
export type { ClientOptions, CommonOptions } from "../core/request-context.js";
export type { CallOptions, Logger } from "../core/request.js";
export type { Auth } from "../core/auth.js";
export type { RetryOptions } from "../core/retry.js";
export type { HttpClient, HttpRequest, HttpResponse, Interceptor } from "../core/http.js";
export { createFetchHttpClient } from "../core/fetch-client.js";
export type { FetchHttpClientOptions } from "../core/fetch-client.js";
export * from "../errors/public.js";
export { HttpError } from "../errors/http-error.js";
export type { HttpErrorOptions } from "../errors/http-error.js";
