/**
 * Bad caller input to the tensor codecs (`kserve-client/tensor`): raw little-endian bytes, the JSON `data` codec,
 * the binary tensor extension's body and stringifyJson. Each throw site has its own rows.
 */
import { describe, expect, it } from "vitest";
import {
  decodeTensorBody,
  encodeBytesElements,
  encodeJsonData,
  encodeJsonTensor,
  encodeTensorBody,
  type ProblemDetails,
  stringifyJson,
  Tensor,
  tensorFromBytes,
  tensorToBytes,
} from "kserve-client/tensor";
import { caughtSync, expectInvalid, type Said } from "./expect.js";

type Case = [label: string, fn: () => unknown, details: ProblemDetails, said?: Said];

/** A BYTES tensor whose element list was changed after construction (its array is not frozen). */
function tamperedBytes(name: string, element: unknown): Tensor<"BYTES"> {
  const t = Tensor.bytes(name, [2], ["ok", "ok"]);
  (t.data as unknown[])[1] = element;
  return t;
}

/** A Uint8Array that claims 2^32 bytes: the 4-byte length prefix cannot hold it. */
function hugeElement(): Uint8Array {
  const element = new Uint8Array(0);
  Object.defineProperty(element, "byteLength", { value: 2 ** 32 });
  return element;
}

describe("raw bytes (raw.ts)", () => {
  it.each<Case>([
    // raw.ts encodeBytesElements: an element that is not a Uint8Array
    [
      "encodeBytesElements of a string",
      () => encodeBytesElements(["a"] as never, "words"),
      { tensor: "words", path: "data[0]", expected: "a Uint8Array", received: '"a"' },
    ],
    [
      "encodeBytesElements without a tensor name",
      () => encodeBytesElements([new Uint8Array(1), 7] as never),
      { path: "data[1]", expected: "a Uint8Array", received: "7" },
    ],
    [
      "tensorToBytes of a tampered BYTES tensor",
      () => tensorToBytes(tamperedBytes("words", "text")),
      { tensor: "words", path: "data[1]", expected: "a Uint8Array", received: '"text"' },
    ],
    [
      "encodeTensorBody (binary) of a tampered BYTES tensor",
      () => encodeTensorBody([tamperedBytes("words", null)], { key: "inputs" }),
      { tensor: "words", path: "data[1]", expected: "a Uint8Array", received: "null" },
    ],
    // raw.ts encodeBytesElements: an element of 2^32 bytes or more
    [
      "an element too large for its length prefix",
      () => encodeBytesElements([hugeElement()], "blob"),
      { tensor: "blob", path: "data[0]", expected: "fewer than 2^32 bytes", received: "4294967296 bytes" },
    ],
    // raw.ts tensorFromBytes: bytes that are not a Uint8Array
    [
      "tensorFromBytes of a plain array",
      () => tensorFromBytes("x", "FP32", [1], [0, 0, 0, 0] as never),
      { tensor: "x", path: "bytes", expected: "a Uint8Array", received: "an array of length 4" },
    ],
    [
      "tensorFromBytes of an ArrayBuffer",
      () => tensorFromBytes("x", "UINT8", [4], new ArrayBuffer(4) as never),
      { tensor: "x", path: "bytes", expected: "a Uint8Array", received: "an object" },
    ],
    [
      "tensorFromBytes of an Int8Array",
      () => tensorFromBytes("x", "INT8", [4], new Int8Array(4) as never),
      { tensor: "x", path: "bytes", expected: "a Uint8Array", received: "a Int8Array" },
    ],
  ])("%s", (_label, fn, details, said) => {
    expectInvalid(caughtSync(fn), details, said);
  });
});

describe("JSON data (json-data.ts)", () => {
  const bad = new Uint8Array([0x61, 0xff]);
  it.each<Case>([
    // json-data.ts encodeFloats: NaN and ±Infinity
    [
      "FP32 NaN",
      () => encodeJsonData(Tensor.fp32("x", [2], [1, NaN])),
      { tensor: "x", path: "data[1]", expected: "a finite FP32 value", received: "NaN" },
    ],
    [
      "FP64 -Infinity",
      () => encodeJsonData(Tensor.fp64("y", [1], [-Infinity])),
      { tensor: "y", path: "data[0]", expected: "a finite FP64 value", received: "-Infinity" },
    ],
    [
      "FP16 Infinity in a whole tensor",
      () => encodeJsonTensor(Tensor.fp16("h", [2], [0, Infinity])),
      { tensor: "h", path: "data[1]", expected: "a finite FP16 value", received: "Infinity" },
    ],
    [
      "BF16 NaN",
      () => encodeJsonData(Tensor.bf16("b", [1], [NaN])),
      { tensor: "b", path: "data[0]", expected: "a finite BF16 value", received: "NaN" },
    ],
    [
      "FP32 NaN written as JSON by encodeTensorBody",
      () =>
        encodeTensorBody([Tensor.fp32("ok", [1], [1]), Tensor.fp32("z", [3], [0, 0, NaN])], {
          key: "inputs",
          binary: () => false,
        }),
      { tensor: "z", path: "data[2]", expected: "a finite FP32 value", received: "NaN" },
    ],
    // json-data.ts utf8OrThrow: BYTES that are not UTF-8
    [
      "BYTES not UTF-8",
      () => encodeJsonData(Tensor.bytes("s", [2], ["ok", bad])),
      { tensor: "s", path: "data[1]", expected: "UTF-8 text", received: "2 bytes that are not UTF-8" },
    ],
    [
      "BYTES not UTF-8 written as JSON by encodeTensorBody",
      () => encodeTensorBody([Tensor.bytes("s", [1], [bad])], { key: "outputs", binary: () => false }),
      { tensor: "s", path: "data[0]", expected: "UTF-8 text", received: "2 bytes that are not UTF-8" },
    ],
  ])("%s", (_label, fn, details, said) => {
    const error = expectInvalid(caughtSync(fn), details, said);
    expect(error.message).toContain('binary: "always"'); // what to do instead
  });
});

