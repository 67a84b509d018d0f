import { describe, expect, it } from "vitest";
import {
  DATATYPES,
  encodeBytesElements,
  ProtocolError,
  Tensor,
  tensorFromBytes,
  tensorToBytes,
  type Datatype,
  type TensorData,
} from "kserve-client/tensor";
import { bytesToData, dataToBytes } from "../../src/tensor/raw.js";
import { thrown } from "../helpers.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** A tensor's elements as a big-endian host holds them: each element's little-endian bytes reversed. */
function bigEndianBytes(t: Tensor): Uint8Array {
  const le = tensorToBytes(t);
  const size = t.datatype === "BYTES" ? 1 : le.byteLength / Math.max(1, t.size);
  const out = new Uint8Array(le.byteLength);
  for (let e = 0; e < le.byteLength; e += size) for (let k = 0; k < size; k++) out[e + k] = le[e + size - 1 - k]!;
  return out;
}

/** The same as typed data of the tensor's own kind (BYTES as they are). */
function bigEndianData(t: Tensor): TensorData {
  if (t.datatype === "BYTES") return t.data;
  const bytes = bigEndianBytes(t);
  const Ctor = (t.data as Uint8Array).constructor as new (buffer: ArrayBuffer) => TensorData;
  return new Ctor(bytes.buffer as ArrayBuffer);
}

const samples: Record<Datatype, Tensor> = {
  BOOL: Tensor.bool("t", [3], [true, false, true]),
  UINT8: Tensor.uint8("t", [2], [1, 255]),
  UINT16: Tensor.uint16("t", [2], [0x0102, 0xfffe]),
  UINT32: Tensor.uint32("t", [2], [0x01020304, 7]),
  UINT64: Tensor.uint64("t", [2], [0x0102030405060708n, 18446744073709551615n]),
  INT8: Tensor.int8("t", [2], [-1, 5]),
  INT16: Tensor.int16("t", [2], [-2, 0x0102]),
  INT32: Tensor.int32("t", [2], [-3, 0x01020304]),
  INT64: Tensor.int64("t", [2], [-9223372036854775808n, 0x0102030405060708n]),
  FP16: Tensor.fp16("t", [2], [6.8, 2.8]),
  FP32: Tensor.fp32("t", [2], [6.8, 4.5]),
  FP64: Tensor.fp64("t", [2], [6.8, -0]),
  BYTES: Tensor.bytes("t", [3], ["ab", "", "é"]),
  BF16: Tensor.bf16("t", [2], [1.5, -2]),
};

describe("tensorToBytes", () => {
  it("matches the protocol's vectors: FP16 6.8 → CD 46, FP32 6.8 → 9A 99 D9 40, FP32 4.5 → 00 00 90 40", () => {
    expect(hex(tensorToBytes(Tensor.fp16("h", [2], [6.8, 2.8])))).toBe("cd469a41");
    expect(hex(tensorToBytes(Tensor.fp32("f", [2], [6.8, 4.5])))).toBe("9a99d94000009040");
  });

  it("writes BF16 as the upper half of the little-endian float32", () => {
    const fp32 = tensorToBytes(Tensor.fp32("f", [1], [1.5]));
    expect(hex(tensorToBytes(Tensor.bf16("b", [1], [1.5])))).toBe(hex(fp32.subarray(2, 4)));
  });

  it("writes little-endian integers, BOOL as one byte, BYTES with 4-byte length prefixes", () => {
    expect(hex(tensorToBytes(samples.INT64))).toBe("00000000000000800807060504030201");
    expect(hex(tensorToBytes(samples.UINT16))).toBe("0201feff");
    expect(hex(tensorToBytes(samples.BOOL))).toBe("010001");
    expect(hex(tensorToBytes(samples.BYTES))).toBe("020000006162" + "00000000" + "02000000c3a9");
    expect(hex(encodeBytesElements([]))).toBe("");
  });

  it("is a view of the tensor's data on little-endian hosts (no copy)", () => {
    const t = Tensor.fp32("f", [2], [1, 2]);
    const bytes = tensorToBytes(t);
    expect(bytes.buffer).toBe(t.data.buffer);
    t.data[0] = 3;
    expect(new Float32Array(bytes.buffer, bytes.byteOffset, 2)[0]).toBe(3);
  });

  it("gives the same bytes through the portable (big-endian host) path for every datatype", () => {
    for (const datatype of DATATYPES) {
      const t = samples[datatype];
      // What a big-endian host holds in memory: each element's bytes in the other order.
      expect(hex(dataToBytes(datatype, bigEndianData(t), false, "t")), datatype).toBe(hex(tensorToBytes(t)));
    }
  });

  it("moves a signalling NaN's bits exactly through the portable path (no float conversion)", () => {
    const nan = new Float32Array(new Uint32Array([0x7f800001, 0xff800123, 0x7fc00000]).buffer);
    const bigEndian = new Float32Array(
      new Uint8Array([0x7f, 0x80, 0, 1, 0xff, 0x80, 1, 0x23, 0x7f, 0xc0, 0, 0]).buffer,
    );
    expect(hex(dataToBytes("FP32", bigEndian, false))).toBe("0100807f230180ff0000c07f");
    expect(hex(dataToBytes("FP32", nan, true))).toBe("0100807f230180ff0000c07f");
    const back = bytesToData("FP32", [3], 3, new Uint8Array(nan.buffer), false) as Float32Array;
    expect(hex(new Uint8Array(back.buffer))).toBe("7f800001ff8001237fc00000");
  });
});

