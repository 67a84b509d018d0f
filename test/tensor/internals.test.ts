/**
 * The tensor layer's small internal pieces, pinned (issue 30): 64-bit words, packed integer arrays, strict UTF-8 and
 * the shared slab, the one message shape, datatype tables, shapes and the values messages show.
 */
import { describe, expect, it, vi } from "vitest";
import { DATATYPES, elementByteSize, isDatatype, type Datatype } from "../../src/tensor/datatype.js";
import { describeProblem, ProtocolError, ValidationError } from "../../src/tensor/errors.js";
import { PackedIntegers, unpackAll } from "../../src/tensor/packed.js";
import {
  checkShape,
  fail,
  formatShape,
  kindOf,
  MAX_RANK,
  nest,
  nestedShape,
  numel,
  show,
} from "../../src/tensor/shape.js";
import { utf8Bytes, utf8Text } from "../../src/tensor/utf8.js";
import { HOST_LITTLE_ENDIAN, LOW_WORD, readSafeInteger, TWO_32, writeSafeInteger } from "../../src/tensor/words.js";
import { thrown } from "../helpers.js";

describe("words", () => {
  /** words.ts as it loads afresh, optionally with `Uint16Array` (which it reads the byte order from) replaced. */
  async function loadWords(
    uint16Array?: new (values: number[]) => Uint16Array,
  ): Promise<typeof import("../../src/tensor/words.js")> {
    vi.resetModules();
    if (uint16Array !== undefined) vi.stubGlobal("Uint16Array", uint16Array);
    try {
      return await import("../../src/tensor/words.js");
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  }

  it("reads the host's byte order when it loads: little-endian here, so the low word comes first", async () => {
    expect([HOST_LITTLE_ENDIAN, LOW_WORD, TWO_32]).toEqual([true, 0, 4294967296]);
    const words = await loadWords(); // loaded inside the test too, so that the run of this test alone pins it
    expect([words.HOST_LITTLE_ENDIAN, words.LOW_WORD]).toEqual([true, 0]);
  });

  it("on a big-endian host (simulated), the high word comes first and both functions follow it", async () => {
    // A Uint16Array that stores its elements big-endian, as every typed array on such a host does.
    class BigEndianUint16Array extends Uint16Array {
      constructor(values: number[]) {
        super(values.length);
        const view = new DataView(this.buffer);
        values.forEach((v, i) => view.setUint16(2 * i, v, false));
      }
    }
    const words = await loadWords(BigEndianUint16Array);
    expect([words.HOST_LITTLE_ENDIAN, words.LOW_WORD]).toEqual([false, 1]);
    const array = new Uint32Array(6);
    for (const [index, value, high, low] of [
      [1, 2 ** 32 + 5, 1, 5],
      [2, -(2 ** 32) - 5, 0xfffffffe, 0xfffffffb],
      [0, -1, 0xffffffff, 0xffffffff],
    ] as const) {
      words.writeSafeInteger(array, index, value);
      expect([array[2 * index], array[2 * index + 1]], String(value)).toEqual([high, low]);
      expect(words.readSafeInteger(array, index)).toBe(value);
    }
    expect(Array.from(array)).toEqual([0xffffffff, 0xffffffff, 1, 5, 0xfffffffe, 0xfffffffb]);
  });

  it.each([
    0,
    1,
    -1,
    2 ** 31 - 1,
    -(2 ** 31),
    2 ** 31,
    -(2 ** 31) - 1,
    2 ** 32 - 1,
    2 ** 32,
    -(2 ** 32),
    2 ** 32 + 5,
    -(2 ** 32) - 5,
    2 ** 52 + 3,
    Number.MAX_SAFE_INTEGER,
    -Number.MAX_SAFE_INTEGER,
  ])("writes and reads %d as a 64-bit two's complement element", (value) => {
    const words = new Uint32Array(6);
    writeSafeInteger(words, 1, value);
    expect(new BigInt64Array(words.buffer)[1]).toBe(BigInt(value));
    expect(Array.from(words.subarray(0, 2))).toEqual([0, 0]);
    expect(Array.from(words.subarray(4))).toEqual([0, 0]);
    expect(readSafeInteger(words, 1)).toBe(value);
  });
});

describe("PackedIntegers", () => {
  const packed = (values: bigint[], signed: boolean) => {
    const array = signed ? BigInt64Array.from(values) : BigUint64Array.from(values);
    return new PackedIntegers(
      array.buffer as ArrayBuffer,
      values.length,
      values.some((v) => v < 0n),
      values.some((v) => v >= 2n ** 63n),
    );
  };

  it("unpacks safe integers as numbers and the rest as bigints, both signs, both edges", () => {
    const values = [
      0n,
      -1n,
      9007199254740991n,
      -9007199254740991n,
      9007199254740992n,
      -9007199254740992n,
      -(2n ** 63n),
      2n ** 63n - 1n,
    ];
    expect(packed(values, true).unpack()).toEqual([
      0,
      -1,
      9007199254740991,
      -9007199254740991,
      9007199254740992n,
      -9007199254740992n,
      -(2n ** 63n),
      2n ** 63n - 1n,
    ]);
    expect(packed([2n ** 64n - 1n, 2n ** 63n, 5n], false).unpack()).toEqual([2n ** 64n - 1n, 2n ** 63n, 5]);
  });

  it("unpackAll replaces packed arrays at any depth, in arrays and objects, and leaves the rest", () => {
    const value = {
      a: packed([1n, 2n ** 60n], true),
      b: [null, 3, [packed([-4n], true)], "s"],
      c: { d: packed([2n ** 63n], false), e: null },
    };
    expect(unpackAll(value)).toEqual({ a: [1, 2n ** 60n], b: [null, 3, [[-4]], "s"], c: { d: [2n ** 63n], e: null } });
    expect(unpackAll(packed([7n], true))).toEqual([7]);
    expect(unpackAll(null)).toBeNull();
    expect(unpackAll("x")).toBe("x");
    expect(unpackAll(5)).toBe(5);
  });
});

describe("utf8", () => {
  it("utf8Text decodes strictly and keeps a byte-order mark", () => {
    expect(utf8Text(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0xc3, 0xa9]))).toBe("\ufeffhé");
    expect(utf8Text(new Uint8Array([0xc3]))).toBeUndefined();
    expect(utf8Text(new Uint8Array([0xed, 0xa0, 0x80]))).toBeUndefined(); // an encoded surrogate
    expect(utf8Text(new Uint8Array(0))).toBe("");
  });

  it("utf8Bytes gives each text's bytes, earlier results intact, across slabs and at the size limits", () => {
    const texts: string[] = [];
    for (let i = 0; i < 60; i++) {
      texts.push("€".repeat(2040 + (i % 10)) + String(i)); // around the 2048-unit limit, 3 bytes a unit
      texts.push(`${"é".repeat(i * 7)}${i}`);
      texts.push("");
      texts.push("a".repeat(2048 - (i % 3)));
    }
    const results = texts.map(utf8Bytes);
    results.forEach((bytes, i) => {
      expect(Buffer.from(bytes).equals(Buffer.from(texts[i]!, "utf8")), `text ${i}`).toBe(true);
    });
  });

  it("short texts share a slab; texts over 2048 units get their own buffer", () => {
    const a = utf8Bytes("first");
    const b = utf8Bytes("second");
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteOffset).toBe(a.byteOffset + a.byteLength);
    expect(a.buffer.byteLength).toBe(16 * 1024);
    const long = utf8Bytes("x".repeat(2049));
    expect([long.byteOffset, long.buffer.byteLength]).toEqual([0, 2049]);
    const limit = utf8Bytes("y".repeat(2048));
    expect(limit.buffer.byteLength).toBe(16 * 1024);
  });

  it("a text that may not fit the rest of the slab starts a new one", () => {
    utf8Bytes("z".repeat(2048)); // whatever is left, this leaves less than 16 KiB
    let last = utf8Bytes("z".repeat(2048));
    // Fill until a text of 2048 units (6144 bytes at worst) may not fit: the next one starts a new slab at 0.
    for (let i = 0; i < 8 && last.byteOffset + last.byteLength + 3 * 2048 <= 16 * 1024; i++) {
      last = utf8Bytes("z".repeat(2048));
    }
    const next = utf8Bytes("€".repeat(2048));
    expect(next.byteOffset).toBe(0);
    expect(next.buffer).not.toBe(last.buffer);
    expect(Buffer.from(next).toString("utf8")).toBe("€".repeat(2048));
    expect(Buffer.from(last).toString("utf8")).toBe("z".repeat(2048));
  });
});

