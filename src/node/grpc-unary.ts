/**
 * One unary gRPC call on an HTTP/2 stream of connect-node's `Http2SessionManager` (which owns the connection:
 * connecting, keep-alive pings, reconnecting, idle close). It does what connect-node's gRPC transport does for a
 * unary call, in one pass: connect-node runs each call through async-iterable pipelines built for streaming and
 * a second interceptor chain, which cost about twice the CPU per small call of a raw @grpc/grpc-js client
 * (BENCHMARKS.md). Streaming calls still go through connect-node.
 *
 * Loaded on the first gRPC call only (it imports the optional peers @connectrpc/connect and @bufbuild/protobuf).
 */
import {
  create,
  type DescMessage,
  type DescMethodUnary,
  fromBinary,
  isMessage,
  type MessageInitShape,
  toBinary,
} from "@bufbuild/protobuf";
import { Code, ConnectError, type UnaryResponse } from "@connectrpc/connect";
import type { Http2SessionManager } from "@connectrpc/connect-node";
import { type ClientHttp2Stream, constants, type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http2";
import {
  codeFromHttpStatus,
  errorFromNodeReason,
  errorFromResetCode,
  frameMessage,
  grpcTimeoutHeader,
  readUnaryMessage,
  statusError,
  toHeaders,
} from "./grpc-wire.js";
import { deadlineSignal } from "../internal/signals.js";

/** Where unary calls go. */
export interface UnaryTarget {
  sessionManager: Http2SessionManager;
  /** baseUrl's path without a trailing slash ("" for none); the method path follows it. */
  pathPrefix: string;
  readMaxBytes: number;
}

/** Headers the protocol owns: a caller's value for them would break the call. */
const PROTOCOL_HEADERS = new Set(["content-type", "te", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding"]);

/**
 * One unary call: the request framed and sent, the answer read, its status checked. Resolves with connect's
 * `UnaryResponse`; rejects with a `ConnectError` (the status the server sent, with headers and trailers as
 * metadata; or what went wrong on the way, with the Node error as cause).
 */
export async function grpcUnary<I extends DescMessage, O extends DescMessage>(
  target: UnaryTarget,
  method: DescMethodUnary<I, O>,
  signal: AbortSignal | undefined,
  timeoutMs: number | undefined,
  header: HeadersInit | undefined,
  input: MessageInitShape<I>,
): Promise<UnaryResponse<I, O>> {
  if (signal?.aborted) throw ConnectError.from(signal.reason, Code.Canceled);
  const message = isMessage(input, method.input) ? input : create(method.input, input);
  const frame = frameMessage(toBinary(method.input, message));
  const headers: OutgoingHttpHeaders = {};
  if (header !== undefined) {
    (header instanceof Headers ? header : new Headers(header)).forEach((value, name) => {
      if (!PROTOCOL_HEADERS.has(name)) headers[name] = value;
    });
  }
  headers["content-type"] = "application/grpc+proto";
  headers.te = "trailers";
  headers["user-agent"] ??= "kserve-client";
  // As connect does: no time, or a time of 0 or less, means no deadline.
  const timeout = timeoutMs !== undefined && timeoutMs > 0 ? timeoutMs : undefined;
  if (timeout !== undefined) headers["grpc-timeout"] = grpcTimeoutHeader(timeout);

  return new Promise<UnaryResponse<I, O>>((resolve, reject) => {
    let stream: ClientHttp2Stream | undefined;
    let settled = false;
    const finish = (error: ConnectError | undefined, response?: UnaryResponse<I, O>) => {
      if (settled) return;
      settled = true;
      limited.dispose();
      if (error === undefined) return resolve(response!);
      if (stream !== undefined && !stream.closed) stream.close(constants.NGHTTP2_CANCEL);
      reject(error);
    };
    // A deadline beyond what a timer can hold is left to the server (grpc-timeout): deadlineSignal sets none.
    const limited = deadlineSignal(
      timeout ?? Infinity,
      () => new ConnectError("the operation timed out", Code.DeadlineExceeded),
      signal,
    );
    limited.signal.addEventListener("abort", () =>
      finish(
        limited.timedOut() ? (limited.signal.reason as ConnectError) : ConnectError.from(signal!.reason, Code.Canceled),
      ),
    );

    target.sessionManager
      .request("POST", `${target.pathPrefix}/${method.parent.typeName}/${method.name}`, headers, {})
      .then(
        (opened) => {
          stream = opened;
          guardSession(opened.session);
          if (settled) return void opened.close(constants.NGHTTP2_CANCEL);
          read(opened, target, method, finish);
          opened.end(frame);
        },
        (reason: unknown) => finish(errorFromNodeReason(reason)),
      );
  });
}

/**
 * Why a stream closed before its status arrived. Nothing here cancels a stream before the call has settled, so
 * the peer or the connection ended it: a Node error on the stream other than the peer's RST_STREAM, or a
 * connection that is gone, is a connection failure (UNAVAILABLE, retryable), whatever code Node reset the
 * stream with; otherwise the peer's reset code says what happened.
 */
function incompleteAnswer(
  stream: ClientHttp2Stream,
  session: ClientHttp2Stream["session"],
  failure: unknown,
): ConnectError {
  const code = (failure as { code?: unknown } | undefined)?.code;
  if (failure !== undefined && code !== "ERR_HTTP2_STREAM_ERROR") return errorFromNodeReason(failure);
  if (session !== undefined && (session.destroyed || session.closed)) {
    return new ConnectError(
      "the connection closed before the answer was complete",
      Code.Unavailable,
      undefined,
      undefined,
      failure,
    );
  }
  return (
    errorFromResetCode(stream.rstCode) ??
    new ConnectError(
      "protocol error: the stream closed before the answer was complete",
      Code.Internal,
      undefined,
      undefined,
      failure,
    )
  );
}

const guarded = new WeakSet<object>();

/**
 * connect-node's session manager stops listening for a connection's errors once it has moved on from it, but
 * Node can still emit one there (a GOAWAY arriving after the last stream was cancelled): with no listener that
 * is an uncaught exception. The manager has handled the connection's end already; the late error is dropped.
 */
function guardSession(session: ClientHttp2Stream["session"]): void {
  if (session === undefined || guarded.has(session)) return;
  guarded.add(session);
  session.on("error", () => undefined);
}

/** Collect the answer on the stream and settle the call when the stream closes. */
function read<I extends DescMessage, O extends DescMessage>(
  stream: ClientHttp2Stream,
  target: UnaryTarget,
  method: DescMethodUnary<I, O>,
  finish: (error: ConnectError | undefined, response?: UnaryResponse<I, O>) => void,
): void {
  // Kept now: a closed stream no longer refers to its session, and its state tells a lost connection apart.
  const session = stream.session;
  let responseHeaders: IncomingHttpHeaders | undefined;
  let trailers: IncomingHttpHeaders | undefined;
  let failure: unknown;
  const chunks: Uint8Array[] = [];
  let size = 0;
  stream.on("response", (received) => {
    responseHeaders = received;
    const status = Number(received[":status"]);
    if (status !== 200)
      return finish(
        new ConnectError(httpStatusMessage(status, received), codeFromHttpStatus(status), toHeaders(received)),
      );
    const type = received["content-type"];
    if (type === undefined || !/^application\/grpc(?:\+proto)?(?:;|$)/i.test(type)) {
      finish(
        new ConnectError(
          `unsupported content type ${type ?? "(none)"}: not a gRPC answer`,
          Code.Unknown,
          toHeaders(received),
        ),
      );
    }
  });
  stream.on("data", (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    target.sessionManager.notifyResponseByteRead(stream);
    if (size > target.readMaxBytes + 5) {
      finish(
        new ConnectError(
          `the answer is larger than readMaxBytes (${target.readMaxBytes} bytes)`,
          Code.ResourceExhausted,
        ),
      );
    }
  });
  stream.on("trailers", (received) => {
    trailers = received;
  });
  stream.on("error", (error) => {
    failure = error;
  });
  stream.on("close", () => {
    // Complete once the status has arrived: in trailers, or in the headers of a trailers-only answer (a server may
    // reset the stream right after it, e.g. when it stops reading a request it has already refused).
    const complete =
      trailers !== undefined || (responseHeaders !== undefined && responseHeaders["grpc-status"] !== undefined);
    if (!complete) return finish(incompleteAnswer(stream, session, failure));
    // A trailers-only answer (an error without a message) carries its status in the headers.
    const header = toHeaders(responseHeaders);
    const fields = trailers === undefined ? header : toHeaders(trailers);
    const metadata = () => {
      const all = new Headers(header);
      if (fields !== header) fields.forEach((value, name) => all.append(name, value));
      return all;
    };
    const error = statusError(fields, metadata);
    if (error !== undefined) return finish(error);
    const bytes = readUnaryMessage(chunks, size, target.readMaxBytes);
    if (bytes instanceof ConnectError) return finish(bytes);
    let message;
    try {
      message = fromBinary(method.output, bytes);
    } catch (cause) {
      return finish(
        new ConnectError(
          `protocol error: the answer is not a valid ${method.output.typeName}: ${String(cause)}`,
          Code.Internal,
          metadata(),
          undefined,
          cause,
        ),
      );
    }
    finish(undefined, {
      stream: false,
      service: method.parent,
      method,
      header,
      message,
      trailer: fields === header ? new Headers() : fields,
    });
  });
}

/**
 * What an HTTP status other than 200 on a gRPC call means for the caller. A redirect is not followed
 * (credentials must not travel to another origin, and gRPC has no redirects); anything else is an HTTP answer
 * where a gRPC one was expected, which a wrong port or a gateway without a gRPC route gives.
 */
function httpStatusMessage(status: number, headers: IncomingHttpHeaders): string {
  const location = headers.location;
  if (status >= 300 && status < 400) {
    return `HTTP ${status}: redirected${location === undefined ? "" : ` to ${location}`}, which gRPC does not follow (credentials must not travel to another origin); use the final address as baseUrl`;
  }
  return `HTTP ${status} instead of a gRPC answer: check that baseUrl is the server's gRPC port, or that the gateway in front routes gRPC`;
}
