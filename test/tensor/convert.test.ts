/**
 * The one pass that checks and converts tensor data (src/tensor/convert.ts), pinned (issue 30): each datatype's
 * accepted values at their edges and the first refused beyond them, both origins (the caller's input, a server's
 * JSON), typed, flat, nested and packed input, and each refusal's whole message and details.
 */
import { describe, expect, it } from "vitest";
import {
  decodeTensorBody,
  ProtocolError,
  Tensor,
  tensorFromJson,
  ValidationError,
  type Datatype,
} from "kserve-client/tensor";
import { thrown } from "../helpers.js";

const input = (datatype: Datatype, shape: number[], data: unknown) => new Tensor("t", datatype, shape, data as never);
const response = (datatype: Datatype, shape: number[], data: unknown) =>
  tensorFromJson({ name: "t", datatype, shape, data: data as never }, "outputs[0]");

function inputError(datatype: Datatype, shape: number[], data: unknown): [string, object] {
  const err = thrown(ValidationError, () => input(datatype, shape, data));
  return [err.rawMessage, err.details];
}

describe("integer datatypes up to 32 bits", () => {
  const ranges: [Datatype, number, number, string][] = [
    ["INT8", -128, 127, "Int8Array"],
    ["INT16", -32768, 32767, "Int16Array"],
    ["INT32", -2147483648, 2147483647, "Int32Array"],
    ["UINT8", 0, 255, "Uint8Array"],
    ["UINT16", 0, 65535, "Uint16Array"],
    ["UINT32", 0, 4294967295, "Uint32Array"],
  ];

  it.each(ranges)("%s takes [%d, %d] as numbers and bigints", (datatype, min, max, kind) => {
    const t = input(datatype, [4], [min, max, BigInt(min), BigInt(max)]);
    expect(t.data.constructor.name).toBe(kind);
    expect(Array.from(t.data as Int32Array)).toEqual([min, max, min, max]);
    expect(Array.from(response(datatype, [2], [min, max]).data as Int32Array)).toEqual([min, max]);
  });

  it.each(ranges)("%s refuses %d - 1, its max + 1, their bigints, fractions and other kinds", (datatype, min, max) => {
    const expected = `an integer in [${min}, ${max}]`;
    for (const [bad, received] of [
      [min - 1, String(min - 1)],
      [max + 1, String(max + 1)],
      [BigInt(min) - 1n, `${BigInt(min) - 1n}n`],
      [BigInt(max) + 1n, `${BigInt(max) + 1n}n`],
      [0.5, "0.5"],
      [Number.NaN, "NaN"],
      ["1", '"1"'],
      [null, "null"],
      [true, "true"],
    ] as const) {
      expect(inputError(datatype, [2], [0, bad])).toEqual([
        `Tensor "t" data[1]: invalid ${datatype} element: expected ${expected}, got ${received}.`,
        { tensor: "t", path: "data[1]", expected, received },
      ]);
    }
  });
});

