/**
 * Bad caller input to the Tensor class (`kserve-client`, `kserve-client/tensor`): every ValidationError the
 * constructor, the factories, numel, at(), toArray() and strings() raise names the tensor, the path or index, and
 * what was expected versus what was got.
 */
import { describe, expect, it } from "vitest";
import { DATATYPES, numel, type ProblemDetails, Tensor } from "kserve-client";
import { caughtSync, expectInvalid, type Said } from "./expect.js";

type Case = [label: string, make: () => unknown, details: ProblemDetails, said?: Said];

const make =
  (datatype: string, shape: unknown, data: unknown, name: unknown = "x") =>
  () =>
    new Tensor(name as string, datatype as "FP32", shape as number[], data as never);

describe("Tensor constructor: name (tensor.ts checkName)", () => {
  it.each<Case>([
    ["an empty name", make("FP32", [1], [1], ""), { path: "name", expected: "a non-empty string", received: '""' }],
    ["a number as name", make("FP32", [1], [1], 5), { path: "name", expected: "a non-empty string", received: "5" }],
    [
      "no name",
      () => Tensor.int32(undefined as never, [1], [1]),
      { path: "name", expected: "a non-empty string", received: "undefined" },
    ],
  ])("%s", (_label, fn, details, said) => {
    expectInvalid(caughtSync(fn), details, said);
  });
});

describe("Tensor constructor: datatype (tensor.ts checkDatatype)", () => {
  const expected = `one of ${DATATYPES.join(", ")}`;
  it.each<Case>([
    ["an unknown datatype", make("FP8", [1], [1]), { tensor: "x", path: "datatype", expected, received: '"FP8"' }],
    ["a lower-case datatype", make("fp32", [1], [1]), { tensor: "x", path: "datatype", expected, received: '"fp32"' }],
  ])("%s", (_label, fn, details, said) => {
    expectInvalid(caughtSync(fn), details, said);
  });
});

describe("Tensor constructor and numel: shape (shape.ts checkShape)", () => {
  const dims = "a non-negative integer";
  it.each<Case>([
    // shape.ts: not an array
    [
      "a shape that is not an array",
      make("FP32", "2", [1, 2]),
      { tensor: "x", path: "shape", expected: "an array of non-negative integers", received: '"2"' },
    ],
    [
      "numel of a non-array",
      () => numel(3 as never),
      { path: "shape", expected: "an array of non-negative integers", received: "3" },
    ],
    // shape.ts: more than 64 dimensions
    [
      "65 dimensions",
      make("FP32", new Array(65).fill(1), [1]),
      { tensor: "x", path: "shape", expected: "at most 64 dimensions", received: "65" },
    ],
    // shape.ts: a bad dimension
    [
      "a negative dimension",
      make("FP32", [2, -1], []),
      { tensor: "x", path: "shape[1]", expected: dims, received: "-1" },
    ],
    [
      "a fractional dimension",
      make("FP32", [1.5], [1]),
      { tensor: "x", path: "shape[0]", expected: dims, received: "1.5" },
    ],
    [
      "a NaN dimension",
      make("INT8", [1, NaN], [1]),
      { tensor: "x", path: "shape[1]", expected: dims, received: "NaN" },
    ],
    [
      "a string dimension",
      make("INT8", [1, "2"], [1, 2]),
      { tensor: "x", path: "shape[1]", expected: dims, received: '"2"' },
    ],
    [
      "a bigint dimension",
      make("INT8", [2n], [1, 2]),
      { tensor: "x", path: "shape[0]", expected: dims, received: "2n" },
    ],
    ["numel with a negative dimension", () => numel([3, -2]), { path: "shape[1]", expected: dims, received: "-2" }],
    // shape.ts: product beyond 2^53 - 1
    [
      "more than 2^53 - 1 elements",
      make("FP32", [2 ** 30, 2 ** 30], []),
      { tensor: "x", path: "shape", expected: "at most 2^53 - 1 elements", received: "[1073741824, 1073741824]" },
    ],
  ])("%s", (_label, fn, details, said) => {
    expectInvalid(caughtSync(fn), details, said);
  });
});

