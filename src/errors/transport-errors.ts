/** The errors of a call that did not get a usable answer: no connection, no time left, cancelled, misconfigured. */
import { KServeError, type KServeErrorOptions, tagErrorClass } from "./kserve-error.js";

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