describe("tensorFromBytes", () => {
  it("round-trips every datatype", () => {
    for (const datatype of DATATYPES) {
      const t = samples[datatype];
      const back = tensorFromBytes("t", datatype, t.shape, tensorToBytes(t).slice());
      expect(back.datatype).toBe(datatype);
      expect(back.toArray(), datatype).toEqual(t.toArray());
    }
  });

  it("views aligned input without copying and copies unaligned input once", () => {
    const buffer = new ArrayBuffer(24);
    const aligned = new Uint8Array(buffer, 8, 8);
    const view = tensorFromBytes("v", "INT64", [1], aligned);
    expect(view.data.buffer).toBe(buffer);
    const unaligned = new Uint8Array(buffer, 3, 8);
    unaligned.set([1, 0, 0, 0, 0, 0, 0, 0]);
    const copy = tensorFromBytes("c", "INT64", [1], unaligned);
    expect(copy.data.buffer).not.toBe(buffer);
    expect(Array.from(copy.data)).toEqual([1n]);
  });

  it("decodes through the portable (big-endian host) path into the big-endian host's layout", () => {
    for (const datatype of DATATYPES) {
      const t = samples[datatype];
      const bytes = tensorToBytes(t).slice();
      const data = bytesToData(datatype, t.shape, t.size, bytes, false, "t");
      if (datatype === "BYTES") expect(data).toEqual(t.data);
      else {
        expect(data.constructor, datatype).toBe(t.data.constructor);
        expect(hex(new Uint8Array((data as Uint8Array).buffer)), datatype).toBe(hex(bigEndianBytes(t)));
      }
    }
  });

  it("the portable path copies even aligned input", () => {
    const bytes = new Uint8Array(8);
    const data = bytesToData("INT64", [1], 1, bytes, false) as BigInt64Array;
    expect(data.buffer).not.toBe(bytes.buffer);
  });

  it("BYTES elements are views of the input", () => {
    const bytes = tensorToBytes(samples.BYTES);
    const back = tensorFromBytes("s", "BYTES", [3], bytes);
    expect(back.data[0]!.buffer).toBe(bytes.buffer);
    expect(back.strings()).toEqual(["ab", "", "é"]);
  });

  it("rejects a byte count that does not match the shape", () => {
    expect(thrown(ProtocolError, () => tensorFromBytes("o", "FP32", [3], new Uint8Array(8))).details).toMatchObject({
      tensor: "o",
      expected: "12 bytes (3 × 4-byte FP32, shape [3])",
      received: "8 bytes",
    });
  });

  it("rejects truncated or over-long BYTES data", () => {
    const good = encodeBytesElements([new Uint8Array([1, 2, 3])]);
    expect(thrown(ProtocolError, () => tensorFromBytes("s", "BYTES", [1], good.subarray(0, 5))).details).toMatchObject({
      path: "data[0]",
      expected: "3 bytes at offset 4",
      received: "1 bytes left",
    });
    expect(thrown(ProtocolError, () => tensorFromBytes("s", "BYTES", [2], good)).details).toMatchObject({
      expected: "at least 8 bytes for 2 length-prefixed elements",
      received: "7 bytes",
    });
    const twoShort = encodeBytesElements([new Uint8Array(0), new Uint8Array(0), new Uint8Array([7])]).subarray(0, 12);
    expect(thrown(ProtocolError, () => tensorFromBytes("s", "BYTES", [3], twoShort)).details).toMatchObject({
      path: "data[2]",
    });
    expect(
      thrown(ProtocolError, () => tensorFromBytes("s", "BYTES", [1], new Uint8Array([...good, 9]))).rawMessage,
    ).toContain("left over");
    expect(
      thrown(ProtocolError, () => tensorFromBytes("s", "BYTES", [1], new Uint8Array([1, 0]))).details.expected,
    ).toBe("at least 4 bytes for 1 length-prefixed element");
  });

  it("rejects BOOL bytes other than 0 and 1", () => {
    expect(
      thrown(ProtocolError, () => tensorFromBytes("b", "BOOL", [2], new Uint8Array([1, 2]))).details,
    ).toMatchObject({
      path: "data[1]",
      received: "2",
    });
  });

  it("rejects unknown datatypes and bad shapes as ProtocolError", () => {
    thrown(ProtocolError, () => tensorFromBytes("x", "FLOAT" as Datatype, [1], new Uint8Array(4)));
    thrown(ProtocolError, () => tensorFromBytes("x", "FP32", [1.5], new Uint8Array(4)));
  });
});