describe("INT64 and UINT64", () => {
  const INT64 = "an integer in [-2^63, 2^63 - 1] (a bigint beyond ±(2^53 - 1))";
  const UINT64 = "an integer in [0, 2^64 - 1] (a bigint beyond 2^53 - 1)";
  const HINT = "Numbers beyond ±(2^53 - 1) are not exact in JavaScript; pass a bigint.";

  it.each([1, 63, 64, 65, 130])("writes %d safe integers exactly, both signs (word path from 64)", (n) => {
    const values = Array.from({ length: n }, (_, i) =>
      i % 4 === 0 ? -(2 ** 53 - 1) + i : i % 4 === 1 ? 2 ** 53 - 1 - i : i % 4 === 2 ? -i : 2 ** 32 + i,
    );
    expect(Array.from(input("INT64", [n], values).data as BigInt64Array)).toEqual(values.map(BigInt));
    const unsigned = values.map(Math.abs);
    expect(Array.from(input("UINT64", [n], unsigned).data as BigUint64Array)).toEqual(unsigned.map(BigInt));
  });

  it("takes bigints to the edges", () => {
    expect(Array.from(input("INT64", [2], [-(2n ** 63n), 2n ** 63n - 1n]).data as BigInt64Array)).toEqual([
      -(2n ** 63n),
      2n ** 63n - 1n,
    ]);
    expect(Array.from(input("UINT64", [2], [0n, 2n ** 64n - 1n]).data as BigUint64Array)).toEqual([0n, 2n ** 64n - 1n]);
  });

  it.each([
    ["INT64", 2n ** 63n, "9223372036854775808n", INT64, undefined],
    ["INT64", -(2n ** 63n) - 1n, "-9223372036854775809n", INT64, undefined],
    ["INT64", 2 ** 53, "9007199254740992", INT64, HINT],
    ["INT64", -(2 ** 53), "-9007199254740992", INT64, HINT],
    ["INT64", 1.5, "1.5", INT64, undefined],
    ["INT64", Number.POSITIVE_INFINITY, "Infinity", INT64, undefined],
    ["INT64", "1", '"1"', INT64, undefined],
    ["UINT64", -1, "-1", UINT64, undefined],
    ["UINT64", -1n, "-1n", UINT64, undefined],
    ["UINT64", 2n ** 64n, "18446744073709551616n", UINT64, undefined],
    ["UINT64", 2 ** 64, "18446744073709552000", UINT64, HINT],
    ["UINT64", null, "null", UINT64, undefined],
  ] as const)("%s refuses %s", (datatype, value, received, expected, hint) => {
    const err = thrown(ValidationError, () => input(datatype, [1], [value]));
    expect([err.rawMessage, err.details]).toEqual([
      `Tensor "t" data[0]: invalid ${datatype} element: expected ${expected}, got ${received}.${hint ? ` ${hint}` : ""}`,
      { tensor: "t", path: "data[0]", expected, received },
    ]);
  });

  it("INT32 gives no bigint hint for an unsafe integer", () => {
    expect(thrown(ValidationError, () => input("INT32", [1], [2 ** 53])).rawMessage).toBe(
      'Tensor "t" data[0]: invalid INT32 element: expected an integer in [-2147483648, 2147483647], got 9007199254740992.',
    );
  });
});

describe("floating-point datatypes", () => {
  it("FP32 rounds to float32, FP64 keeps doubles, both take bigints as numbers", () => {
    expect(Array.from(input("FP32", [3], [0.1, 3n, -0]).data as Float32Array)).toEqual([Math.fround(0.1), 3, -0]);
    expect(Object.is((input("FP32", [1], [-0]).data as Float32Array)[0], -0)).toBe(true);
    expect(Array.from(input("FP64", [3], [0.1, 2n ** 60n, Number.NaN]).data as Float64Array)).toEqual([
      0.1,
      2 ** 60,
      Number.NaN,
    ]);
  });

  it("FP16 and BF16 take numbers and bigints, rounded to their bits", () => {
    expect(Array.from(input("FP16", [3], [1, 2n, -2]).data as Uint16Array)).toEqual([0x3c00, 0x4000, 0xc000]);
    expect(Array.from(input("BF16", [3], [1, 2n, -2]).data as Uint16Array)).toEqual([0x3f80, 0x4000, 0xc000]);
  });

  it("a server's null is NaN (KServe writes NaN so); the caller's null is refused", () => {
    expect(Array.from(response("FP32", [2], [null, 1]).data as Float32Array)).toEqual([Number.NaN, 1]);
    expect(Array.from(response("FP64", [1], [null]).data as Float64Array)).toEqual([Number.NaN]);
    expect(Array.from(response("FP16", [1], [null]).data as Uint16Array)).toEqual([0x7e00]);
    expect(Array.from(response("BF16", [1], [null]).data as Uint16Array)).toEqual([0x7fc0]);
    for (const datatype of ["FP16", "FP32", "FP64", "BF16"] as const) {
      expect(inputError(datatype, [1], [null])).toEqual([
        `Tensor "t" data[0]: invalid ${datatype} element: expected a number, got null.`,
        { tensor: "t", path: "data[0]", expected: "a number", received: "null" },
      ]);
      expect(inputError(datatype, [1], ["1"])[1]).toEqual({
        tensor: "t",
        path: "data[0]",
        expected: "a number",
        received: '"1"',
      });
      expect(inputError(datatype, [1], [true])[1]).toMatchObject({ received: "true" });
    }
    // Null is NaN only for floats: integers and BOOL refuse it from a server too.
    const err = thrown(ProtocolError, () => response("INT32", [1], [null]));
    expect([err.rawMessage, err.details]).toEqual([
      'Tensor "t" outputs[0].data[0]: invalid INT32 element: expected an integer in [-2147483648, 2147483647], got null.',
      {
        tensor: "t",
        path: "outputs[0].data[0]",
        expected: "an integer in [-2147483648, 2147483647]",
        received: "null",
      },
    ]);
  });
});