describe("utf8Bytes at the exact edge of the slab", () => {
  it("a text whose worst case fills the slab exactly is written into it", () => {
    const SLAB = 16 * 1024;
    let last = utf8Bytes("a");
    const left = () => SLAB - (last.byteOffset + last.byteLength);
    // Bring what is left down to 6144 + 0..2 bytes, then to a multiple of 3.
    while (left() > 6146 || left() < 6144) {
      last = utf8Bytes("a".repeat(Math.max(1, Math.min(2048, left() - 6144))));
    }
    if (left() % 3 !== 0) last = utf8Bytes("b".repeat(left() % 3));
    const room = left();
    expect(room % 3).toBe(0);
    const fits = utf8Bytes("c".repeat(room / 3)); // at most 3 bytes a unit: exactly the room left
    expect(fits.buffer).toBe(last.buffer);
    expect(fits.byteOffset).toBe(SLAB - room);
    expect(Buffer.from(fits).toString()).toBe("c".repeat(room / 3));
  });
});

describe("describeProblem", () => {
  it.each([
    [
      "invalid x",
      { tensor: "t", path: "data[1]", expected: "a number", received: '"a"' },
      undefined,
      'Tensor "t" data[1]: invalid x: expected a number, got "a".',
    ],
    ["invalid x", { path: "shape" }, undefined, "shape: invalid x."],
    ["invalid x", { tensor: "t" }, undefined, 'Tensor "t": invalid x.'],
    ["invalid x", {}, undefined, "invalid x."],
    ["", { expected: "one", received: "two" }, undefined, "expected one, got two."],
    ["bad", { expected: "one" }, undefined, "bad: expected one, got nothing."],
    ["bad", { path: "", tensor: "" }, undefined, 'Tensor "": bad.'],
    ["bad", {}, "Try again.", "bad. Try again."],
    ["bad", {}, "", "bad."],
  ] as const)("%j %j %j", (problem, details, hint, message) => {
    expect(describeProblem(problem, details, hint)).toBe(message);
  });

  it("fail throws the class of the origin with the message and details", () => {
    const details = { tensor: "t", path: "p", expected: "e", received: "r" };
    const v = thrown(ValidationError, () => fail("input", "oops", details, "Hint."));
    expect([v.rawMessage, v.details]).toEqual(['Tensor "t" p: oops: expected e, got r. Hint.', details]);
    const p = thrown(ProtocolError, () => fail("response", "oops", details));
    expect([p.rawMessage, p.details]).toEqual(['Tensor "t" p: oops: expected e, got r.', details]);
  });
});

