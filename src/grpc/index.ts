/**
 * `kserve-client/grpc`: the V2 (Open Inference Protocol) client over gRPC with connect-es, with the same
 * interface as the REST client. Needs the optional peer dependencies `@connectrpc/connect` and
 * `@bufbuild/protobuf`; the transport comes from `kserve-client/node` (`createNodeGrpcTransport`) or
 * `@connectrpc/connect-web`. The service's protobuf descriptors are in `kserve-client/grpc/descriptors`.
 *
 * This is the build bundlers take for browsers and edge runtimes: it imports the peers, so a bundler that cannot
 * find them says so when it builds (connect-web, the gRPC-web transport, needs them too). Under Node the "node"
 * build (./index.node.ts) loads them on the first call instead, so that a missing one is a ConfigError that says
 * what to install. Loading them lazily here too would cost browser bundles about 3 KB gzip: esbuild keeps every
 * module of protobuf's and connect's index files when they are imported with import().
 * @module
 */
import { createGrpcClient as create, type GrpcClientOptions } from "./client.js";
import type { V2Client } from "../v2/types.js";

/**
 * A V2 client over gRPC, with the same interface as `createV2Client` (REST): switching is one line. Under Node
 * (this entry's "node" variant) a TLS certificate that does not verify is a non-retryable ConnectionError, and the
 * peers `@connectrpc/connect` and `@bufbuild/protobuf` are loaded on the first call, which rejects with a
 * ConfigError naming them (and `npm install …`) if they are not installed.
 *
 * @example
 * ```ts
 * const client = createGrpcClient({ transport: createNodeGrpcTransport({ baseUrl: "http://127.0.0.1:8081" }) });
 * const res = await client.infer("iris", { inputs: [Tensor.fp32("input-0", [1, 4], [5.1, 3.5, 1.4, 0.2])] });
 * res.output("output-0").data; // BigInt64Array
 * ```
 * @throws {ConfigError} without a transport, or for options that cannot work
 */
export function createGrpcClient(options: GrpcClientOptions): V2Client {
  return options.telemetry ? options.telemetry(options, create) : create(options);
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
