/**
 * Raw little-endian bytes pinned (issue 30): BYTES framing at every boundary with whole messages, the element size
 * limit, tensorFromBytes's checks in order, and where the data lives (views or copies).
 */
import { describe, expect, it } from "vitest";
import {
  decodeBytesElements,
  encodeBytesElements,
  ProtocolError,
  Tensor,
  tensorFromBytes,
  tensorToBytes,
  ValidationError,
  type Datatype,
} from "kserve-client/tensor";
import { bytesToData } from "../../src/tensor/raw.js";
import { thrown } from "../helpers.js";

const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];

function protocolError(fn: () => unknown): [string, object] {
  const err = thrown(ProtocolError, fn);
  return [err.rawMessage, err.details];
}

describe("BYTES elements", () => {
  it("encodes lengths little-endian, elements in order, nothing else", () => {
    const big = new Uint8Array(0x0102).fill(7);
    const out = encodeBytesElements([new Uint8Array([9]), big, new Uint8Array(0)]);
    expect(out.byteLength).toBe(4 + 1 + 4 + 0x0102 + 4);
    expect(Array.from(out.subarray(0, 9))).toEqual([1, 0, 0, 0, 9, 2, 1, 0, 0]);
    expect(out.subarray(9, 9 + 0x0102).every((b) => b === 7)).toBe(true);
    expect(Array.from(out.subarray(9 + 0x0102))).toEqual([0, 0, 0, 0]);
  });

  it("refuses what is not a Uint8Array, naming the tensor when there is one", () => {
    const err = thrown(ValidationError, () => encodeBytesElements([new Uint8Array(1), "a" as never], "w"));
    expect([err.rawMessage, err.details]).toEqual([
      'Tensor "w" data[1]: invalid BYTES element: expected a Uint8Array, got "a".',
      { tensor: "w", path: "data[1]", expected: "a Uint8Array", received: '"a"' },
    ]);
    expect(thrown(ValidationError, () => encodeBytesElements([null as never])).rawMessage).toBe(
      "data[0]: invalid BYTES element: expected a Uint8Array, got null.",
    );
  });

  it("refuses an element of 2^32 bytes or more, before allocating, and takes 2^32 - 1", () => {
    const sized = (byteLength: number) => {
      const fake = Object.create(Uint8Array.prototype) as Uint8Array;
      Object.defineProperty(fake, "byteLength", { value: byteLength });
      return fake;
    };
    const err = thrown(ValidationError, () => encodeBytesElements([sized(2 ** 32)], "w"));
    expect([err.rawMessage, err.details]).toEqual([
      'Tensor "w" data[0]: BYTES element too large: expected fewer than 2^32 bytes, got 4294967296 bytes.',
      { tensor: "w", path: "data[0]", expected: "fewer than 2^32 bytes", received: "4294967296 bytes" },
    ]);
    // 2^32 - 1 passes the size check: the next element's own check is what stops this (nothing allocated).
    expect(thrown(ValidationError, () => encodeBytesElements([sized(2 ** 32 - 1), 1 as never])).details.path).toBe(
      "data[1]",
    );
  });

  it("decodes at every boundary: empty elements, exactly enough bytes", () => {
    expect(decodeBytesElements(new Uint8Array(0), 0)).toEqual([]);
    expect(decodeBytesElements(new Uint8Array(4), 1)).toEqual([new Uint8Array(0)]);
    expect(decodeBytesElements(new Uint8Array([...le32(1), 5, ...le32(0)]), 2)).toEqual([
      new Uint8Array([5]),
      new Uint8Array(0),
    ]);
    const bytes = new Uint8Array([...le32(2), 1, 2, ...le32(1), 3]);
    const [a, b] = decodeBytesElements(bytes, 2);
    expect([a!.buffer, a!.byteOffset, b!.byteOffset]).toEqual([bytes.buffer, 4, 10]);
  });

  it("reads a length of 2^32 - 1 as unsigned", () => {
    expect(protocolError(() => decodeBytesElements(new Uint8Array([0xff, 0xff, 0xff, 0xff, 1]), 1, "w"))).toEqual([
      'Tensor "w" data[0]: BYTES data ends early: expected 4294967295 bytes at offset 4, got 1 bytes left.',
      { tensor: "w", path: "data[0]", expected: "4294967295 bytes at offset 4", received: "1 bytes left" },
    ]);
  });

  it("refuses too few bytes for the lengths, whole, singular and plural", () => {
    expect(protocolError(() => decodeBytesElements(new Uint8Array(3), 1, "w"))).toEqual([
      'Tensor "w": BYTES data ends early: expected at least 4 bytes for 1 length-prefixed element, got 3 bytes.',
      { tensor: "w", expected: "at least 4 bytes for 1 length-prefixed element", received: "3 bytes" },
    ]);
    expect(protocolError(() => decodeBytesElements(new Uint8Array(7), 2))).toEqual([
      "BYTES data ends early: expected at least 8 bytes for 2 length-prefixed elements, got 7 bytes.",
      { expected: "at least 8 bytes for 2 length-prefixed elements", received: "7 bytes" },
    ]);
  });

  it("refuses a length prefix cut short after earlier elements", () => {
    const bytes = new Uint8Array([...le32(4), 1, 2, 3, 4, 0, 0]);
    expect(protocolError(() => decodeBytesElements(bytes, 2, "w"))).toEqual([
      'Tensor "w" data[1]: BYTES data ends early: expected a 4-byte length at offset 8, got 2 bytes left.',
      { tensor: "w", path: "data[1]", expected: "a 4-byte length at offset 8", received: "2 bytes left" },
    ]);
  });

  it("refuses an element running past the end", () => {
    const bytes = new Uint8Array([...le32(0), ...le32(3), 1, 2]);
    expect(protocolError(() => decodeBytesElements(bytes, 2))).toEqual([
      "data[1]: BYTES data ends early: expected 3 bytes at offset 8, got 2 bytes left.",
      { path: "data[1]", expected: "3 bytes at offset 8", received: "2 bytes left" },
    ]);
  });

  it("refuses bytes left over, whole, singular and plural", () => {
    expect(protocolError(() => decodeBytesElements(new Uint8Array([...le32(1), 7, 8]), 1, "w"))).toEqual([
      'Tensor "w": BYTES data has bytes left over: expected 5 bytes (1 element with their lengths), got 6 bytes.',
      { tensor: "w", expected: "5 bytes (1 element with their lengths)", received: "6 bytes" },
    ]);
    expect(protocolError(() => decodeBytesElements(new Uint8Array(9), 2))[1]).toEqual({
      expected: "8 bytes (2 elements with their lengths)",
      received: "9 bytes",
    });
    expect(protocolError(() => decodeBytesElements(new Uint8Array(1), 0))[1]).toEqual({
      expected: "0 bytes (0 elements with their lengths)",
      received: "1 bytes",
    });
  });
});