describe("datatypes", () => {
  it("lists the fourteen in wire spelling and order", () => {
    expect(DATATYPES).toEqual([
      "BOOL",
      "UINT8",
      "UINT16",
      "UINT32",
      "UINT64",
      "INT8",
      "INT16",
      "INT32",
      "INT64",
      "FP16",
      "FP32",
      "FP64",
      "BYTES",
      "BF16",
    ]);
  });

  it("isDatatype takes exactly those strings", () => {
    for (const d of DATATYPES) expect(isDatatype(d)).toBe(true);
    for (const v of ["fp32", "FP32 ", "", "toString", "__proto__", 1, null, undefined, ["FP32"], new String("FP32")]) {
      expect(isDatatype(v)).toBe(false);
    }
  });

  it("elementByteSize: bytes per element, undefined for BYTES and for what is no datatype", () => {
    expect(Object.fromEntries(DATATYPES.map((d) => [d, elementByteSize(d)]))).toEqual({
      BOOL: 1,
      UINT8: 1,
      UINT16: 2,
      UINT32: 4,
      UINT64: 8,
      INT8: 1,
      INT16: 2,
      INT32: 4,
      INT64: 8,
      FP16: 2,
      FP32: 4,
      FP64: 8,
      BYTES: undefined,
      BF16: 2,
    });
    expect(elementByteSize("FLOAT" as Datatype)).toBeUndefined();
  });
});

