/**
 * The gRPC-over-HTTP/2 wire rules a unary call needs (gRPC's PROTOCOL-HTTP2.md), as pure functions tested in
 * isolation: the 5-byte message envelope, the `grpc-timeout` header, and turning a response's HTTP status,
 * headers and trailers into a status. Loaded only with the gRPC transport (it imports @connectrpc/connect, an
 * optional peer).
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { findCause } from "../core/errors.js";
import { concatChunks } from "../internal/bytes.js";

/** Header values as Node's http2 hands them over. */
export type WireHeaders = Readonly<Record<string, string | string[] | number | undefined>>;

/** One uncompressed length-prefixed message: flag byte 0, big-endian 32-bit length, the bytes. */
export function frameMessage(message: Uint8Array): Uint8Array {
  const frame = new Uint8Array(5 + message.length);
  new DataView(frame.buffer).setUint32(1, message.length);
  frame.set(message, 5);
  return frame;
}

/**
 * `grpc-timeout` for a time left in ms: at most 8 digits, so longer times move to a coarser unit (rounded up:
 * the server must not give up before the client does).
 */
export function grpcTimeoutHeader(ms: number): string {
  let value = Math.max(1, Math.ceil(ms));
  for (const [unit, next] of [
    ["m", 1000],
    ["S", 60],
    ["M", 60],
  ] as const) {
    if (value < 1e8) return `${value}${unit}`;
    value = Math.ceil(value / next);
  }
  return `${Math.min(value, 99_999_999)}H`;
}

/** The gRPC code for an HTTP status that is not 200 (gRPC's http-grpc-status-mapping.md). */
export function codeFromHttpStatus(status: number): Code {
  switch (status) {
    case 400:
      return Code.Internal;
    case 401:
      return Code.Unauthenticated;
    case 403:
      return Code.PermissionDenied;
    case 404:
      return Code.Unimplemented;
    case 429:
    case 502:
    case 503:
    case 504:
      return Code.Unavailable;
    default:
      return Code.Unknown;
  }
}

/** Node's header object as fetch `Headers` without the pseudo-headers (what connect hands to interceptors). */
export function toHeaders(headers: WireHeaders | undefined): Headers {
  const result = new Headers();
  if (headers === undefined) return result;
  for (const name in headers) {
    const value = headers[name];
    if (name.charCodeAt(0) === 58 /* ":" */ || value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) result.append(name, v);
    else result.set(name, String(value));
  }
  return result;
}

/**
 * The error a response's status carries, or undefined for OK. `grpc-status` comes from the trailers, or from
 * the headers in a trailers-only response; `metadata` (headers and trailers together, built only for an error)
 * is kept on the error so callers can read `x-request-id` or `grpc-retry-pushback-ms`.
 */
export function statusError(fields: Headers, metadata: () => Headers): ConnectError | undefined {
  const status = fields.get("grpc-status");
  if (status === "0") return undefined;
  if (status === null)
    return new ConnectError("protocol error: the server sent no grpc-status", Code.Internal, metadata());
  const code = /^\d{1,2}$/.test(status) ? Number(status) : NaN;
  if (!(code in Code) || code === 0)
    return new ConnectError(`protocol error: invalid grpc-status ${JSON.stringify(status)}`, Code.Internal, metadata());
  return new ConnectError(percentDecode(fields.get("grpc-message") ?? ""), code as Code, metadata());
}

/** grpc-message is percent-encoded; a server that sends a stray "%" still gets its text shown as sent. */
function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The one message of a unary response body (possibly several DATA chunks). Anything else is a protocol error:
 * no message, more than one, a compressed one (the client never offers compression), one cut short, or one
 * larger than `readMaxBytes`.
 */
