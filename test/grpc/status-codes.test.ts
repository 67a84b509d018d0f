/**
 * The gRPC status table of src/grpc/status-codes.ts, which the SDK keeps apart from `@connectrpc/connect` (an optional
 * peer): checked against connect's `Code` enum, so the two cannot drift apart.
 */
import { Code } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import type { ErrorCode } from "../../src/core/errors.js";
import { codeForGrpcStatus } from "../../src/grpc/status-codes.js";

/** `DeadlineExceeded` → `deadline_exceeded`. */
const snakeCase = (name: string) =>
  name.replace(/[A-Z]/g, (letter, at: number) => (at === 0 ? "" : "_") + letter.toLowerCase());

/** connect's Code enum as [number, name] pairs (a numeric enum maps both ways; the numbers are the statuses). */
const connectCodes = Object.entries(Code).filter((entry): entry is [string, number] => typeof entry[1] === "number");

describe("codeForGrpcStatus", () => {
  it("maps every status of connect's Code enum to its name in snake_case", () => {
    expect(connectCodes).toHaveLength(16);
    for (const [name, status] of connectCodes) expect(codeForGrpcStatus(status), name).toBe(snakeCase(name));
  });

  it("maps statuses 1 to 16 to exactly these codes", () => {
    const table = Array.from({ length: 16 }, (_, index) => codeForGrpcStatus(index + 1));
    expect(table).toEqual<ErrorCode[]>([
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
    ]);
  });

  it.each([0, -1, -16, 17, 18, 100, 1.5, 14.000001, -0.5, Number.NaN, Infinity, -Infinity])(
    "maps %d, which is OK or no status, to unknown: an error always has a code",
    (status) => {
      expect(codeForGrpcStatus(status)).toBe("unknown");
    },
  );

  it("reads -0 as 0 (OK), and so as unknown", () => {
    expect(codeForGrpcStatus(-0)).toBe("unknown");
  });
});
