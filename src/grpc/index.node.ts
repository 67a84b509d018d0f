/**
 * `kserve-client/grpc` under Node (the "node" export condition): the same public surface as ./index.ts, and
 * failures only Node transports meet recognised (a TLS certificate that does not verify is not retried).
 * @module
 */
import { certificateFailure } from "../node/grpc-errors.js";
import type { V2Client } from "../v2/types.js";
import { createGrpcClient as create, type GrpcClientOptions } from "./client.js";

export * from "./index.js";

/** {@inheritDoc createGrpcClient} */
export function createGrpcClient(options: GrpcClientOptions): V2Client {
  return create(options, certificateFailure);
}
