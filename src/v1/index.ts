/**
 * `kserve-client/v1`: KServe's V1 protocol (`:predict`, `:explain`) over REST.
 * @module
 */
import { createV1Client as create } from "./client.js";
import type { V1Client, V1ClientOptions } from "./types.js";

/**
 * A V1 REST client for KServe predictors that speak the V1 protocol (the default for the sklearn, xgboost and
 * other framework runtimes). Under Node the default HttpClient is undici (this entry's "node" variant);
 * elsewhere it is fetch.
 *
 * @example
 * ```ts
 * const client = createV1Client({ baseUrl: "http://127.0.0.1:8080" });
 * const res = await client.predict("iris", { instances: Tensor.fp32("x", [1, 4], [5.1, 3.5, 1.4, 0.2]) });
 * res.predictions; // [0]
 * res.tensor().data; // BigInt64Array [0n]
 * ```
 * @throws {ConfigError} for a baseUrl that is not an http(s) URL, or `host` where it cannot work
 */
export function createV1Client(options: V1ClientOptions): V1Client {
  return options.telemetry ? options.telemetry(options, create) : create(options);
}

export type {
  V1Client,
  V1ClientOptions,
  V1RawRequest,
  V1Request,
  V1Result,
  V1TensorOptions,
  V1TensorRequest,
} from "./types.js";
export { createV1Batcher } from "./batcher.js";
export type { V1Batcher, V1BatcherOptions } from "./batcher.js";
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
