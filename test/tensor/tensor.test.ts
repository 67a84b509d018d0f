import { describe, expect, it } from "vitest";
import { DATATYPES, numel, Tensor, ValidationError, type Datatype } from "kserve-client/tensor";
import { thrown } from "../helpers.js";

describe("Tensor construction", () => {
  it("has one factory per datatype, each producing its datatype", () => {
    const factories: Record<Datatype, () => Tensor> = {
      BOOL: () => Tensor.bool("t", [2], [true, false]),
      UINT8: () => Tensor.uint8("t", [2], [0, 255]),
      UINT16: () => Tensor.uint16("t", [2], [0, 65535]),
      UINT32: () => Tensor.uint32("t", [2], [0, 4294967295]),
      UINT64: () => Tensor.uint64("t", [2], [0, 18446744073709551615n]),
      INT8: () => Tensor.int8("t", [2], [-128, 127]),
      INT16: () => Tensor.int16("t", [2], [-32768, 32767]),
      INT32: () => Tensor.int32("t", [2], [-2147483648, 2147483647]),
      INT64: () => Tensor.int64("t", [2], [-9223372036854775808n, 9223372036854775807n]),
      FP16: () => Tensor.fp16("t", [2], [1.5, -2]),
      FP32: () => Tensor.fp32("t", [2], [1.5, -2]),
      FP64: () => Tensor.fp64("t", [2], [1.5, -2]),
      BYTES: () => Tensor.bytes("t", [2], ["a", new Uint8Array([0xff])]),
      BF16: () => Tensor.bf16("t", [2], [1.5, -2]),
    };
    const expectedData: Record<Datatype, string> = {
      BOOL: "Uint8Array",
      UINT8: "Uint8Array",
      UINT16: "Uint16Array",
      UINT32: "Uint32Array",
      UINT64: "BigUint64Array",
      INT8: "Int8Array",
      INT16: "Int16Array",
      INT32: "Int32Array",
      INT64: "BigInt64Array",
      FP16: "Uint16Array",
      FP32: "Float32Array",
      FP64: "Float64Array",
      BYTES: "Array",
      BF16: "Uint16Array",
    };
    for (const datatype of DATATYPES) {
      const t = factories[datatype]();
      expect(t.datatype).toBe(datatype);
      expect(t.data.constructor.name).toBe(expectedData[datatype]);
      expect(t.size).toBe(2);
    }
  });

  it("keeps a typed array of the datatype's own kind without copying", () => {
    const f32 = new Float32Array([1, 2, 3, 4]);
    expect(Tensor.fp32("x", [2, 2], f32).data).toBe(f32);
    const i64 = new BigInt64Array([1n, 2n]);
    expect(Tensor.int64("x", [2], i64).data).toBe(i64);
    const bits = new Uint16Array([0x3c00]);
    expect(Tensor.fp16("x", [1], bits).data).toBe(bits); // a Uint16Array is FP16's raw bits
    const bools = new Uint8Array([0, 1]);
    expect(Tensor.bool("x", [2], bools).data).toBe(bools);
  });

  it("converts other typed arrays element by element, with range checks", () => {
    expect(Array.from(Tensor.int64("x", [2], new Int32Array([-5, 7])).data)).toEqual([-5n, 7n]);
    expect(Array.from(Tensor.fp64("x", [2], new Float32Array([0.5, 2])).data)).toEqual([0.5, 2]);
    expect(Array.from(Tensor.uint8("x", [2], new Uint8ClampedArray([1, 255])).data)).toEqual([1, 255]);
    const err = thrown(ValidationError, () => Tensor.uint8("x", [2], new Int16Array([1, -1])));
    expect(err.details).toMatchObject({
      tensor: "x",
      path: "data[1]",
      expected: "an integer in [0, 255]",
      received: "-1",
    });
    expect(thrown(ValidationError, () => Tensor.int32("x", [1], new Float64Array([0.5]))).details.path).toBe("data[0]");
  });

  it("flattens nested arrays row-major", () => {
    const t = Tensor.int32(
      "x",
      [2, 3],
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
    );
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    const deep = Tensor.fp32("x", [2, 1, 2], [[[1, 2]], [[3, 4]]]);
    expect(Array.from(deep.data)).toEqual([1, 2, 3, 4]);
    const rows = Tensor.fp32("x", [2, 2], [new Float32Array([1, 2]), new Float32Array([3, 4])]);
    expect(Array.from(rows.data)).toEqual([1, 2, 3, 4]);
  });

  it("accepts flat arrays for any rank", () => {
    expect(Array.from(Tensor.int8("x", [2, 2], [1, 2, 3, 4]).data)).toEqual([1, 2, 3, 4]);
    expect(Tensor.fp32("x", [], [7]).toArray()).toBe(7);
    expect(Tensor.fp32("x", [0, 4], []).size).toBe(0);
    expect(Tensor.fp32("x", [2, 0], [[], []]).size).toBe(0);
  });

  it("rejects ragged nesting, naming the place and the expected length", () => {
    const err = thrown(ValidationError, () =>
      Tensor.fp32(
        "pixels",
        [2, 3],
        [
          [1, 2, 3],
          [4, 5],
        ],
      ),
    );
    expect(err.message).toContain('Tensor "pixels" data[1]');
    expect(err.details).toEqual({
      tensor: "pixels",
      path: "data[1]",
      expected: "an array of 3 (shape[1])",
      received: "length 2",
    });
    const tooShallow = thrown(ValidationError, () => Tensor.fp32("x", [2, 2], [[1, 2], 3]));
    expect(tooShallow.details).toMatchObject({ path: "data[1]", received: "3" });
    const tooDeep = thrown(ValidationError, () => Tensor.fp32("x", [2], [[1], [2]]));
    expect(tooDeep.details).toMatchObject({ path: "data[0]", expected: "a number", received: "an array of length 1" });
  });

  it("requires the element count to equal numel(shape)", () => {
    const err = thrown(ValidationError, () => Tensor.fp32("input-0", [2, 4], [1, 2, 3, 4, 5, 6, 7]));
    expect(err.message).toBe(
      '[invalid_argument] Tensor "input-0" data: data does not match shape: expected 8 elements (shape [2, 4]), got 7.',
    );
    expect(thrown(ValidationError, () => Tensor.int64("x", [3], new BigInt64Array(2))).details.received).toBe("2");
  });

  it("requires shape entries to be non-negative integers", () => {
    for (const [shape, path] of [
      [[-1, 4], "shape[0]"],
      [[2, 1.5], "shape[1]"],
      [[Number.NaN], "shape[0]"],
      [["2"], "shape[0]"],
    ] as const) {
      const err = thrown(ValidationError, () => new Tensor("x", "FP32", shape as unknown as number[], []));
      expect(err.details).toMatchObject({ tensor: "x", path, expected: "a non-negative integer" });
    }
    expect(thrown(ValidationError, () => new Tensor("x", "FP32", "2" as unknown as number[], [])).details.path).toBe(
      "shape",
    );
    expect(thrown(ValidationError, () => numel([2 ** 30, 2 ** 30])).rawMessage).toContain("shape too large");
    expect(numel([2, 3, 4])).toBe(24);
    expect(numel([])).toBe(1);
  });

  it("rejects unknown datatypes and empty names", () => {
    const err = thrown(ValidationError, () => new Tensor("x", "FLOAT32" as Datatype, [1], [1]));
    expect(err.details).toMatchObject({ path: "datatype", received: '"FLOAT32"' });
    expect(err.details.expected).toContain("FP32");
    expect(thrown(ValidationError, () => Tensor.fp32("", [1], [1])).details.path).toBe("name");
  });

  it("copies and freezes the shape so later edits cannot desynchronise it", () => {
    const shape = [2, 2];
    const t = Tensor.fp32("x", shape, [1, 2, 3, 4]);
    shape[0] = 100;
    expect(t.shape).toEqual([2, 2]);
    expect(Object.isFrozen(t.shape)).toBe(true);
  });
});

