/**
 * The transport errors of DESIGN.md §4, on top of the base classes that live in the tensor layer, and the pure
 * functions that turn an HTTP answer into one: status → code, the server's message, credential redaction.
 */
import { type ErrorCode, KServeError, type KServeErrorOptions, tagErrorClass } from "../tensor/errors.js";

export { isKServeError, KServeError, ProtocolError, ValidationError } from "../tensor/errors.js";
export type { ErrorCode, KServeErrorOptions, ProblemDetails } from "../tensor/errors.js";

/** Options of {@link HttpError}. */
export interface HttpErrorOptions extends KServeErrorOptions {
  status: number;
  /** Response headers, credentials already redacted. */
  headers?: Readonly<Record<string, string>> | undefined;
  /** The response body as text (cut to a few KiB). */
  body?: string | undefined;
}

/** The server answered with a non-2xx status. `code` follows the status (see {@link codeForStatus}). */
export class HttpError extends KServeError {
  declare readonly status: number;
  /** Response headers, credentials redacted. */
  readonly headers: Readonly<Record<string, string>>;
  /** The response body as text, cut to {@link MAX_ERROR_BODY} characters. */
  readonly body: string;

  constructor(message: string, options: HttpErrorOptions) {
    super(codeForStatus(options.status), message, options);
    this.headers = options.headers ?? {};
    this.body = options.body ?? "";
  }
}

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

tagErrorClass(HttpError, "HttpError");
tagErrorClass(ConnectionError, "ConnectionError");
tagErrorClass(TimeoutError, "TimeoutError");
tagErrorClass(AbortError, "AbortError");
tagErrorClass(ConfigError, "ConfigError");

const STATUS_CODES: Readonly<Record<number, ErrorCode>> = {
  400: "invalid_argument",
  401: "unauthenticated",
  403: "permission_denied",
  404: "not_found",
  408: "deadline_exceeded",
  409: "aborted",
  422: "invalid_argument",
  429: "resource_exhausted",
  500: "internal",
  501: "unimplemented",
  502: "unavailable",
  503: "unavailable",
  504: "deadline_exceeded",
};

/** The error code for an HTTP status; statuses without a meaning of their own are `unknown`. */
export function codeForStatus(status: number): ErrorCode {
  return STATUS_CODES[status] ?? "unknown";
}

/** How much of an error body is kept: enough for any server's message, not a whole HTML page. */
export const MAX_ERROR_BODY = 4096;

/**
 * The server's own message from an error body: `{"error": …}` (KServe, Triton, MLServer), `{"detail": …}`
 * (FastAPI: a string, or a list of `{loc, msg}` for 422), plain text (gateways, MLServer's 500), or
 * undefined for an empty body.
 */
export function serverMessage(body: string): string | undefined {
  const text = body.trim();
  if (text === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return cut(text);
  }
  if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
    const { error, detail } = parsed as { error?: unknown; detail?: unknown };
    if (typeof error === "string") return cut(error);
    if (typeof detail === "string") return cut(detail);
    if (Array.isArray(detail)) return cut(detail.map(describeDetail).join("; "));
  }
  return cut(text);
}

/** One FastAPI validation item: `body.inputs.0.data: field required`. */
function describeDetail(item: unknown): string {
  if (item === null || typeof item !== "object") return String(item);
  const { loc, msg } = item as { loc?: unknown; msg?: unknown };
  const where = Array.isArray(loc) ? loc.join(".") : undefined;
  const what = typeof msg === "string" ? msg : JSON.stringify(item);
  return where ? `${where}: ${what}` : what;
}

function cut(text: string): string {
  return text.length > MAX_ERROR_BODY ? `${text.slice(0, MAX_ERROR_BODY)}…` : text;
}

/** Headers whose values are credentials; matched case-insensitively. */
const CREDENTIAL_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key"]);

/**
 * A copy of `headers` (names lower-cased) safe to show in errors and logs: credential values become
 * `[redacted]`, keeping an Authorization scheme (`Bearer [redacted]`) because it helps debugging.
 */
export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (!CREDENTIAL_HEADERS.has(key)) {
      out[key] = value;
      continue;
    }
    const scheme = /^(Bearer|Basic|Digest|Token)\s/i.exec(value)?.[1];
    out[key] = scheme ? `${scheme} [redacted]` : "[redacted]";
  }
  return out;
}

/** Node's error codes for a TLS certificate that does not verify: retrying cannot fix these. */
export const TLS_ERROR_CODES: ReadonlySet<string> = new Set([
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_SIGNATURE_FAILURE",
  "CERT_REVOKED",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
]);

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
