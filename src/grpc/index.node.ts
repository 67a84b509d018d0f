/**
 * `kserve-client/grpc` under Node (the "node" export condition): the same public surface as ./index.ts, with
 * failures only Node transports meet recognised (a TLS certificate that does not verify is not retried), and the
 * optional peers `@connectrpc/connect` and `@bufbuild/protobuf` loaded on the first call (./lazy-client.ts) rather
 * than when the entry loads, so that without them that call is a ConfigError that says what to install. Nothing
 * here may import them (or ./index.ts, which does): test/grpc/entries.test.ts checks this build loads without them
 * and has ./index.ts's exports.
 * @module
 */
import { nodeGrpcFailures } from "../node/grpc-errors.js";
import type { V2Client } from "../v2/types.js";
import type { GrpcClientOptions } from "./client.js";
import { createLazyGrpcClient } from "./lazy-client.js";

/** {@inheritDoc createGrpcClient} */
export function createGrpcClient(options: GrpcClientOptions): V2Client {
  const made = (o: GrpcClientOptions) => createLazyGrpcClient(o, nodeGrpcFailures);
  return options.telemetry ? options.telemetry(options, made) : made(options);
}

export type { GrpcClientOptions } from "./client.js";
export type { CommonOptions } from "../core/request-context.js";
export { codeForGrpcStatus } from "./status-codes.js";
export type { ModelInferRequest, ModelInferResponse } from "./protobuf.js";
export type {
  InferCallOptions,
  InferRequest,
  InferResult,
  ModelMetadata,
  RequestedOutput,
  ServerMetadata,
  TensorMetadata,
  V2Client,
  ModelWaitOptions,
  WaitOptions,
} from "../v2/types.js";
export type { CallOptions, Logger } from "../core/request.js";
export type { Auth } from "../core/auth.js";
export type { RetryOptions } from "../core/retry.js";
export * from "../errors/public.js";
