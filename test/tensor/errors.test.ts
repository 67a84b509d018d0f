import { describe, expect, it } from "vitest";
import { isKServeError, KServeError, ProtocolError, ValidationError } from "kserve-client/tensor";

/** An error as another copy of the package would make it: same brand symbol, different classes. */
function foreignError(name: string): Error {
  const brand = Symbol.for("kserve-client.KServeError");
  class ForeignBase extends Error {}
  Object.defineProperty(ForeignBase.prototype, "name", { value: "KServeError" });
  class Foreign extends ForeignBase {}
  if (name !== "KServeError") Object.defineProperty(Foreign.prototype, "name", { value: name });
  const err = new Foreign("from the other copy");
  Object.defineProperty(err, brand, { value: true });
  return err;
}

describe("KServeError", () => {
  it("prefixes the message with the code and keeps the raw message", () => {
    const err = new KServeError("not_found", "Model iris does not exist.", {
      status: 404,
      requestId: "r-1",
      model: "iris",
    });
    expect(err.message).toBe("[not_found] Model iris does not exist.");
    expect(err.rawMessage).toBe("Model iris does not exist.");
    expect(err).toMatchObject({ code: "not_found", status: 404, requestId: "r-1", model: "iris", name: "KServeError" });
    expect(err.grpcCode).toBeUndefined();
    expect(Object.keys(err)).not.toContain("grpcCode"); // absent, not present-but-undefined
  });

  it("keeps the cause as the standard property", () => {
    const cause = new Error("socket hang up");
    expect(new KServeError("unavailable", "no route", { cause }).cause).toBe(cause);
  });

  it("serialises to JSON without the cause", () => {
    const err = new KServeError("internal", "boom", { cause: { authorization: "Bearer secret" }, status: 500 });
    const json = JSON.stringify(err);
    expect(JSON.parse(json)).toEqual({
      name: "KServeError",
      code: "internal",
      message: "[internal] boom",
      status: 500,
    });
    expect(json).not.toContain("secret");
  });

  it("subclasses carry their code and details", () => {
    const v = new ValidationError("bad", { tensor: "x", path: "data[0]", expected: "a number", received: '"a"' });
    expect(v.code).toBe("invalid_argument");
    expect(v.name).toBe("ValidationError");
    expect(v.toJSON()).toMatchObject({ name: "ValidationError", details: { tensor: "x", path: "data[0]" } });
    const p = new ProtocolError("garbage");
    expect(p.code).toBe("internal");
    expect(p.name).toBe("ProtocolError");
  });

  it("instanceof follows the class hierarchy", () => {
    const v = new ValidationError("bad");
    expect(v).toBeInstanceOf(ValidationError);
    expect(v).toBeInstanceOf(KServeError);
    expect(v).toBeInstanceOf(Error);
    expect(v).not.toBeInstanceOf(ProtocolError);
    expect(new KServeError("unknown", "x")).not.toBeInstanceOf(ValidationError);
  });

  it("isKServeError and instanceof recognise errors from another copy of the package", () => {
    const foreign = foreignError("ValidationError");
    expect(isKServeError(foreign)).toBe(true);
    expect(foreign).toBeInstanceOf(KServeError);
    expect(foreign).toBeInstanceOf(ValidationError);
    expect(foreign).not.toBeInstanceOf(ProtocolError);
    expect(foreignError("KServeError")).not.toBeInstanceOf(ValidationError);
  });

  it("isKServeError rejects look-alikes without the brand", () => {
    expect(isKServeError(new Error("[internal] x"))).toBe(false);
    expect(isKServeError({ code: "internal", name: "KServeError" })).toBe(false);
    expect(isKServeError(null)).toBe(false);
    expect(isKServeError("KServeError")).toBe(false);
  });

  it("a user's own subclass uses plain instanceof, not the brand", () => {
    class MyError extends KServeError {}
    expect(new MyError("unknown", "x")).toBeInstanceOf(MyError);
    expect(new KServeError("unknown", "x")).not.toBeInstanceOf(MyError);
  });
});
