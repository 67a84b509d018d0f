/**
 * What the clients need around errors, in one module: the classes (src/errors), HttpError and the pure functions
 * that turn an HTTP answer into one (http-error.ts, only the REST clients need them), and the helpers below that
 * give an error its place and its attempts.
 */
import { type KServeError, ProtocolError } from "../errors/kserve-error.js";

export { isKServeError, KServeError, ProtocolError, ValidationError } from "../errors/kserve-error.js";
export type { ErrorCode, KServeErrorOptions, ProblemDetails } from "../errors/kserve-error.js";
export { AbortError, ConfigError, ConnectionError, TimeoutError } from "../errors/transport-errors.js";
export {
  codeForStatus,
  HttpError,
  type HttpErrorOptions,
  MAX_ERROR_BODY,
  redactHeaders,
  serverMessage,
} from "./http-error.js";
export { echoForms, scrubSecrets, sentCredentials } from "../internal/secrets.js";

/**
 * A ProtocolError met while decoding an answer, again with where that answer came from at the end of its message
 * (`… (in the answer of model "iris" to POST http://…/infer)`), its model and request id set, and the original
 * as its cause: the decoders know the field that is wrong, the client knows whose answer it was. Anything else
 * is returned as it is.
 */
export function locateProtocolError(
  error: unknown,
  where: string,
  options: { model?: string | undefined; requestId?: string | undefined },
): unknown {
  if (!(error instanceof ProtocolError)) return error;
  return new ProtocolError(`${error.rawMessage.replace(/\.$/, "")} (in the answer ${where}).`, error.details, {
    cause: error,
    ...options,
  });
}

/**
 * `error` as the end of a call that made `attempts` attempts: a copy, of the same class and with the same fields,
 * whose message ends "Failed after 3 attempts." and whose `attempts` is set, so that a retried failure says it
 * was retried (the message is the last attempt's cause). An error after a single attempt is returned as it is.
 * A copy, not a change: the error may be one an interceptor throws every time.
 */
export function afterAttempts<E extends KServeError>(error: E, attempts: number): E {
  if (attempts < 2) return error;
  // `stack` is left out of the copied descriptors: Node 24's is an accessor that reads the original error's
  // internal slot, which a copy lacks (it gave undefined); the copy gets its own value instead.
  const { stack: _stack, ...fields } = Object.getOwnPropertyDescriptors(error);
  const copy = Object.create(Object.getPrototypeOf(error) as object, fields) as E;
  const raw = `${/[.!?…]$/.test(error.rawMessage) ? error.rawMessage : `${error.rawMessage}.`} Failed after ${attempts} attempts.`;
  const message = `[${error.code}] ${raw}`;
  Object.assign(copy, { rawMessage: raw, message, attempts });
  Object.defineProperty(copy, "stack", {
    value: error.stack?.replace(error.message, message),
    writable: true,
    configurable: true,
  });
  return copy;
}

/**
 * The first error in `error`'s cause chain (itself included, at most 5 deep) that `test` accepts: Node and the
 * libraries on top of it wrap socket and TLS failures, so the code that says what happened can sit a few
 * causes down.
 */
export function findCause(
  error: unknown,
  test: (cause: { code?: unknown; type?: unknown }) => boolean,
): { code?: unknown; type?: unknown } | undefined {
  for (
    let e: unknown = error, depth = 0;
    e !== null && typeof e === "object" && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    if (test(e as { code?: unknown; type?: unknown })) return e as { code?: unknown; type?: unknown };
  }
  return undefined;
}
