/**
 * gRPC failures only Node transports meet, for the Node build of `kserve-client/grpc` (browser and edge bundles
 * never carry them): createNodeGrpcTransport's, and connect-node's own transport, alike.
 */
import type { ConnectError } from "@connectrpc/connect";
import { ConnectionError, findCause, isCertificateError } from "../core/errors.js";
import type { FailureRecogniser } from "../grpc/errors.js";

/**
 * A TLS certificate that does not verify, found in the cause chain (Node wraps it a few levels down): a
 * ConnectionError that says so and is not retried, since trying again cannot help.
 */
export const certificateFailure: FailureRecogniser = (error: ConnectError, place, where) => {
  const code = findCause(error, (cause) => isCertificateError(cause.code))?.code;
  if (code === undefined) return undefined;
  return new ConnectionError(
    `gRPC ${where}: the server's TLS certificate does not verify: ${error.rawMessage} (${String(code)}). ` +
      "Check `authority`, or trust the server's CA with createNodeGrpcTransport({ tls: { ca } }).",
    { cause: error, retryable: false, grpcCode: error.code, model: place.model },
  );
};