describe("binary extension bodies (binary.ts)", () => {
  it.each<Case>([
    // binary.ts encodeTensorBody: a field named like the tensor key. The message says what to do instead of
    // repeating expected/got; see the report for a proposed wording (binary.ts is another helper's file).
    [
      "fields.inputs next to the inputs",
      () => encodeTensorBody([Tensor.fp32("x", [1], [1])], { key: "inputs", fields: { inputs: [1] } }),
      { path: "fields.inputs", expected: "no field named like the tensor key", received: "an array of length 1" },
    ],
    // binary.ts decodeTensorBody: a body that is not a Uint8Array
    [
      "decodeTensorBody of a string",
      () => decodeTensorBody("{}" as never, { key: "outputs" }),
      { path: "body", expected: "a Uint8Array", received: '"{}"' },
    ],
    [
      "decodeTensorBody of an ArrayBuffer",
      () => decodeTensorBody(new ArrayBuffer(2) as never, { key: "outputs" }),
      { path: "body", expected: "a Uint8Array", received: "an object" },
    ],
    // binary.ts decodeTensorBody: options.key
    [
      'decodeTensorBody with key "output"',
      () => decodeTensorBody(new Uint8Array(), { key: "output" } as never),
      { path: "options.key", expected: '"inputs" or "outputs"', received: '"output"' },
    ],
    [
      "decodeTensorBody without options",
      () => decodeTensorBody(new Uint8Array(), undefined as never),
      { path: "options.key", expected: '"inputs" or "outputs"', received: "undefined" },
    ],
  ])("%s", (_label, fn, details, said) => {
    expectInvalid(caughtSync(fn), details, said);
  });
});

describe("stringifyJson (json.ts)", () => {
  const cyclic = (): Record<string, unknown> => {
    const o: Record<string, unknown> = { a: 1 };
    o["self"] = o;
    return o;
  };
  const expected = "a tree of JSON values (no cycles)";
  // json.ts nestingError: a cycle is named where it closes and where it leads back to.
  it.each<[string, () => unknown, ProblemDetails]>([
    [
      "a cycle given to stringifyJson",
      () => stringifyJson({ list: [0, cyclic()] }),
      { path: "list[1].self", expected, received: "a reference back to list[1]" },
    ],
    [
      "a value that contains itself",
      () => stringifyJson(cyclic()),
      { path: "self", expected, received: "a reference back to the value itself" },
    ],
    [
      "a cycle in a tensor's parameters",
      () => encodeJsonTensor(Tensor.fp32("x", [1], [1], { meta: cyclic() as never })),
      { tensor: "x", path: "parameters.meta.self", expected, received: "a reference back to parameters.meta" },
    ],
    [
      "a cycle in encodeTensorBody fields",
      () => encodeTensorBody([Tensor.fp32("x", [1], [1])], { key: "inputs", fields: { parameters: cyclic() } }),
      { path: "parameters.self", expected, received: "a reference back to parameters" },
    ],
  ])("%s", (_label, fn, details) => {
    expectInvalid(caughtSync(fn), details);
  });

  it("nesting past 512 levels: the message shows the start of the path, details all of it", () => {
    let value: unknown = 1;
    for (let i = 0; i < 600; i++) value = { k: value };
    const error = expectInvalid(
      caughtSync(() => stringifyJson({ top: value })),
      { path: `top${".k".repeat(512)}`, expected: "at most 512 levels of nesting", received: "more" },
      { path: `top${".k".repeat(40)}` },
    );
    expect(error.message).toMatch(/\.k…: nested too deep/);
    expect(error.message.length).toBeLessThan(250);
  });

  it("the same object twice is not a cycle", () => {
    const shared = { v: 1 };
    expect(stringifyJson({ p: shared, q: [shared, shared] })).toBe('{"p":{"v":1},"q":[{"v":1},{"v":1}]}');
  });
});
