/**
 * Hostile sizes and shapes: every one ends in a typed error (or a correct result), never a RangeError, a stack
 * overflow or an allocation the input cannot justify.
 */
import { describe, expect, it } from "vitest";
import {
  decodeTensorBody,
  encodeBytesElements,
  numel,
  parseJson,
  ProtocolError,
  Tensor,
  tensorFromBytes,
  tensorFromJson,
  ValidationError,
} from "kserve-client/tensor";
import { thrown } from "../helpers.js";

const utf8 = (s: string) => new TextEncoder().encode(s);

describe("huge shapes are refused before anything is allocated", () => {
  it("caller input whose data cannot fill the shape", () => {
    expect(thrown(ValidationError, () => Tensor.fp32("x", [1e12], [1])).details).toMatchObject({
      expected: "1000000000000 elements (shape [1000000000000])",
      received: "1",
    });
    expect(thrown(ValidationError, () => Tensor.fp32("x", [2 ** 26, 2 ** 26], [[1]])).details).toMatchObject({
      path: "data",
      received: "length 1",
    });
    expect(thrown(ValidationError, () => Tensor.int8("x", [2, 2 ** 40], [[1], [2]])).details).toMatchObject({
      path: "data[0]",
      received: "length 1",
    });
  });

  it("server bodies whose data cannot fill the shape", () => {
    thrown(ProtocolError, () => tensorFromJson({ name: "o", shape: [1e12], datatype: "FP32", data: [1] }));
    thrown(ProtocolError, () => tensorFromBytes("o", "FP64", [2 ** 50], new Uint8Array(8)));
    const err = thrown(ProtocolError, () => tensorFromBytes("o", "BYTES", [2 ** 40], new Uint8Array(0)));
    expect(err.details.expected).toContain("length-prefixed elements");
    const header = utf8(
      `{"outputs":[{"name":"o","shape":[${2 ** 40}],"datatype":"BYTES","parameters":{"binary_data_size":0}}]}`,
    );
    thrown(ProtocolError, () => decodeTensorBody(header, { key: "outputs" }));
  });

  it("toArray() of an empty tensor with a huge outer dimension", () => {
    const t = Tensor.fp32("x", [2 ** 40, 0], []);
    expect(t.size).toBe(0);
    expect(thrown(ValidationError, () => t.toArray()).message).toContain("Read .data instead");
  });

  it("shapes with more than 64 dimensions", () => {
    const shape = new Array<number>(65).fill(1);
    expect(thrown(ValidationError, () => numel(shape)).details).toMatchObject({
      expected: "at most 64 dimensions",
      received: "65",
    });
    thrown(ProtocolError, () => tensorFromJson({ name: "o", shape, datatype: "FP32", data: [1] }));
    expect(Tensor.fp32("x", new Array<number>(64).fill(1), [1]).size).toBe(1);
  });
});

describe("deep nesting is a ProtocolError on every path", () => {
  const deep = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;

  it("in parseJson, whether or not JSON.parse ran first", () => {
    thrown(ProtocolError, () => parseJson(deep(100_000)));
    thrown(ProtocolError, () => parseJson(deep(600)));
    thrown(ProtocolError, () => parseJson(`{"a":${deep(600)}}`));
    expect(parseJson(deep(500))).toBeInstanceOf(Array);
  });

  it("in a body's fields and tensor parameters", () => {
    const big = 12345678901234567890n; // forces the exact parser as well
    thrown(ProtocolError, () =>
      decodeTensorBody(utf8(`{"parameters":{"x":${deep(100_000)}},"outputs":[]}`), { key: "outputs" }),
    );
    thrown(ProtocolError, () =>
      decodeTensorBody(
        utf8(
          `{"id":${big},"outputs":[{"name":"o","shape":[1],"datatype":"INT64","data":[1],"parameters":{"x":${deep(600)}}}]}`,
        ),
        {
          key: "outputs",
        },
      ),
    );
  });
});

describe("wrong argument types are ValidationErrors, not TypeErrors", () => {
  it("decodeTensorBody", () => {
    expect(
      thrown(ValidationError, () => decodeTensorBody("{}" as unknown as Uint8Array, { key: "outputs" })).details.path,
    ).toBe("body");
    expect(thrown(ValidationError, () => decodeTensorBody(utf8("{}"), undefined as never)).details.path).toBe(
      "options.key",
    );
    expect(
      thrown(ValidationError, () => decodeTensorBody(utf8("{}"), { key: "output" as never })).details.received,
    ).toBe('"output"');
  });

  it("encodeBytesElements and tensorFromBytes", () => {
    expect(thrown(ValidationError, () => encodeBytesElements([1 as unknown as Uint8Array])).details).toMatchObject({
      path: "data[0]",
      expected: "a Uint8Array",
    });
    expect(thrown(ValidationError, () => encodeBytesElements([1 as unknown as Uint8Array])).message).not.toContain(
      "undefined",
    );
    thrown(ValidationError, () => tensorFromBytes("o", "FP32", [1], [0, 0, 0, 0] as unknown as Uint8Array));
  });
});