export function readUnaryMessage(
  chunks: readonly Uint8Array[],
  size: number,
  readMaxBytes: number,
): Uint8Array | ConnectError {
  const body = concatChunks(chunks, size);
  if (body.length === 0)
    return new ConnectError("protocol error: missing output message for unary method", Code.Unimplemented);
  if (body.length < 5) return new ConnectError("protocol error: incomplete message envelope", Code.Internal);
  const flags = body[0]!;
  const length = new DataView(body.buffer, body.byteOffset, 5).getUint32(1);
  if (length > readMaxBytes) {
    return new ConnectError(
      `message size ${length} is larger than configured readMaxBytes ${readMaxBytes}`,
      Code.ResourceExhausted,
    );
  }
  if ((flags & 1) !== 0)
    return new ConnectError(
      "protocol error: the server sent a compressed message though the client offered no compression",
      Code.Internal,
    );
  if (flags !== 0)
    return new ConnectError(`protocol error: unexpected envelope flags 0x${flags.toString(16)}`, Code.Internal);
  if (body.length < 5 + length)
    return new ConnectError("protocol error: the response ended inside a message", Code.Internal);
  if (body.length > 5 + length)
    return new ConnectError("protocol error: received extra output message for unary method", Code.Unimplemented);
  // Decoded `bytes` fields (BYTES elements, raw tensor contents) are views of what is returned. Joined chunks are
  // this call's own memory; a single chunk is a view of Node's read buffer, which HTTP/2 shares between the
  // streams of a connection, so it is copied: one call's tensors must not expose or pin another call's bytes.
  if (chunks.length > 1) return new Uint8Array(body.buffer, body.byteOffset + 5, length);
  const own = new Uint8Array(length);
  own.set(body.subarray(5, 5 + length));
  return own;
}

const UNAVAILABLE_REASONS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ERR_HTTP2_GOAWAY_SESSION",
  "ERR_HTTP2_SESSION_ERROR",
  "ERR_HTTP2_STREAM_CANCEL",
  "ERR_HTTP2_INVALID_SESSION",
]);

/**
 * A Node error on the connection or stream as a ConnectError: a connection that failed or went away is
 * UNAVAILABLE (retryable by policy); the Node error stays the cause, so a TLS failure can be told apart.
 */
export function errorFromNodeReason(reason: unknown): ConnectError {
  const failedConnection = isConnectionFailure(reason);
  // connect-node's session manager hands connection failures over already wrapped, with its own mapping
  // (ECONNRESET as ABORTED, a closed socket as CANCELED): for a client those are UNAVAILABLE, retryable.
  if (reason instanceof ConnectError) {
    if (!failedConnection || reason.code === Code.Unavailable) return reason;
    return new ConnectError(reason.rawMessage, Code.Unavailable, reason.metadata, undefined, reason.cause ?? reason);
  }
  const code = failedConnection ? Code.Unavailable : Code.Internal;
  return new ConnectError(
    reason instanceof Error ? reason.message : String(reason),
    code,
    undefined,
    undefined,
    reason,
  );
}

/** A Node network or TLS error code anywhere in the cause chain. */
function isConnectionFailure(reason: unknown): boolean {
  const found = findCause(
    reason,
    ({ code }) =>
      typeof code === "string" &&
      (UNAVAILABLE_REASONS.has(code) ||
        code.startsWith("ERR_TLS") ||
        code.includes("CERT") ||
        code.startsWith("ERR_SSL")),
  );
  return found !== undefined;
}

/** RST_STREAM codes (RFC 9113 §7) a server or proxy may end a stream with, and their gRPC meaning. */
const RESET_CODES: Readonly<Record<number, Code>> = {
  0x1: Code.Internal, // PROTOCOL_ERROR
  0x2: Code.Internal, // INTERNAL_ERROR
  0x3: Code.Internal, // FLOW_CONTROL_ERROR
  0x4: Code.Internal, // SETTINGS_TIMEOUT
  0x6: Code.Internal, // FRAME_SIZE_ERROR
  0x7: Code.Unavailable, // REFUSED_STREAM: the server did not process it, so it is safe to retry
  0x8: Code.Canceled, // CANCEL
  0x9: Code.Internal, // COMPRESSION_ERROR
  0xa: Code.Internal, // CONNECT_ERROR
  0xb: Code.ResourceExhausted, // ENHANCE_YOUR_CALM
  0xc: Code.PermissionDenied, // INADEQUATE_SECURITY
  0xd: Code.PermissionDenied, // HTTP_1_1_REQUIRED
};

/** The error for a stream reset before its answer was complete (NO_ERROR and STREAM_CLOSED carry none). */
export function errorFromResetCode(rstCode: number): ConnectError | undefined {
  const code = RESET_CODES[rstCode];
  return code === undefined
    ? undefined
    : new ConnectError(`the HTTP/2 stream was reset with code 0x${rstCode.toString(16)}`, code);
}
