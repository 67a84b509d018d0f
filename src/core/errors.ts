/**
 * The transport errors of DESIGN.md §4, on top of the base classes that live in the tensor layer. `HttpError` and
 * the pure functions that turn an HTTP answer into one live in http-error.ts (only the REST clients need them)
 * and are re-exported here, so every error is imported from this one module.
 */
import { KServeError, type KServeErrorOptions, ProtocolError, tagErrorClass } from "../tensor/errors.js";

export { isKServeError, KServeError, ProtocolError, ValidationError } from "../tensor/errors.js";
export type { ErrorCode, KServeErrorOptions, ProblemDetails } from "../tensor/errors.js";
export { codeForStatus, HttpError, type HttpErrorOptions, MAX_ERROR_BODY, redactHeaders, serverMessage } from "./http-error.js";
export { scrubSecrets, sentCredentials } from "./secrets.js";

/**
 * The connection failed (refused, reset, DNS, TLS) before a complete answer arrived. Code `unavailable`.
 * `retryable` is false where trying again cannot help (a certificate that does not verify).
 */
export class ConnectionError extends KServeError {
  readonly retryable: boolean;
  constructor(message: string, options: KServeErrorOptions & { retryable?: boolean | undefined } = {}) {
    super("unavailable", message, options);
    this.retryable = options.retryable ?? true;
  }
}

/** The call's deadline (`timeoutMs`) passed. Code `deadline_exceeded`. */
export class TimeoutError extends KServeError {
  constructor(message: string, options: KServeErrorOptions = {}) {
    super("deadline_exceeded", message, options);
  }
}

/** The caller cancelled the call through its `signal`. Code `canceled`. */
export class AbortError extends KServeError {
  constructor(message: string, options: KServeErrorOptions = {}) {
    super("canceled", message, options);
  }
}

/** The client was configured in a way that cannot work here (e.g. `host` in a browser). Code `invalid_argument`. */
export class ConfigError extends KServeError {
  constructor(message: string, options: KServeErrorOptions = {}) {
    super("invalid_argument", message, options);
  }
}

tagErrorClass(ConnectionError, "ConnectionError");
tagErrorClass(TimeoutError, "TimeoutError");
tagErrorClass(AbortError, "AbortError");
tagErrorClass(ConfigError, "ConfigError");

/**
 * A ProtocolError met while decoding an answer, again with where that answer came from at the end of its message
 * (`… (in the answer of model "iris" to POST http://…/infer)`), its model and request id set, and the original
 * as its cause: the decoders know the field that is wrong, the client knows whose answer it was. Anything else
 * is returned as it is.
 */
export function locateProtocolError(error: unknown, where: string, options: { model?: string | undefined; requestId?: string | undefined }): unknown {
  if (!(error instanceof ProtocolError)) return error;
  return new ProtocolError(`${error.rawMessage.replace(/\.$/, "")} (in the answer ${where}).`, error.details, { cause: error, ...options });
}

/**
 * `error` as the end of a call that made `attempts` attempts: a copy, of the same class and with the same fields,
 * whose message ends "Failed after 3 attempts." and whose `attempts` is set, so that a retried failure says it
 * was retried (the message is the last attempt's cause). An error after a single attempt is returned as it is.
 * A copy, not a change: the error may be one an interceptor throws every time.
 */
export function afterAttempts<E extends KServeError>(error: E, attempts: number): E {
  if (attempts < 2) return error;
  const copy = Object.create(Object.getPrototypeOf(error) as object, Object.getOwnPropertyDescriptors(error)) as E;
  const raw = `${/[.!?…]$/.test(error.rawMessage) ? error.rawMessage : `${error.rawMessage}.`} Failed after ${attempts} attempts.`;
  const message = `[${error.code}] ${raw}`;
  Object.assign(copy, { rawMessage: raw, message, attempts, stack: error.stack?.replace(error.message, message) });
  return copy;
}

/**
 * The first error in `error`'s cause chain (itself included, at most 5 deep) that `test` accepts: Node and the
 * libraries on top of it wrap socket and TLS failures, so the code that says what happened can sit a few
 * causes down.
 */
export function findCause(error: unknown, test: (cause: { code?: unknown; type?: unknown }) => boolean): { code?: unknown; type?: unknown } | undefined {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (test(e as { code?: unknown; type?: unknown })) return e as { code?: unknown; type?: unknown };
  }
  return undefined;
}