describe("integer range checks: never wrapped, truncated or rounded", () => {
  const cases: [Datatype, number | bigint, string][] = [
    ["UINT8", 256, "an integer in [0, 255]"],
    ["UINT8", -1, "an integer in [0, 255]"],
    ["INT8", -129, "an integer in [-128, 127]"],
    ["INT16", 32768, "an integer in [-32768, 32767]"],
    ["UINT16", 65536, "an integer in [0, 65535]"],
    ["INT32", 2147483648, "an integer in [-2147483648, 2147483647]"],
    ["UINT32", 4294967296, "an integer in [0, 4294967295]"],
    ["INT32", 1.5, "an integer in [-2147483648, 2147483647]"],
    ["UINT64", -1, "an integer in [0, 2^64 - 1] (a bigint beyond 2^53 - 1)"],
    ["UINT64", 2n ** 64n, "an integer in [0, 2^64 - 1] (a bigint beyond 2^53 - 1)"],
    ["INT64", 2n ** 63n, "an integer in [-2^63, 2^63 - 1] (a bigint beyond ±(2^53 - 1))"],
    ["INT64", -(2n ** 63n) - 1n, "an integer in [-2^63, 2^63 - 1] (a bigint beyond ±(2^53 - 1))"],
    ["INT64", 0.5, "an integer in [-2^63, 2^63 - 1] (a bigint beyond ±(2^53 - 1))"],
  ];
  it.each(cases)("%s rejects %s", (datatype, value, expected) => {
    const err = thrown(ValidationError, () => new Tensor("ids", datatype, [2], [0, value] as never));
    expect(err.code).toBe("invalid_argument");
    expect(err.details).toMatchObject({ tensor: "ids", path: "data[1]", expected });
  });

  it("INT64 and UINT64 from number accept safe integers only, and say to use bigint", () => {
    expect(Array.from(Tensor.int64("x", [2], [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]).data)).toEqual([
      9007199254740991n,
      -9007199254740991n,
    ]);
    const err = thrown(ValidationError, () => Tensor.int64("x", [1], [2 ** 53]));
    expect(err.message).toContain("pass a bigint");
    expect(thrown(ValidationError, () => Tensor.uint64("x", [1], [2 ** 60])).message).toContain("pass a bigint");
  });

  it("writes safe integers into INT64 exactly, negative ones included", () => {
    const values = [0, 1, -1, 2 ** 32, -(2 ** 32), 2 ** 32 + 5, -(2 ** 32) - 5, 2 ** 52 + 3, -(2 ** 53 - 1)];
    expect(Array.from(Tensor.int64("x", [values.length], values).data)).toEqual(values.map(BigInt));
    expect(Array.from(Tensor.uint64("x", [2], [2 ** 40 + 1, 7]).data)).toEqual([2n ** 40n + 1n, 7n]);
  });

  it("accepts in-range bigints for narrow integer types", () => {
    expect(Array.from(Tensor.int8("x", [2], [-128n, 127n]).data)).toEqual([-128, 127]);
  });

  it("BOOL takes booleans or 0/1 and nothing else", () => {
    expect(Array.from(Tensor.bool("x", [4], [true, false, 1, 0]).data)).toEqual([1, 0, 1, 0]);
    expect(thrown(ValidationError, () => Tensor.bool("x", [1], [2 as 1])).details.expected).toBe("true, false, 1 or 0");
    expect(thrown(ValidationError, () => Tensor.bool("x", [2], new Uint8Array([1, 7]))).details).toMatchObject({
      path: "data[1]",
      received: "7",
    });
  });

  it("floating-point types take numbers, not strings", () => {
    const err = thrown(ValidationError, () => Tensor.fp32("x", [2], [1, "2" as unknown as number]));
    expect(err.details).toMatchObject({ path: "data[1]", expected: "a number", received: '"2"' });
  });
});

