/**
 * gRPC statuses as the SDK's errors: the same `code`s REST answers map to, the server's message kept, and the
 * numeric status in `grpcCode`. Pure functions, tested in isolation.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { ConnectionError, type ErrorCode, KServeError, scrubSecrets } from "../core/errors.js";
import { describe, FETCH_FAILURE_HINT, isFetchNetworkError } from "../internal/fetch-failures.js";
import { codeForKServeException } from "../core/kserve-failures.js";

/**
 * The error code for a numeric gRPC status: the status's name in snake_case (`DeadlineExceeded` →
 * `deadline_exceeded`), read from connect's `Code` enum rather than a second table. OK and unknown numbers are
 * `unknown`: an error always has a code.
 */
export function codeForGrpcStatus(status: number): ErrorCode {
  const name = status >= Code.Canceled && status <= Code.Unauthenticated ? Code[status] : undefined;
  return name === undefined
    ? "unknown"
    : (name.replace(/[A-Z]/g, (letter, at: number) => (at === 0 ? "" : "_") + letter.toLowerCase()) as ErrorCode);
}

const UNEXPECTED = /^Unexpected <class '([\w.]+)'>: ?([\s\S]*)$/;

/**
 * What an UNKNOWN status from an older KServe server means: its code and the message without the wrapper.
 * KServe's Python server before 0.15 answers every failure as UNKNOWN with the exception's class in the text:
 * ``Unexpected <class 'kserve.errors.ModelNotFound'>: Model with name X does not exist.`` (ARCHITECTURE.md, wire facts: gRPC errors). The
 * class means the code the same failure has over REST (core/kserve-failures.ts): `not_found`, `invalid_argument`,
 * `unavailable`, `unimplemented`, and `internal` for a model's own exceptions, `InferenceError` included.
 */
export function recogniseKServeUnknown(
  message: string,
): { code: ErrorCode; exception: string; message: string } | undefined {
  const match = UNEXPECTED.exec(message);
  if (match === null) return undefined;
  const exception = match[1]!;
  return { code: codeForKServeException(exception), exception, message: match[2]!.trim() || message };
}

/** Where the call went, for messages. */
export interface GrpcCallPlace {
  /** The RPC, e.g. `ModelInfer`. */
  rpc: string;
  model?: string | undefined;
}

/**
 * What one runtime knows about failures beyond the universal mapping below, tried first: the Node build of
 * `kserve-client/grpc` passes a check for TLS certificates that do not verify, which only Node transports meet,
 * so browser and edge bundles do not carry it. `where` is the call as messages name it. Internal.
 */
export type FailureRecogniser = (error: ConnectError, place: GrpcCallPlace, where: string) => KServeError | undefined;

/**
 * A ConnectError as a KServeError. A status the server sent becomes a KServeError with its code; a connection
 * that failed before any status (refused, reset) is a retryable ConnectionError; `recognise` (the Node build's
 * certificate check) comes first.
 */
export function fromConnectError(
  error: ConnectError,
  place: GrpcCallPlace,
  recognise?: FailureRecogniser,
): KServeError {
  const where = `${place.rpc}${place.model === undefined ? "" : ` of model "${place.model}"`}`;
  const recognised = recognise?.(error, place, where);
  if (recognised !== undefined) return recognised;
  const requestId = error.metadata.get("x-request-id") ?? undefined;
  const fromServer = error.metadata.has("grpc-status");
  if (error.code === Code.Unavailable && !fromServer) {
    return new ConnectionError(`gRPC ${where}: ${error.rawMessage}.`, {
      cause: error,
      grpcCode: error.code,
      model: place.model,
      requestId,
    });
  }
  if (error.code === Code.Unknown && !fromServer && isFetchNetworkError(error.cause)) {
    // gRPC-web over fetch (connect-web): the request never got an answer, which connect reports as UNKNOWN.
    return new ConnectionError(
      `gRPC ${where}: could not reach the server: ${describe(error.cause)}.${FETCH_FAILURE_HINT}`,
      {
        cause: error,
        grpcCode: error.code,
        model: place.model,
      },
    );
  }
  const older = error.code === Code.Unknown ? recogniseKServeUnknown(error.rawMessage) : undefined;
  if (older !== undefined) {
    return new KServeError(
      older.code,
      `${older.message} (gRPC UNKNOWN from ${where}; the server reported ${older.exception})`,
      {
        cause: error,
        grpcCode: error.code,
        model: place.model,
        requestId,
      },
    );
  }
  return new KServeError(
    codeForGrpcStatus(error.code),
    `${error.rawMessage || "no message"} (gRPC ${codeForGrpcStatus(error.code).toUpperCase()} from ${where})`,
    {
      cause: error,
      grpcCode: error.code,
      model: place.model,
      requestId,
    },
  );
}

/**
 * `error` as it may be shown: when its message or metadata repeats one of `secrets` (the credentials the call
 * sent), a copy with them replaced by `[redacted]`, without the cause and details, which may repeat them too; otherwise
 * `error` itself. Anything that is not a ConnectError is returned as it is.
 */
export function withoutSecrets(error: unknown, secrets: readonly string[]): unknown {
  if (!(error instanceof ConnectError) || secrets.length === 0) return error;
  const metadata = new Headers();
  let changed = false;
  error.metadata.forEach((value, name) => {
    const clean = scrubSecrets(value, secrets);
    changed ||= clean !== value;
    metadata.append(name, clean);
  });
  const message = scrubSecrets(error.rawMessage, secrets);
  if (message === error.rawMessage && !changed) return error;
  return new ConnectError(message, error.code, metadata);
}

export { ConnectError };
