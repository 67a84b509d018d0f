/**
 * `kserve-client/grpc`: the V2 (Open Inference Protocol) client over gRPC with connect-es, with the same
 * interface as the REST client. Needs the peer dependencies `@connectrpc/connect` and `@bufbuild/protobuf`;
 * the transport comes from `kserve-client/node` (`createNodeGrpcTransport`) or `@connectrpc/connect-web`.
 * @module
 */
export { createGrpcClient } from "./client.js";
export type { GrpcClientOptions } from "./client.js";
export { codeForGrpcStatus } from "./errors.js";
export { GRPCInferenceService, ModelInferRequestSchema, ModelInferResponseSchema } from "./schema.js";
export type { ModelInferRequest, ModelInferResponse } from "./schema.js";
export type {
  InferCallOptions,
  InferRequest,
  InferResult,
  ModelMetadata,
  RequestedOutput,
  ServerMetadata,
  TensorMetadata,
  V2Client,
  WaitOptions,
} from "../v2/types.js";
export type { CallOptions, Logger } from "../core/request.js";
export type { Auth } from "../core/auth.js";
export type { RetryOptions } from "../core/retry.js";
export {
  AbortError,
  ConfigError,
  ConnectionError,
  isKServeError,
  KServeError,
  ProtocolError,
  TimeoutError,
  ValidationError,
} from "../core/errors.js";