describe("FP16 and BF16", () => {
  it("round numbers to nearest even and give numbers back from toArray()", () => {
    const t = Tensor.fp16("h", [3], [6.8, 65504, 1e-8]);
    expect(Array.from(t.data)).toEqual([0x46cd, 0x7bff, 0]);
    expect(t.toArray()).toEqual([6.80078125, 65504, 0]);
    expect(Tensor.bf16("b", [1], [6.8]).toArray()).toEqual([6.8125]);
  });

  it("take Float32Array and Float64Array values as numbers", () => {
    expect(Array.from(Tensor.fp16("h", [1], new Float32Array([6.8])).data)).toEqual([0x46cd]);
    expect(Array.from(Tensor.bf16("b", [1], new Float64Array([1.5])).data)).toEqual([0x3fc0]);
  });

  it("take a Float16Array's bits without copying", () => {
    // Node 20 has no Float16Array; a typed array that reports itself as one exercises the same branch.
    class Float16Like extends Uint16Array {}
    Object.defineProperty(Float16Like.prototype, Symbol.toStringTag, { get: () => "Float16Array" });
    const real = (globalThis as { Float16Array?: new (values: number[]) => ArrayBufferView }).Float16Array;
    const sources: ArrayBufferView[] = [new Float16Like([0x46cd, 0xbc00])];
    if (real) sources.push(new real([6.8, -1])); // Node 24 and browsers: the real thing, same bits
    for (const source of sources) {
      const t = Tensor.fp16("h", [2], source as never);
      expect(Array.from(t.data)).toEqual([0x46cd, 0xbc00]);
      expect(t.data.buffer).toBe(source.buffer);
      expect(t.data).not.toBe(source); // a Uint16Array view, whatever the source's class
    }
  });

  it("take Uint16Array rows as raw bits, exactly like flat input", () => {
    const flat = Tensor.fp16("h", [2], new Uint16Array([0x3c00, 0x4000]));
    const rows = Tensor.fp16("h", [1, 2], [new Uint16Array([0x3c00, 0x4000])]);
    expect(rows.toArray()).toEqual([flat.toArray()]);
    expect(rows.toArray()).toEqual([[1, 2]]);
    expect(Tensor.bf16("b", [1, 1], [new Uint16Array([0x3fc0])]).toArray()).toEqual([[1.5]]);
  });
});

