/**
 * gRPC failures only Node transports meet, for the Node build of `kserve-client/grpc` (browser and edge bundles
 * never carry them): createNodeGrpcTransport's, and connect-node's own transport, alike.
 */
import type { ConnectError } from "@connectrpc/connect";
import { ConnectionError, findCause } from "../core/errors.js";
import type { FailureRecogniser } from "../grpc/errors.js";
import { certificateAdvice, certificateAtFault } from "./tls.js";

/** What the Node build recognises: a refused certificate, then a server that does not speak HTTP/2. */
export const nodeGrpcFailures: FailureRecogniser = (error, place, where) =>
  certificateFailure(error, place, where) ?? notGrpcServer(error, place, where);

/**
 * A TLS certificate refused, found in the cause chain (Node wraps it a few levels down): the server's that does
 * not verify, or this client's that the server turned away under mutual TLS. A ConnectionError that says which
 * and what to do, and is not retried, since trying again cannot help.
 */
export const certificateFailure: FailureRecogniser = (error: ConnectError, place, where) => {
  const code = findCause(error, (cause) => certificateAtFault(cause.code) !== undefined)?.code;
  const side = certificateAtFault(code);
  if (side === undefined) return undefined;
  const what =
    side === "server"
      ? "the server's TLS certificate does not verify"
      : "the server refused this client's TLS certificate";
  return new ConnectionError(
    `gRPC ${where}: ${what}: ${error.rawMessage} (${String(code)}). ${certificateAdvice(side, "createNodeGrpcTransport", "authority")}`,
    {
      cause: error,
      retryable: false,
      grpcCode: error.code,
      model: place.model,
    },
  );
};

/**
 * Node's code for an HTTP/2 session whose peer's first bytes were not an HTTP/2 SETTINGS frame: nghttp2's
 * "SETTINGS expected", which Node reports, and reports only, as NGHTTP2_ERR_PROTO (-505) with code
 * ERR_HTTP2_ERROR and the message "Protocol error". An HTTP/1.1 server (a REST port) answers a gRPC call that
 * way, over h2c and over TLS without ALPN alike.
 */
const NGHTTP2_ERR_PROTO = -505;

/**
 * A server that does not speak HTTP/2, so not gRPC: most often baseUrl names the REST port. Over h2c its answer is
 * not an HTTP/2 frame (Node: ERR_HTTP2_ERROR, errno -505); over TLS it refuses HTTP/2 in the handshake (ALPN: alert
 * no_application_protocol). A ConnectionError that says so and what to check, not retried: the server will not
 * start speaking HTTP/2.
 */
export const notGrpcServer: FailureRecogniser = (error, place, where) => {
  const cause = findCause(
    error,
    (c) =>
      (c.code === "ERR_HTTP2_ERROR" && (c as { errno?: unknown }).errno === NGHTTP2_ERR_PROTO) ||
      c.code === "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL",
  );
  if (cause === undefined) return undefined;
  const how =
    cause.code === "ERR_HTTP2_ERROR"
      ? "its answer was not HTTP/2, as an HTTP/1.1 server's is"
      : 'over TLS it refused HTTP/2 (ALPN "h2"), as an HTTP/1.1 server does (ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL)';
  return new ConnectionError(
    `gRPC ${where}: the server is not a gRPC (HTTP/2) server: ${how}. Is baseUrl the REST port? KServe serves gRPC on port 8081 ` +
      "and REST on 8080; through an ingress, the gateway must route gRPC (HTTP/2) to the model. For REST, use createV2Client.",
    { cause: error, retryable: false, grpcCode: error.code, model: place.model },
  );
};
