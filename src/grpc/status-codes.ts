/**
 * The gRPC status codes as the SDK's error codes, in a table of its own so that `kserve-client/grpc` can export
 * `codeForGrpcStatus` without loading `@connectrpc/connect` (an optional peer, loaded when a call is made).
 * test/grpc/status-codes.test.ts checks the table against connect's `Code` enum.
 */
import type { ErrorCode } from "../core/errors.js";

/** Index: the numeric gRPC status (1 CANCELLED … 16 UNAUTHENTICATED); 0 (OK) is never an error's. */
const CODES: readonly ErrorCode[] = [
  "unknown",
  "canceled",
  "unknown",
  "invalid_argument",
  "deadline_exceeded",
  "not_found",
  "already_exists",
  "permission_denied",
  "resource_exhausted",
  "failed_precondition",
  "aborted",
  "out_of_range",
  "unimplemented",
  "internal",
  "unavailable",
  "data_loss",
  "unauthenticated",
];

/**
 * The error code for a numeric gRPC status: the status's name in snake_case (`4` DEADLINE_EXCEEDED →
 * `deadline_exceeded`), the codes REST statuses map to as well. OK and numbers that are no status are `unknown`:
 * an error always has a code.
 *
 * @example
 * ```ts
 * codeForGrpcStatus(14); // "unavailable"
 * ```
 */
export function codeForGrpcStatus(status: number): ErrorCode {
  return (Number.isInteger(status) ? CODES[status] : undefined) ?? "unknown";
}