describe("shapes and shown values", () => {
  it("show: strings quoted and cut at 40, bigints with n, arrays by length, typed arrays by class, -0", () => {
    expect(show("a".repeat(40))).toBe(JSON.stringify("a".repeat(40)));
    expect(show("a".repeat(41))).toBe(JSON.stringify(`${"a".repeat(40)}…`));
    expect(show('q"')).toBe('"q\\""');
    expect(show(5n)).toBe("5n");
    expect(show([1, 2])).toBe("an array of length 2");
    expect(show(new PackedIntegers(new ArrayBuffer(16), 2, false, false))).toBe("an array of length 2");
    expect(show(new Float32Array(1))).toBe("a Float32Array");
    expect(show(new DataView(new ArrayBuffer(1)))).toBe("a DataView");
    expect(show(null)).toBe("null");
    expect(show(undefined)).toBe("undefined");
    expect(show({})).toBe("an object");
    expect(show(-0)).toBe("-0");
    expect(show(0)).toBe("0");
    expect(show(1.5)).toBe("1.5");
    expect(show(true)).toBe("true");
    expect(show(Symbol("s"))).toBe("Symbol(s)");
  });

  it("kindOf: the kind, never the value", () => {
    expect([null, undefined, [1], {}, 5, "s", true, 1n, () => 1].map(kindOf)).toEqual([
      "null",
      "undefined",
      "an array",
      "an object",
      "a number",
      "a string",
      "a boolean",
      "a bigint",
      "a function",
    ]);
  });

  it("checkShape: the element count, or the error of the origin with the place", () => {
    expect(checkShape([], "input")).toBe(1);
    expect(checkShape([2, 3, 0], "input")).toBe(0);
    expect(checkShape([2 ** 26, 2 ** 27 - 1], "response")).toBe(2 ** 53 - 2 ** 26);
    const tooMany = thrown(ProtocolError, () => checkShape(new Array(MAX_RANK + 1).fill(1), "response", "t", "s"));
    expect([tooMany.rawMessage, tooMany.details]).toEqual([
      'Tensor "t" s: invalid shape: expected at most 64 dimensions, got 65.',
      { tensor: "t", path: "s", expected: "at most 64 dimensions", received: "65" },
    ]);
    expect(checkShape(new Array(MAX_RANK).fill(1), "input")).toBe(1);
    const huge = thrown(ValidationError, () => checkShape([2 ** 27, 2 ** 27], "input", "t"));
    expect([huge.rawMessage, huge.details]).toEqual([
      'Tensor "t" shape: shape too large: expected at most 2^53 - 1 elements, got [134217728, 134217728].',
      { tensor: "t", path: "shape", expected: "at most 2^53 - 1 elements", received: "[134217728, 134217728]" },
    ]);
    const notArray = thrown(ValidationError, () => checkShape(3, "input"));
    expect([notArray.rawMessage, notArray.details]).toEqual([
      "shape: invalid shape: expected an array of non-negative integers, got 3.",
      { path: "shape", expected: "an array of non-negative integers", received: "3" },
    ]);
    for (const [dim, received] of [
      [-1, "-1"],
      [1.5, "1.5"],
      [2 ** 53, "9007199254740992"],
      ["1", '"1"'],
      [null, "null"],
      [Number.NaN, "NaN"],
    ] as const) {
      expect(thrown(ProtocolError, () => checkShape([1, dim], "response", "t", "x.shape")).details).toEqual({
        tensor: "t",
        path: "x.shape[1]",
        expected: "a non-negative integer",
        received,
      });
    }
    expect(numel([0, 2 ** 53 - 1])).toBe(0);
  });

  it("formatShape and nestedShape", () => {
    expect([formatShape([]), formatShape([3]), formatShape([2, 3])]).toEqual(["[]", "[3]", "[2, 3]"]);
    expect(nestedShape([[1, 2], [3]])).toEqual({ shape: [2, 2], first: 1 });
    expect(nestedShape([])).toEqual({ shape: [0], first: undefined });
    expect(nestedShape(7)).toEqual({ shape: [], first: 7 });
    expect(nestedShape([[[]]])).toEqual({ shape: [1, 1, 0], first: undefined });
  });

  it("nest builds arrays by shape from a row-major reader", () => {
    expect(nest([], (i) => i + 10)).toBe(10);
    expect(nest([2, 3], (i) => i)).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(nest([2, 0], (i) => i)).toEqual([[], []]);
    expect(nest([0, 5], (i) => i)).toEqual([]);
    const err = thrown(ValidationError, () => nest([2 ** 24 + 1, 0], (i) => i, "t"));
    expect([err.rawMessage, err.details]).toEqual([
      `Tensor "t" shape: too many nested arrays: expected at most ${2 ** 24} rows for 0 elements, got ${2 ** 24 + 1} (shape [${2 ** 24 + 1}, 0]). Read .data instead of toArray().`,
      {
        tensor: "t",
        path: "shape",
        expected: `at most ${2 ** 24} rows for 0 elements`,
        received: `${2 ** 24 + 1} (shape [${2 ** 24 + 1}, 0])`,
      },
    ]);
  });
});