describe("BOOL and BYTES", () => {
  it("BOOL takes true, false, 1 and 0 only", () => {
    expect(Array.from(input("BOOL", [4], [true, 0, 1, false]).data as Uint8Array)).toEqual([1, 0, 1, 0]);
    for (const [bad, received] of [
      [2, "2"],
      [-1, "-1"],
      ["true", '"true"'],
      [null, "null"],
      [1n, "1n"],
      [0.5, "0.5"],
    ] as const) {
      expect(inputError("BOOL", [1], [bad])).toEqual([
        `Tensor "t" data[0]: invalid BOOL element: expected true, false, 1 or 0, got ${received}.`,
        { tensor: "t", path: "data[0]", expected: "true, false, 1 or 0", received },
      ]);
    }
  });

  it("BOOL from a Uint8Array checks every byte; from another typed array converts", () => {
    const err = thrown(ValidationError, () => input("BOOL", [3], new Uint8Array([0, 1, 2])));
    expect([err.rawMessage, err.details]).toEqual([
      'Tensor "t" data[2]: invalid BOOL element: expected 0 or 1, got 2.',
      { tensor: "t", path: "data[2]", expected: "0 or 1", received: "2" },
    ]);
    expect(Array.from(input("BOOL", [2], new Int8Array([1, 0])).data as Uint8Array)).toEqual([1, 0]);
    expect(inputError("BOOL", [1], new Int8Array([-1]))[1]).toMatchObject({ path: "data[0]", received: "-1" });
  });

  it("BYTES takes strings as UTF-8 and Uint8Arrays as they are", () => {
    const raw = new Uint8Array([0xff]);
    const t = input("BYTES", [2], ["é", raw]);
    expect(t.data).toEqual([new Uint8Array([0xc3, 0xa9]), raw]);
    expect((t.data as Uint8Array[])[1]).toBe(raw);
    for (const [bad, received] of [
      [1, "1"],
      [null, "null"],
      [new Uint16Array(1), "a Uint16Array"],
      [["a"], "an array of length 1"],
    ] as const) {
      expect(inputError("BYTES", [1], [bad])).toEqual([
        `Tensor "t" data[0]: invalid BYTES element: expected a string or a Uint8Array, got ${received}.`,
        { tensor: "t", path: "data[0]", expected: "a string or a Uint8Array", received },
      ]);
    }
  });

  it("BYTES refuses a typed array as the whole data, with the hint", () => {
    expect(inputError("BYTES", [1], new Uint8Array([1]))).toEqual([
      'Tensor "t" data: invalid data: expected an array of strings or Uint8Arrays, got a Uint8Array. Wrap a single bytes element in an array: [bytes].',
      { tensor: "t", path: "data", expected: "an array of strings or Uint8Arrays", received: "a Uint8Array" },
    ]);
  });

  it("BYTES rows are arrays; Uint8Array elements in nested data are elements", () => {
    const a = new Uint8Array([1]);
    const t = input("BYTES", [2, 1], [[a], ["b"]]);
    expect(t.data).toEqual([a, new Uint8Array([0x62])]);
    expect(input("BYTES", [2], [a, a]).data).toEqual([a, a]);
  });
});

