/**
 * The errors every client can throw, as one list: each entry point re-exports this module (the one `export *` an
 * entry may have), so that none leaves one out and the lists cannot drift apart. HttpError, which only the REST
 * clients throw, is exported beside them (root, /v1, /v2, /deploy), so gRPC bundles do not carry it.
 */
export { isKServeError, KServeError, ProtocolError, ValidationError } from "./kserve-error.js";
export type { ErrorCode, KServeErrorOptions, ProblemDetails } from "./kserve-error.js";
export { AbortError, ConfigError, ConnectionError, TimeoutError } from "./transport-errors.js";