describe("tensorFromBytes", () => {
  it("checks the name, then the datatype, then the shape, then the bytes", () => {
    const bad = 5 as unknown as Uint8Array;
    expect(protocolError(() => tensorFromBytes("", "NO" as Datatype, [-1], bad))).toEqual([
      'name: invalid tensor name: expected a non-empty string, got "".',
      { path: "name", expected: "a non-empty string", received: '""' },
    ]);
    expect(protocolError(() => tensorFromBytes("o", "NO" as Datatype, [-1], bad))[1]).toMatchObject({
      tensor: "o",
      path: "datatype",
      received: '"NO"',
    });
    expect(protocolError(() => tensorFromBytes("o", "FP32", [-1], bad))[1]).toEqual({
      tensor: "o",
      path: "shape[0]",
      expected: "a non-negative integer",
      received: "-1",
    });
    const err = thrown(ValidationError, () => tensorFromBytes("o", "FP32", [1], bad));
    expect([err.rawMessage, err.details]).toEqual([
      'Tensor "o" bytes: invalid bytes: expected a Uint8Array, got 5.',
      { tensor: "o", path: "bytes", expected: "a Uint8Array", received: "5" },
    ]);
  });

  it("a byte count that does not match, whole", () => {
    expect(protocolError(() => tensorFromBytes("o", "INT64", [2, 1], new Uint8Array(15)))).toEqual([
      'Tensor "o": binary data does not match shape: expected 16 bytes (2 × 8-byte INT64, shape [2, 1]), got 15 bytes.',
      { tensor: "o", expected: "16 bytes (2 × 8-byte INT64, shape [2, 1])", received: "15 bytes" },
    ]);
  });

  it("BOOL bytes other than 0 and 1, whole, on both host paths", () => {
    const bytes = new Uint8Array([0, 1, 1, 255]);
    expect(protocolError(() => tensorFromBytes("b", "BOOL", [4], bytes))).toEqual([
      'Tensor "b" data[3]: invalid BOOL byte: expected 0 or 1, got 255.',
      { tensor: "b", path: "data[3]", expected: "0 or 1", received: "255" },
    ]);
    expect(protocolError(() => bytesToData("BOOL", [4], 4, bytes, false, "b"))[1]).toEqual({
      tensor: "b",
      path: "data[3]",
      expected: "0 or 1",
      received: "255",
    });
    expect(Array.from(tensorFromBytes("b", "BOOL", [3], new Uint8Array([1, 0, 1])).data)).toEqual([1, 0, 1]);
  });

  it("views aligned bytes of every size in place and copies unaligned ones", () => {
    const buffer = new ArrayBuffer(32);
    for (const [datatype, size] of [
      ["UINT8", 1],
      ["INT16", 2],
      ["FP32", 4],
      ["FP64", 8],
      ["UINT64", 8],
    ] as const) {
      const aligned = tensorFromBytes("t", datatype, [2], new Uint8Array(buffer, size * 2, size * 2));
      expect([aligned.data.buffer, (aligned.data as Uint8Array).byteOffset], datatype).toEqual([buffer, size * 2]);
      if (size > 1) {
        const bytes = new Uint8Array(buffer, 1, size * 2);
        bytes.set(new Uint8Array(size * 2).fill(1));
        const copied = tensorFromBytes("t", datatype, [2], bytes);
        expect(copied.data.buffer, datatype).not.toBe(buffer);
        expect(Buffer.from(tensorToBytes(copied)).equals(Buffer.from(bytes))).toBe(true);
      }
    }
  });

  it("keeps the parameters given", () => {
    expect(tensorFromBytes("t", "UINT8", [1], new Uint8Array([1]), { a: 1 }).parameters).toEqual({ a: 1 });
    expect(tensorFromBytes("t", "UINT8", [1], new Uint8Array([1])).parameters).toBeUndefined();
  });

  it("tensorToBytes of BYTES names the tensor in its errors", () => {
    const t = Tensor.bytes("w", [1], ["a"]);
    (t.data as unknown[])[0] = 3;
    expect(thrown(ValidationError, () => tensorToBytes(t)).details).toEqual({
      tensor: "w",
      path: "data[0]",
      expected: "a Uint8Array",
      received: "3",
    });
  });
});