describe("typed, flat, nested and packed input", () => {
  it("a typed array of the own kind is kept; another kind is converted with checks", () => {
    const f = new Float32Array([1, 2]);
    expect(input("FP32", [2], f).data).toBe(f);
    const u16 = new Uint16Array([0x3c00]);
    expect(input("BF16", [1], u16).data).toBe(u16);
    expect(Array.from(input("INT16", [2], new Float64Array([-3, 4])).data as Int16Array)).toEqual([-3, 4]);
    expect(inputError("INT16", [2], new Float64Array([1, 40000]))).toEqual([
      'Tensor "t" data[1]: invalid INT16 element: expected an integer in [-32768, 32767], got 40000.',
      { tensor: "t", path: "data[1]", expected: "an integer in [-32768, 32767]", received: "40000" },
    ]);
    expect(Array.from(input("UINT64", [1], new BigInt64Array([5n])).data as BigUint64Array)).toEqual([5n]);
    expect(inputError("UINT64", [1], new BigInt64Array([-5n]))[1]).toMatchObject({ received: "-5n" });
    // FP16 from numbers in a Float32Array: rounded; a Uint16Array is bits.
    expect(Array.from(input("FP16", [1], new Float32Array([2])).data as Uint16Array)).toEqual([0x4000]);
  });

  it("a Float16Array is FP16's bits only: other datatypes read its elements as numbers", () => {
    // Node 20 has no Float16Array; a typed array that reports itself as one takes the same branches.
    class Float16Like extends Uint16Array {}
    Object.defineProperty(Float16Like.prototype, Symbol.toStringTag, { get: () => "Float16Array" });
    const source = new Float16Like([0x3c00, 2]);
    const fp16 = input("FP16", [2], source);
    expect([fp16.data.constructor, (fp16.data as Uint16Array).buffer, Array.from(fp16.data as Uint16Array)]).toEqual([
      Uint16Array,
      source.buffer,
      [0x3c00, 2],
    ]);
    const fp32 = input("FP32", [2], source);
    expect(fp32.data).toEqual(new Float32Array([0x3c00, 2]));
    expect(input("BF16", [2], source).data).toEqual(new Uint16Array([0x4670, 0x4000]));
    expect(input("INT32", [2], source).data).toEqual(new Int32Array([0x3c00, 2]));
  });

  it("a typed array of the wrong length, and data that is no array", () => {
    expect(inputError("FP32", [3], new Float32Array(2))).toEqual([
      'Tensor "t" data: data does not match shape: expected 3 elements (shape [3]), got 2.',
      { tensor: "t", path: "data", expected: "3 elements (shape [3])", received: "2" },
    ]);
    expect(inputError("FP32", [1], [1, 2])).toEqual([
      'Tensor "t" data: data does not match shape: expected 1 element (shape [1]), got 2.',
      { tensor: "t", path: "data", expected: "1 element (shape [1])", received: "2" },
    ]);
    expect(inputError("FP32", [], [])[1]).toEqual({
      tensor: "t",
      path: "data",
      expected: "1 element (shape [])",
      received: "0",
    });
    for (const [bad, received] of [
      [new DataView(new ArrayBuffer(4)), "a DataView"],
      [1, "1"],
      ["ab", '"ab"'],
      [null, "null"],
      [{ length: 1, 0: 1 }, "an object"],
    ] as const) {
      expect(inputError("FP32", [1], bad)).toEqual([
        `Tensor "t" data: invalid data: expected a typed array or an array, got ${received}.`,
        { tensor: "t", path: "data", expected: "a typed array or an array", received },
      ]);
    }
  });

  it("rank 1 is always flat: rows there are elements, and a count mismatch is about the count", () => {
    expect(inputError("FP32", [2], [[1], [2], [3]])).toEqual([
      'Tensor "t" data: data does not match shape: expected 2 elements (shape [2]), got 3.',
      { tensor: "t", path: "data", expected: "2 elements (shape [2])", received: "3" },
    ]);
    expect(inputError("FP32", [2], [[1], [2]])[1]).toEqual({
      tensor: "t",
      path: "data[0]",
      expected: "a number",
      received: "an array of length 1",
    });
  });

  it("flat data of any rank; nested data checked level by level with the place", () => {
    expect(Array.from(input("INT8", [2, 2], [1, 2, 3, 4]).data as Int8Array)).toEqual([1, 2, 3, 4]);
    expect(input("INT8", [2, 1, 2], [[[1, 2]], [[3, 4]]]).toArray()).toEqual([[[1, 2]], [[3, 4]]]);
    expect(
      inputError(
        "INT8",
        [2, 2, 2],
        [
          [
            [1, 2],
            [3, 4],
          ],
          [
            [5, 6],
            [7, 300],
          ],
        ],
      ),
    ).toEqual([
      'Tensor "t" data[1][1][1]: invalid INT8 element: expected an integer in [-128, 127], got 300.',
      { tensor: "t", path: "data[1][1][1]", expected: "an integer in [-128, 127]", received: "300" },
    ]);
    expect(
      inputError(
        "INT8",
        [3, 2],
        [
          [1, 2],
          [3, 4],
          [5, "x"],
        ],
      )[1],
    ).toEqual({
      tensor: "t",
      path: "data[2][1]",
      expected: "an integer in [-128, 127]",
      received: '"x"',
    });
    expect(
      inputError(
        "INT8",
        [2, 2, 2],
        [
          [
            [1, 2],
            [3, 4],
          ],
          [[5, 6], 7],
        ],
      ),
    ).toEqual([
      'Tensor "t" data[1][1]: ragged data: expected an array of 2 (shape[2]), got 7.',
      { tensor: "t", path: "data[1][1]", expected: "an array of 2 (shape[2])", received: "7" },
    ]);
    expect(
      inputError(
        "INT8",
        [2, 2, 2],
        [
          [
            [1, 2],
            [3, 4],
          ],
          [[5, 6]],
        ],
      )[1],
    ).toEqual({
      tensor: "t",
      path: "data[1]",
      expected: "an array of 2 (shape[1])",
      received: "length 1",
    });
    expect(inputError("INT8", [2, 2], [[1, 2]])[1]).toEqual({
      tensor: "t",
      path: "data",
      expected: "an array of 2 (shape[0])",
      received: "length 1",
    });
  });

  it("rows of typed arrays: the own kind taken as is, others converted", () => {
    expect(Array.from(input("FP32", [2, 2], [new Float32Array([1, 2]), [3, 4]]).data as Float32Array)).toEqual([
      1, 2, 3, 4,
    ]);
    expect(
      Array.from(input("INT32", [2, 2], [new Int8Array([1, -2]), new Int32Array([3, 4])]).data as Int32Array),
    ).toEqual([1, -2, 3, 4]);
    expect(Array.from(input("FP16", [1, 2], [new Uint16Array([0x3c00, 0x7e00])]).data as Uint16Array)).toEqual([
      0x3c00, 0x7e00,
    ]);
    // BOOL rows are converted (and checked), even as Uint8Array.
    expect(inputError("BOOL", [1, 2], [new Uint8Array([1, 2])])[1]).toEqual({
      tensor: "t",
      path: "data[0][1]",
      expected: "true, false, 1 or 0",
      received: "2",
    });
    expect(inputError("INT8", [2, 2], [new Int16Array([1, 2]), new Int16Array([3, 999])])[1]).toEqual({
      tensor: "t",
      path: "data[1][1]",
      expected: "an integer in [-128, 127]",
      received: "999",
    });
  });

  it("packed big-integer arrays from a server body, flat and nested", () => {
    const decode = (datatype: string, shape: number[], data: string) =>
      decodeTensorBody(
        new TextEncoder().encode(
          `{"outputs":[{"name":"o","datatype":"${datatype}","shape":${JSON.stringify(shape)},"data":${data}}]}`,
        ),
        { key: "outputs" },
      ).tensors[0]!;
    expect(Array.from(decode("UINT64", [2], "[18446744073709551615,1]").data as BigUint64Array)).toEqual([
      2n ** 64n - 1n,
      1n,
    ]);
    expect(Array.from(decode("INT64", [2], "[-9223372036854775808,1]").data as BigInt64Array)).toEqual([
      -(2n ** 63n),
      1n,
    ]);
    // Packed values for a datatype other than INT64/UINT64 are converted element by element.
    expect(Array.from(decode("FP64", [2], "[9223372036854775807,1]").data as Float64Array)).toEqual([2 ** 63, 1]);
    expect(decode("UINT64", [2, 1], "[[18446744073709551615],[2]]").toArray()).toEqual([[2n ** 64n - 1n], [2n]]);
    const err = thrown(ProtocolError, () => decode("UINT64", [2], "[-9223372036854775808,1]"));
    expect([err.rawMessage, err.details]).toEqual([
      'Tensor "o" outputs[0].data[0]: invalid UINT64 element: expected an integer in [0, 2^64 - 1] (a bigint beyond 2^53 - 1), got -9223372036854775808n.',
      {
        tensor: "o",
        path: "outputs[0].data[0]",
        expected: "an integer in [0, 2^64 - 1] (a bigint beyond 2^53 - 1)",
        received: "-9223372036854775808n",
      },
    ]);
    expect(thrown(ProtocolError, () => decode("UINT64", [3], "[18446744073709551615,1]")).details).toEqual({
      tensor: "o",
      path: "outputs[0].data",
      expected: "3 elements (shape [3])",
      received: "2",
    });
    expect(thrown(ProtocolError, () => decode("INT64", [3], "[9223372036854775807,1]")).details).toEqual({
      tensor: "o",
      path: "outputs[0].data",
      expected: "3 elements (shape [3])",
      received: "2",
    });
    expect(thrown(ProtocolError, () => decode("INT64", [2, 2], "[[9223372036854775807,1],[1]]")).details).toEqual({
      tensor: "o",
      path: "outputs[0].data[1]",
      expected: "an array of 2 (shape[1])",
      received: "length 1",
    });
  });
});
