/** The one table of KServe's failures: pure functions, no network. */
import { describe, expect, it } from "vitest";
import { codeForKServeException, codeForStatus, KSERVE_EXCEPTIONS } from "../../src/core/kserve-failures.js";

describe("codeForKServeException", () => {
  it.each([
    ["kserve.errors.InvalidInput", "invalid_argument"],
    ["kserve.errors.ModelNotFound", "not_found"],
    ["fastapi.exceptions.RequestValidationError", "invalid_argument"],
    ["kserve.errors.InferenceError", "internal"],
    ["NotImplementedError", "unimplemented"],
    ["kserve.errors.UnsupportedProtocol", "unimplemented"],
    ["kserve.errors.ModelNotReady", "unavailable"],
    ["kserve.errors.ServerNotReady", "unavailable"],
    ["kserve.errors.ServerNotLive", "unavailable"],
  ] as const)("%s is %s", (exception, code) => {
    expect(codeForKServeException(exception)).toBe(code);
  });

  it("a model's own exception (InferenceError, or any class not listed) is internal, as its HTTP 500 is", () => {
    for (const exception of [
      "kserve.errors.InferenceError",
      "InferenceError",
      "ValueError",
      "numpy.AxisError",
      "Exception",
      "constructor",
      "toString",
    ]) {
      expect(codeForKServeException(exception), exception).toBe("internal");
    }
    expect(codeForStatus(500)).toBe("internal");
  });

  it("reads the class with or without its module", () => {
    expect(codeForKServeException("ModelNotFound")).toBe("not_found");
    expect(codeForKServeException("kserve.errors.ModelNotFound")).toBe("not_found");
  });

  it("names first, for each status, the exception KServe 0.14's gRPC server reports it with (the mock sends that one)", () => {
    const first = (status: number) => KSERVE_EXCEPTIONS.find(([, raises]) => raises === status)?.[0];
    expect([400, 404, 422, 500, 501, 503].map(first)).toEqual([
      "kserve.errors.InvalidInput",
      "kserve.errors.ModelNotFound",
      "fastapi.exceptions.RequestValidationError",
      "kserve.errors.InferenceError",
      "NotImplementedError",
      "kserve.errors.ModelNotReady",
    ]);
    expect(first(502)).toBeUndefined();
  });

  it("every listed exception's code is the code of the status KServe's REST server answers for it", () => {
    for (const [exception, status] of KSERVE_EXCEPTIONS) {
      expect(codeForKServeException(exception), exception).toBe(codeForStatus(status));
      expect(codeForStatus(status), `${exception}'s ${status}`).not.toBe("unknown");
    }
  });
});
