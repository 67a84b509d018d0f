/**
 * The JSON `data` codec's edges (json-data.ts), pinned whole: the errors the writer throws and the reader reports
 * (message and details), the tensor head with and without parameters and a binary size, and -0 in BF16 and FP64.
 */
import { describe, expect, it } from "vitest";
import {
  encodeJsonData,
  encodeJsonTensor,
  ProtocolError,
  Tensor,
  tensorFromJson,
  ValidationError,
  type JsonValue,
} from "kserve-client/tensor";
import { checkParameters, checkTensorObject, tensorHead } from "../../src/tensor/json-data.js";
import { thrown } from "../helpers.js";

const HINT = 'Send this tensor with the binary tensor extension (binary: "always").';

describe("encodeJsonData's refusals", () => {
  it.each([
    ["FP32", Tensor.fp32("x", [2], [1, NaN]), "NaN"],
    ["FP64", Tensor.fp64("x", [3], [1, 2, Infinity]), "Infinity"],
    ["FP16", Tensor.fp16("x", [1], [-Infinity]), "-Infinity"],
    ["BF16", Tensor.bf16("x", [2], [1, -Infinity]), "-Infinity"],
  ])("%s: the first non-finite element, whole", (datatype, tensor, received) => {
    const index = tensor.data.length - 1;
    const error = thrown(ValidationError, () => encodeJsonData(tensor));
    expect(error.message).toBe(
      `[invalid_argument] Tensor "x" data[${index}] is ${received}, which JSON cannot carry: expected a finite ` +
        `${datatype} value, got ${received}. ${HINT}`,
    );
    expect(error.details).toEqual({
      tensor: "x",
      path: `data[${index}]`,
      expected: `a finite ${datatype} value`,
      received,
    });
  });

  it("BYTES that are not UTF-8, whole", () => {
    const error = thrown(ValidationError, () =>
      encodeJsonData(Tensor.bytes("img", [3], ["a", "b", new Uint8Array([0xc3])])),
    );
    expect(error.message).toBe(
      `[invalid_argument] Tensor "img" data[2] cannot be a JSON string: expected UTF-8 text, got 1 bytes that are not UTF-8. ${HINT}`,
    );
    expect(error.details).toEqual({
      tensor: "img",
      path: "data[2]",
      expected: "UTF-8 text",
      received: "1 bytes that are not UTF-8",
    });
  });
});

describe("encodeJsonData's values", () => {
  it("writes -0 as -0.0 for BF16 and FP64 too, and +0 as 0", () => {
    expect(encodeJsonData(Tensor.bf16("z", [3], [0, -0, 2]))).toBe("[0,-0.0,2]");
    expect(encodeJsonData(Tensor.fp64("z", [2], [1.5, -0]))).toBe("[1.5,-0.0]");
    expect(encodeJsonData(Tensor.fp16("z", [2], [-0, 0]))).toBe("[-0.0,0]");
  });

  it("writes 64-bit and small integers digit for digit, and BOOL and BYTES", () => {
    expect(encodeJsonData(Tensor.int8("i", [3], [-128, 0, 127]))).toBe("[-128,0,127]");
    expect(encodeJsonData(Tensor.uint16("u", [1], [65535]))).toBe("[65535]");
    expect(encodeJsonData(Tensor.int32("i", [2], [-2147483648, 2147483647]))).toBe("[-2147483648,2147483647]");
    expect(encodeJsonData(Tensor.bool("b", [3], [false, true, false]))).toBe("[false,true,false]");
    expect(encodeJsonData(Tensor.bytes("s", [3], ["", "\n", "é"]))).toBe('["","\\n","é"]');
    expect(encodeJsonData(Tensor.bool("b", [0], []))).toBe("[]");
  });
});

describe("tensorHead and encodeJsonTensor", () => {
  it("writes parameters only when some are left, binary_data_size only from the binary size", () => {
    const head = '{"name":"x","shape":[2],"datatype":"FP32"';
    expect(tensorHead(Tensor.fp32("x", [2], [1, 2]))).toBe(head);
    expect(tensorHead(Tensor.fp32("x", [2], [1, 2]), 8)).toBe(`${head},"parameters":{"binary_data_size":8}`);
    expect(tensorHead(Tensor.fp32("x", [2], [1, 2], { binary_data_size: 9 }))).toBe(head);
    expect(tensorHead(Tensor.fp32("x", [2], [1, 2], { binary_data_size: 9 }), 8)).toBe(
      `${head},"parameters":{"binary_data_size":8}`,
    );
    expect(tensorHead(Tensor.fp32("x", [2], [1, 2], { binary_data_size: 9, a: 1 }))).toBe(
      `${head},"parameters":{"a":1}`,
    );
    expect(tensorHead(Tensor.fp32("x", [2], [1, 2], { a: 1 }), 0)).toBe(
      `${head},"parameters":{"a":1,"binary_data_size":0}`,
    );
    expect(tensorHead(Tensor.fp32("x", [2], [1, 2], {}))).toBe(head);
    expect(encodeJsonTensor(Tensor.int64('q"', [1, 1], [5n], { binary_data_size: 9 }))).toBe(
      '{"name":"q\\"","shape":[1,1],"datatype":"INT64","data":[5]}',
    );
  });

  it("names the tensor and the parameters' path when they cannot be written", () => {
    const cyclic: Record<string, JsonValue> = {};
    cyclic["self"] = cyclic;
    const error = thrown(ValidationError, () => tensorHead(Tensor.fp32("x", [1], [1], { c: cyclic })));
    expect(error.details).toEqual({
      tensor: "x",
      path: "parameters.c.self",
      expected: "a tree of JSON values (no cycles)",
      received: "a reference back to parameters.c",
    });
  });
});