describe("reading elements", () => {
  const t = Tensor.int32(
    "m",
    [2, 3],
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
  );

  it("at() reads by multi-dimensional index, negative counting from the end", () => {
    expect(t.at(0, 0)).toBe(1);
    expect(t.at(1, 2)).toBe(6);
    expect(t.at(-1, -3)).toBe(4);
    expect(Tensor.int64("s", [], [5n]).at()).toBe(5n);
    expect(Tensor.bool("b", [2], [true, false]).at(1)).toBe(false);
  });

  it("at() rejects wrong rank and out-of-range indices", () => {
    expect(thrown(ValidationError, () => t.at(0)).details).toMatchObject({ expected: "2 indices", received: "1" });
    expect(thrown(ValidationError, () => t.at(2, 0)).details).toMatchObject({
      path: "index[0]",
      expected: "an integer in [-2, 1]",
      received: "2",
    });
    expect(thrown(ValidationError, () => t.at(0, 0.5)).details.path).toBe("index[1]");
    expect(thrown(ValidationError, () => t.at("1" as unknown as number, 0)).message).toContain("is not an integer");
  });

  it("toArray() nests by shape", () => {
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(Tensor.int64("x", [1, 2], [[1n, 2n]]).toArray()).toEqual([[1n, 2n]]);
    expect(Tensor.bool("x", [2], [true, false]).toArray()).toEqual([true, false]);
  });

  it("strings() decodes BYTES as UTF-8 and refuses invalid UTF-8", () => {
    const b = Tensor.bytes("words", [2, 1], [["héllo"], ["wörld"]]);
    expect(b.strings()).toEqual(["héllo", "wörld"]);
    expect(b.toArray()).toEqual([[new TextEncoder().encode("héllo")], [new TextEncoder().encode("wörld")]]);
    const bad = Tensor.bytes("raw", [2], ["ok", new Uint8Array([0xc3, 0x28])]);
    const err = thrown(ValidationError, () => bad.strings());
    expect(err.details).toMatchObject({ tensor: "raw", path: "data[1]", expected: "UTF-8 text" });
  });

  it("strings() keeps a leading byte-order mark: it is data", () => {
    const withBom = Tensor.bytes("b", [1], [new Uint8Array([0xef, 0xbb, 0xbf, 0x41])]);
    expect(withBom.strings()).toEqual(["\ufeffA"]);
  });

  it("strings() on a non-BYTES tensor is a ValidationError", () => {
    const notBytes = t as unknown as Tensor<"BYTES">;
    expect(thrown(ValidationError, () => notBytes.strings()).details).toMatchObject({
      expected: "BYTES",
      received: "INT32",
    });
  });

  it("BYTES refuses a bare typed array and says how to wrap it", () => {
    const err = thrown(ValidationError, () => Tensor.bytes("x", [1], new Uint8Array([1]) as never));
    expect(err.message).toContain("[bytes]");
  });

  it("toString() names the tensor", () => {
    expect(String(t)).toBe("Tensor(m, INT32, [2, 3])");
  });
});

describe("per-datatype factories", () => {
  it.each(DATATYPES)("Tensor.%s builds that datatype and checks its input like the constructor", (datatype) => {
    const factory = (Tensor as unknown as Record<string, (...args: unknown[]) => Tensor>)[datatype.toLowerCase()]!;
    const data = datatype === "BYTES" ? ["a"] : datatype === "BOOL" ? [true] : [1];
    const tensor = factory("t", [1], data, { note: "x" });
    expect(tensor).toBeInstanceOf(Tensor);
    expect([tensor.datatype, tensor.shape, tensor.parameters]).toEqual([datatype, [1], { note: "x" }]);
    thrown(ValidationError, () => factory("t", [2], data));
  });

  it("are not enumerable, as static methods are, and work detached from Tensor", () => {
    expect(Object.keys(Tensor)).toEqual([]);
    const { int64 } = Tensor;
    expect(int64("ids", [1], [2n ** 62n]).data).toEqual(new BigInt64Array([2n ** 62n]));
  });
});
