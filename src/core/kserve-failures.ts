/**
 * One table of how KServe's Python model server fails, which both transports read, so that the same failure has
 * the same `code` over REST and gRPC (ARCHITECTURE.md, wire facts: V2 errors and gRPC errors):
 *
 * - REST: an HTTP status means the code {@link codeForStatus} gives it;
 * - gRPC: KServe before 0.15 sends every failure as UNKNOWN with the exception's class in the text
 *   (``Unexpected <class 'kserve.errors.ModelNotFound'>: …``); the class means the code of the status KServe's
 *   REST server answers for that exception ({@link codeForKServeException}).
 *
 * Pure, with no imports but a type: the REST and gRPC bundles each keep only what they call.
 */
import type { ErrorCode } from "../errors/kserve-error.js";
import { codeForStatus } from "../errors/status-codes.js";

export { codeForStatus };

/**
 * The exceptions KServe's REST server has a handler for (python/kserve/kserve/errors.py, registered in
 * rest/server.py, as of 0.14.1; ServerNotReady and ServerNotLive came in 0.15), as Python names them, and the
 * HTTP status each handler answers. Every other exception — the model's own, and `InferenceError`, which a model raises when it fails on
 * an input (sklearnserver wraps scikit-learn's "X has 3 features, but SVC is expecting 4") — gets 500:
 *
 * | exception | HTTP | code |
 * |---|---|---|
 * | `InvalidInput` | 400 | `invalid_argument` |
 * | `ModelNotFound` | 404 | `not_found` |
 * | FastAPI's `RequestValidationError` (a body that does not fit the V2 schema; REST only) | 422 | `invalid_argument` |
 * | `InferenceError`, and any exception not listed | 500 | `internal` |
 * | `NotImplementedError` (no explainer, a model version), `UnsupportedProtocol` | 501 | `unimplemented` |
 * | `ModelNotReady`, `ServerNotReady`, `ServerNotLive` | 503 | `unavailable` |
 *
 * The first exception of each status is the one the mock KServe reports for that status over gRPC in the 0.14
 * style. KServe 0.15's gRPC server sends proper codes instead, some of which differ (INVALID_ARGUMENT for
 * `InferenceError`); those are taken as sent.
 */
export const KSERVE_EXCEPTIONS: readonly (readonly [exception: string, status: number])[] = [
  ["kserve.errors.InvalidInput", 400],
  ["kserve.errors.ModelNotFound", 404],
  ["fastapi.exceptions.RequestValidationError", 422],
  ["kserve.errors.InferenceError", 500],
  ["NotImplementedError", 501],
  ["kserve.errors.UnsupportedProtocol", 501],
  ["kserve.errors.ModelNotReady", 503],
  ["kserve.errors.ServerNotReady", 503],
  ["kserve.errors.ServerNotLive", 503],
];

/**
 * The code of a failure KServe reports by its exception's class (`kserve.errors.ModelNotFound`, or the bare
 * `ModelNotFound`): the code of the HTTP status its REST server answers for it, so that both transports agree.
 * An exception not listed is the model's own: 500, `internal`.
 */
export function codeForKServeException(exception: string): ErrorCode {
  const name = shortName(exception);
  return codeForStatus(KSERVE_EXCEPTIONS.find(([listed]) => shortName(listed) === name)?.[1] ?? 500);
}

/** `kserve.errors.ModelNotFound` → `ModelNotFound`. */
function shortName(exception: string): string {
  return exception.slice(exception.lastIndexOf(".") + 1);
}
