/**
 * gRPC failures only Node transports meet, for the Node build of `kserve-client/grpc` (browser and edge bundles
 * never carry them): createNodeGrpcTransport's, and connect-node's own transport, alike.
 */
import type { ConnectError } from "@connectrpc/connect";
import { ConnectionError, findCause } from "../core/errors.js";
import type { FailureRecogniser } from "../grpc/errors.js";
import { certificateAdvice, certificateAtFault } from "./tls.js";

/**
 * A TLS certificate refused, found in the cause chain (Node wraps it a few levels down): the server's that does
 * not verify, or this client's that the server turned away under mutual TLS. A ConnectionError that says which
 * and what to do, and is not retried, since trying again cannot help.
 */
export const certificateFailure: FailureRecogniser = (error: ConnectError, place, where) => {
  const code = findCause(error, (cause) => certificateAtFault(cause.code) !== undefined)?.code;
  const side = certificateAtFault(code);
  if (side === undefined) return undefined;
  const what = side === "server" ? "the server's TLS certificate does not verify" : "the server refused this client's TLS certificate";
  return new ConnectionError(`gRPC ${where}: ${what}: ${error.rawMessage} (${String(code)}). ${certificateAdvice(side, "createNodeGrpcTransport", "authority")}`, {
    cause: error,
    retryable: false,
    grpcCode: error.code,
    model: place.model,
  });
};
