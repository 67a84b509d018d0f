/** What each HTTP status means as an error code (src/errors/status-codes.ts): the whole table, and what is not in it. */
import { describe, expect, it } from "vitest";
import { codeForStatus } from "../../src/errors/status-codes.js";

describe("codeForStatus", () => {
  it.each([
    [400, "invalid_argument"],
    [401, "unauthenticated"],
    [403, "permission_denied"],
    [404, "not_found"],
    [408, "deadline_exceeded"],
    [409, "aborted"],
    [422, "invalid_argument"],
    [429, "resource_exhausted"],
    [500, "internal"],
    [501, "unimplemented"],
    [502, "unavailable"],
    [503, "unavailable"],
    [504, "deadline_exceeded"],
  ] as const)("maps HTTP %i to %s", (status, code) => {
    expect(codeForStatus(status)).toBe(code);
  });

  it.each([0, 200, 302, 402, 405, 410, 413, 418, 499, 505, 511, 599, 400.5, -400, Number.NaN])(
    "maps %d, a status without a meaning of its own, to unknown",
    (status) => {
      expect(codeForStatus(status)).toBe("unknown");
    },
  );
});