describe("Tensor constructor: data (convert.ts toTensorData)", () => {
  it.each<Case>([
    // convert.ts mismatch: a flat array, a typed array of another length
    [
      "too few elements",
      make("FP32", [2, 2], [1, 2, 3]),
      { tensor: "x", path: "data", expected: "4 elements (shape [2, 2])", received: "3" },
    ],
    [
      "too many elements",
      make("INT64", [1], [1n, 2n]),
      { tensor: "x", path: "data", expected: "1 element (shape [1])", received: "2" },
    ],
    [
      "a typed array of the wrong length",
      make("FP32", [2], new Float32Array(3)),
      { tensor: "x", path: "data", expected: "2 elements (shape [2])", received: "3" },
    ],
    [
      "a typed array of another kind and length",
      make("INT32", [4], new Float64Array(3)),
      { tensor: "x", path: "data", expected: "4 elements (shape [4])", received: "3" },
    ],
    // convert.ts: BYTES given a typed array
    [
      "BYTES as one Uint8Array",
      make("BYTES", [2], new Uint8Array(2)),
      { tensor: "x", path: "data", expected: "an array of strings or Uint8Arrays", received: "a Uint8Array" },
    ],
    // convert.ts: data that is no array at all
    [
      "data as a number",
      make("FP32", [1], 5),
      { tensor: "x", path: "data", expected: "a typed array or an array", received: "5" },
    ],
    [
      "data as a string",
      make("BYTES", [1], "abc"),
      { tensor: "x", path: "data", expected: "a typed array or an array", received: '"abc"' },
    ],
    [
      "data as null",
      make("FP32", [1], null),
      { tensor: "x", path: "data", expected: "a typed array or an array", received: "null" },
    ],
    [
      "data as an object",
      make("FP32", [1], { 0: 1 }),
      { tensor: "x", path: "data", expected: "a typed array or an array", received: "an object" },
    ],
    // convert.ts collectRows: a row that is not an array
    [
      "a scalar where a row belongs",
      make("FP32", [2, 2], [[1, 2], 3]),
      { tensor: "x", path: "data[1]", expected: "an array of 2 (shape[1])", received: "3" },
    ],
    // convert.ts collectRows: a row of the wrong length, at each depth
    [
      "a short row",
      make("FP32", [2, 2], [[1, 2], [3]]),
      { tensor: "x", path: "data[1]", expected: "an array of 2 (shape[1])", received: "length 1" },
    ],
    [
      "too few rows",
      make(
        "FP32",
        [3, 2],
        [
          [1, 2],
          [3, 4],
        ],
      ),
      { tensor: "x", path: "data", expected: "an array of 3 (shape[0])", received: "length 2" },
    ],
    [
      "a ragged third dimension",
      make(
        "INT32",
        [2, 2, 2],
        [
          [
            [1, 2],
            [3, 4],
          ],
          [[5, 6], [7]],
        ],
      ),
      { tensor: "x", path: "data[1][1]", expected: "an array of 2 (shape[2])", received: "length 1" },
    ],
    // convert.ts checkBoolBytes: a BOOL Uint8Array holding something other than 0/1
    [
      "a BOOL Uint8Array holding 2",
      make("BOOL", [3], new Uint8Array([0, 1, 2])),
      { tensor: "x", path: "data[2]", expected: "0 or 1", received: "2" },
    ],
  ])("%s", (_label, fn, details, said) => {
    expectInvalid(caughtSync(fn), details, said);
  });

  // convert.ts elementError: one row per datatype, reached through flat arrays, typed arrays and nested rows.
  const int = (min: number, max: number) => `an integer in [${min}, ${max}]`;
  const INT64 = "an integer in [-2^63, 2^63 - 1] (a bigint beyond ±(2^53 - 1))";
  const UINT64 = "an integer in [0, 2^64 - 1] (a bigint beyond 2^53 - 1)";
  it.each<[string, unknown, unknown, string, string, string]>([
    ["INT8", [2], [1, 200], "data[1]", int(-128, 127), "200"],
    ["INT16", [1], [1.5], "data[0]", int(-32768, 32767), "1.5"],
    ["INT32", [2], [0, 2 ** 31], "data[1]", int(-2147483648, 2147483647), "2147483648"],
    ["UINT8", [1], [-1], "data[0]", int(0, 255), "-1"],
    ["UINT16", [2], new Int32Array([1, 70000]), "data[1]", int(0, 65535), "70000"],
    ["UINT32", [1], ["7"], "data[0]", int(0, 4294967295), '"7"'],
    ["INT64", [1], [2 ** 63], "data[0]", INT64, "9223372036854776000"],
    ["INT64", [1], [1.5], "data[0]", INT64, "1.5"],
    ["UINT64", [2], [1n, -1n], "data[1]", UINT64, "-1n"],
    ["UINT64", [1], [-1], "data[0]", UINT64, "-1"],
    ["FP32", [1], ["1"], "data[0]", "a number", '"1"'],
    ["FP64", [1], [null], "data[0]", "a number", "null"],
    ["FP16", [2], [1, undefined], "data[1]", "a number", "undefined"],
    ["BF16", [1], [true], "data[0]", "a number", "true"],
    ["BOOL", [2], [true, 2], "data[1]", "true, false, 1 or 0", "2"],
    ["BOOL", [1], ["true"], "data[0]", "true, false, 1 or 0", '"true"'],
    ["BYTES", [2], ["a", 5], "data[1]", "a string or a Uint8Array", "5"],
    [
      "INT8",
      [2, 2],
      [
        [1, 2],
        [3, 999],
      ],
      "data[1][1]",
      int(-128, 127),
      "999",
    ],
    ["FP32", [2, 1, 2], [[[1, 2]], [[3, "4"]]], "data[1][0][1]", "a number", '"4"'],
    ["UINT8", [2, 2], [new Uint8Array([1, 2]), new Int16Array([3, -4])], "data[1][1]", int(0, 255), "-4"],
  ])("an invalid %s element (row %#)", (datatype, shape, data, path, expected, received) => {
    const error = expectInvalid(caughtSync(make(datatype, shape, data)), { tensor: "x", path, expected, received });
    expect(error.message).toContain(`invalid ${datatype} element`);
  });

  it("an unsafe integer for INT64 also says to pass a bigint", () => {
    const error = expectInvalid(caughtSync(make("INT64", [1], [2 ** 60])), {
      tensor: "x",
      path: "data[0]",
      expected: INT64,
      received: String(2 ** 60),
    });
    expect(error.message).toContain("pass a bigint");
  });
});