describe("tensorFromJson's refusals, whole", () => {
  const refusal = (value: JsonValue, path?: string) => {
    const error = thrown(ProtocolError, () => tensorFromJson(value, path));
    return { message: error.message, details: error.details };
  };

  it("an entry that is not an object, at the top and at a path", () => {
    const expected = "an object with name, datatype, shape and data";
    expect(refusal(null)).toEqual({
      message: `[internal] tensor: invalid tensor: expected ${expected}, got null.`,
      details: { path: "tensor", expected, received: "null" },
    });
    expect(refusal("x", "outputs[0]")).toEqual({
      message: `[internal] outputs[0]: invalid tensor: expected ${expected}, got "x".`,
      details: { path: "outputs[0]", expected, received: '"x"' },
    });
    expect(thrown(ProtocolError, () => checkTensorObject([], "")).details.received).toBe("an array of length 0");
  });

  it("a name that is empty or not a string", () => {
    expect(refusal({ name: "", shape: [1], datatype: "FP32", data: [1] }, "outputs[0]")).toEqual({
      message: '[internal] outputs[0].name: invalid tensor name: expected a non-empty string, got "".',
      details: { path: "outputs[0].name", expected: "a non-empty string", received: '""' },
    });
    expect(refusal({ name: 5, shape: [1], datatype: "FP32", data: [1] })).toEqual({
      message: "[internal] name: invalid tensor name: expected a non-empty string, got 5.",
      details: { path: "name", expected: "a non-empty string", received: "5" },
    });
  });

  it("a datatype that is not one", () => {
    const expected =
      "one of BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BYTES, BF16";
    expect(refusal({ name: "o", shape: [1], datatype: 7, data: [1] })).toEqual({
      message: `[internal] Tensor "o" datatype: unknown datatype: expected ${expected}, got 7.`,
      details: { tensor: "o", path: "datatype", expected, received: "7" },
    });
  });

  it("a shape that is not one", () => {
    expect(refusal({ name: "o", shape: "x", datatype: "FP32", data: [1] }, "outputs[0]")).toEqual({
      message:
        '[internal] Tensor "o" outputs[0].shape: invalid shape: expected an array of non-negative integers, got "x".',
      details: {
        tensor: "o",
        path: "outputs[0].shape",
        expected: "an array of non-negative integers",
        received: '"x"',
      },
    });
  });

  it("data missing or null", () => {
    const details = (path: string) => ({
      tensor: "o",
      path,
      expected: "a data array or parameters.binary_data_size",
      received: "neither",
    });
    expect(refusal({ name: "o", shape: [1], datatype: "FP32", data: null })).toEqual({
      message:
        '[internal] Tensor "o" data: missing data: expected a data array or parameters.binary_data_size, got neither.',
      details: details("data"),
    });
    expect(refusal({ name: "o", shape: [1], datatype: "FP32" }, "outputs[3]").details).toEqual(
      details("outputs[3].data"),
    );
  });

  it("parameters that are not an object; null and absent ones read as none", () => {
    expect(refusal({ name: "o", shape: [1], datatype: "FP32", data: [1], parameters: 3 }, "o[1]")).toEqual({
      message: '[internal] Tensor "o" o[1].parameters: invalid parameters: expected an object or null, got 3.',
      details: { tensor: "o", path: "o[1].parameters", expected: "an object or null", received: "3" },
    });
    expect(refusal({ name: "o", shape: [1], datatype: "FP32", data: [1], parameters: [1] }).details.received).toBe(
      "an array of length 1",
    );
    expect(
      tensorFromJson({ name: "o", shape: [1], datatype: "FP32", data: [1], parameters: null }).parameters,
    ).toBeUndefined();
    expect(tensorFromJson({ name: "o", shape: [1], datatype: "FP32", data: [1] }).parameters).toBeUndefined();
    expect(
      tensorFromJson({ name: "o", shape: [1], datatype: "FP32", data: [1], parameters: { a: 1 } }).parameters,
    ).toEqual({ a: 1 });
    expect(checkParameters(undefined, "t", "p")).toBeUndefined();
    expect(checkParameters(null, "t", "p")).toBeUndefined();
    expect(checkParameters({ b: true }, "t", "p")).toEqual({ b: true });
    expect(thrown(ProtocolError, () => checkParameters("s", "t", "p")).details).toEqual({
      tensor: "t",
      path: "p",
      expected: "an object or null",
      received: '"s"',
    });
  });
});
