/**
 * The base of every error the SDK raises, its brand (recognised across copies of the package), and the two
 * errors every layer needs: ValidationError (the caller's input) and ProtocolError (the server's answer).
 */

/**
 * What went wrong, as a gRPC status name in snake_case. REST statuses and gRPC codes both map into
 * this set, so `switch (err.code)` reads the same for every transport.
 */
export type ErrorCode =
  | "canceled"
  | "unknown"
  | "invalid_argument"
  | "deadline_exceeded"
  | "not_found"
  | "already_exists"
  | "permission_denied"
  | "resource_exhausted"
  | "failed_precondition"
  | "aborted"
  | "out_of_range"
  | "unimplemented"
  | "internal"
  | "unavailable"
  | "data_loss"
  | "unauthenticated";

/** Options shared by every {@link KServeError} constructor. */
export interface KServeErrorOptions {
  /** The underlying error, kept as the standard `cause`. */
  cause?: unknown;
  /** HTTP status of the response that produced the error, if any. */
  status?: number | undefined;
  /** gRPC status code (numeric) of the call that produced the error, if any. */
  grpcCode?: number | undefined;
  /** The server's `x-request-id`, if it sent one. */
  requestId?: string | undefined;
  /** The model the call was addressed to. */
  model?: string | undefined;
  /**
   * How many attempts the call made, set when it made more than one (it was retried): the error is then the
   * last attempt's, or the deadline's or the caller's that ended the retries.
   */
  attempts?: number | undefined;
}

/** Where in a tensor, and against what expectation, a problem was found. */
export interface ProblemDetails {
  /** Tensor name. */
  tensor?: string | undefined;
  /** Position of the offending value, e.g. `data[1][3]`, `shape[0]`, `outputs[2].datatype`. */
  path?: string | undefined;
  /** What was expected there. */
  expected?: string | undefined;
  /** What was found instead. */
  received?: string | undefined;
}

/** The optional context an error carries, beside its code and message. */
const CONTEXT_FIELDS = ["status", "grpcCode", "requestId", "model", "attempts"] as const;

// Symbol.for so that every copy of the package (ESM and CJS, or two versions) shares the brand.
const BRAND: unique symbol = Symbol.for("kserve-client.KServeError") as never;

/**
 * The one base class of the SDK's errors. `code` says what went wrong; `message` starts with the code
 * (`[invalid_argument] …`) because many tools show only the message. Use {@link isKServeError} or
 * `instanceof` (both work across duplicate copies of the package).
 */
export class KServeError extends Error {
  /** What went wrong, as a gRPC status name. */
  readonly code: ErrorCode;
  /** The message without the `[code]` prefix. */
  readonly rawMessage: string;
  declare readonly status?: number;
  declare readonly grpcCode?: number;
  declare readonly requestId?: string;
  declare readonly model?: string;
  /** How many attempts the call made, when it was retried (see {@link KServeErrorOptions.attempts}). */
  declare readonly attempts?: number;
  declare readonly [BRAND]: true;

  constructor(code: ErrorCode, text: string, options: KServeErrorOptions = {}) {
    const message = oneStop(text);
    super(`[${code}] ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.rawMessage = message;
    // Only the fields that are set, so that logs and toJSON() show no empty ones.
    for (const key of CONTEXT_FIELDS)
      if (options[key] !== undefined) (this as Record<string, unknown>)[key] = options[key];
    Object.defineProperty(this, BRAND, { value: true });
  }

  /**
   * `instanceof` that also recognises errors made by another copy of this package: ESM and CJS
   * builds loaded side by side each have their own classes.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    const proto: unknown = this.prototype;
    // Only our own classes carry a tag; a user's subclass falls back to plain instanceof above.
    if (!Object.prototype.hasOwnProperty.call(proto, "name") || !isKServeError(value)) return false;
    const name = (proto as { name: string }).name;
    for (let p: unknown = Object.getPrototypeOf(value); p !== null; p = Object.getPrototypeOf(p)) {
      if (Object.prototype.hasOwnProperty.call(p, "name") && (p as { name: unknown }).name === name) return true;
    }
    return false;
  }

  /** A plain object for logs and JSON; never includes `cause`, which may hold request details. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    for (const key of CONTEXT_FIELDS) if (this[key] !== undefined) out[key] = this[key];
    return out;
  }
}

/** The caller's input is wrong; raised before anything is sent. Code `invalid_argument`. */
export class ValidationError extends KServeError {
  /** Where the problem is and what was expected. */
  readonly details: ProblemDetails;

  constructor(message: string, details: ProblemDetails = {}, options: KServeErrorOptions = {}) {
    super("invalid_argument", message, options);
    this.details = details;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), details: this.details };
  }
}

/**
 * The server sent something that does not parse or contradicts itself (a body that is not JSON, a
 * `data` array whose length disagrees with `shape`, binary sections that do not add up). Code `internal`.
 */
export class ProtocolError extends KServeError {
  /** Where the problem is and what was expected. */
  readonly details: ProblemDetails;

  constructor(message: string, details: ProblemDetails = {}, options: KServeErrorOptions = {}) {
    super("internal", message, options);
    this.details = details;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), details: this.details };
  }
}

/**
 * `text` with a sentence's end written once: messages end their sentences with a period after text that may
 * already end with one (a server's message, a cause's, a URL's "…"), which gave "option.." and "0 ms..". A run
 * of three or more periods (an ellipsis) is left as it is.
 */
export function oneStop(text: string): string {
  return text.replace(/(?<![.!?])([.!?])\.(?=\s|\)|$)/g, "$1");
}

/**
 * Give an error class its name tag, which Symbol.hasInstance reads to recognise instances from other copies of
 * the package. A string literal, not `cls.name`, so that minifiers cannot rename it. Internal.
 */
export function tagErrorClass(cls: abstract new (...args: never[]) => KServeError, name: string): void {
  Object.defineProperty(cls.prototype, "name", { value: name, writable: true, configurable: true });
}

tagErrorClass(KServeError, "KServeError");
tagErrorClass(ValidationError, "ValidationError");
tagErrorClass(ProtocolError, "ProtocolError");

/** True for any error raised by kserve-client, whichever copy of the package raised it. */
export function isKServeError(value: unknown): value is KServeError {
  return typeof value === "object" && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}
