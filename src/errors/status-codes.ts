/**
 * What each HTTP status means as an error code. A module of its own, without a class: the gRPC side maps KServe's
 * exceptions through the same statuses (core/kserve-failures.ts), so one failure has one code on both, and gRPC
 * bundles must not carry HttpError (whose name tag is set at load).
 */
import type { ErrorCode } from "./kserve-error.js";

/**
 * HTTP statuses and the code each means: KServe's own (400, 404, 422, 500, 501, 503: see KSERVE_EXCEPTIONS in
 * core/kserve-failures.ts), and those of what stands in front of a model server, an ingress gateway or an
 * auth proxy (401, 403, 408, 409, 429, 502, 504).
 */
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