describe("Tensor methods", () => {
  const t = Tensor.fp32("scores", [2, 3], [1, 2, 3, 4, 5, 6]);

  it.each<Case>([
    // tensor.ts at(): wrong number of indices
    [
      "at() with too few indices",
      () => t.at(1),
      { tensor: "scores", path: "index", expected: "2 indices", received: "1" },
    ],
    [
      "at() with one index too many",
      () => Tensor.int8("v", [3], [1, 2, 3]).at(0, 0),
      { tensor: "v", path: "index", expected: "1 index", received: "2" },
    ],
    // tensor.ts at(): an index out of range, or not an integer
    [
      "at() out of range",
      () => t.at(2, 0),
      { tensor: "scores", path: "index[0]", expected: "an integer in [-2, 1]", received: "2" },
    ],
    [
      "at() negative out of range",
      () => t.at(0, -4),
      { tensor: "scores", path: "index[1]", expected: "an integer in [-3, 2]", received: "-4" },
    ],
    [
      "at() with a fraction",
      () => t.at(0, 0.5),
      { tensor: "scores", path: "index[1]", expected: "an integer in [-3, 2]", received: "0.5" },
    ],
    // shape.ts nest(): toArray() of a shape with too many empty rows
    [
      "toArray() of [2^25, 0]",
      () => Tensor.fp32("empty", [2 ** 25, 0], []).toArray(),
      {
        tensor: "empty",
        path: "shape",
        expected: "at most 16777216 rows for 0 elements",
        received: "33554432 (shape [33554432, 0])",
      },
    ],
    // tensor.ts strings(): not a BYTES tensor
    [
      "strings() of an FP32 tensor",
      () => (t as unknown as Tensor<"BYTES">).strings(),
      { tensor: "scores", path: "datatype", expected: "BYTES", received: "FP32" },
    ],
    // tensor.ts decodeUtf8: an element that is not UTF-8
    [
      "strings() of bytes that are not UTF-8",
      () => Tensor.bytes("words", [2], ["ok", new Uint8Array([0xff, 0xfe])]).strings(),
      { tensor: "words", path: "data[1]", expected: "UTF-8 text", received: "2 bytes that are not UTF-8" },
    ],
  ])("%s", (_label, fn, details, said) => {
    expectInvalid(caughtSync(fn), details, said);
  });
});
