import { describe, expect, it } from "vitest";
import { joinRows, sharedRows, sliceRows } from "../../src/core/batch-rows.js";
import { DATATYPES, Tensor, type Datatype } from "kserve-client/tensor";

/** Two tensors of `datatype`, [2, 2] and [1, 2], with values that datatype holds exactly. */
function parts(datatype: Datatype): [Tensor, Tensor] {
  const values: Record<Datatype, unknown[]> = {
    BOOL: [true, false, false, true, true, true],
    UINT8: [0, 1, 2, 3, 254, 255],
    UINT16: [0, 1, 2, 3, 65534, 65535],
    UINT32: [0, 1, 2, 3, 4294967294, 4294967295],
    UINT64: [0n, 1n, 2n, 3n, 18446744073709551614n, 18446744073709551615n],
    INT8: [-128, 1, 2, 3, 4, 127],
    INT16: [-32768, 1, 2, 3, 4, 32767],
    INT32: [-2147483648, 1, 2, 3, 4, 2147483647],
    INT64: [-9223372036854775808n, 9007199254740993n, 2n, 3n, 4n, 9223372036854775807n],
    FP16: [0.5, -2, 6.8, 0, -0, 65504],
    FP32: [1.5, -2, 3.25, 1e-7, 0, -0],
    FP64: [0.1, -1e300, 3, 4, 5, 6],
    BYTES: ["a", "", "héllo", "d", "e", "f"],
    BF16: [1.5, -2, 3, 4, 5, 6],
  };
  const all = values[datatype];
  return [
    new Tensor("x", datatype, [2, 2], all.slice(0, 4) as never),
    new Tensor("x", datatype, [1, 2], all.slice(4) as never),
  ];
}

describe("joinRows and sliceRows", () => {
  it.each(DATATYPES)("%s: joined along dimension 0, then cut back into the same tensors", (datatype) => {
    const [a, b] = parts(datatype);
    const joined = joinRows([a, b]);
    expect(joined.shape).toEqual([3, 2]);
    expect(joined.datatype).toBe(datatype);
    expect(Array.from(joined.data as ArrayLike<unknown>)).toEqual([
      ...Array.from(a.data as ArrayLike<unknown>),
      ...Array.from(b.data as ArrayLike<unknown>),
    ]);
    const first = sliceRows(joined, 0, 2);
    const second = sliceRows(joined, 2, 1);
    expect([first.shape, second.shape]).toEqual([a.shape, b.shape]);
    expect(first.toArray()).toEqual(a.toArray());
    expect(second.toArray()).toEqual(b.toArray());
  });

  it("keeps the name and parameters of the first part", () => {
    const a = Tensor.fp32("x", [1], [1], { content_type: "np" });
    const joined = joinRows([a, Tensor.fp32("x", [1], [2], { content_type: "np" })]);
    expect(joined.name).toBe("x");
    expect(joined.parameters).toEqual({ content_type: "np" });
  });

  it("cuts fixed-size data as views of the same buffer, not copies", () => {
    const whole = Tensor.fp32(
      "x",
      [4, 2],
      new Float32Array(8).map((_, i) => i),
    );
    const slice = sliceRows(whole, 1, 2);
    expect(slice.data).toBeInstanceOf(Float32Array);
    expect((slice.data as Float32Array).buffer).toBe(whole.data.buffer);
    expect(Array.from(slice.data as Float32Array)).toEqual([2, 3, 4, 5]);
  });

  it("cuts BYTES into new lists of the same element arrays", () => {
    const whole = Tensor.bytes("s", [3], ["a", "b", "c"]);
    const slice = sliceRows(whole, 1, 2);
    expect(slice.data[0]).toBe(whole.data[1]);
    expect((slice as Tensor<"BYTES">).strings()).toEqual(["b", "c"]);
  });

  it("handles tensors with no elements per row", () => {
    const empty = joinRows([Tensor.fp32("x", [2, 0], []), Tensor.fp32("x", [1, 0], [])]);
    expect(empty.shape).toEqual([3, 0]);
    expect(sliceRows(empty, 1, 2).shape).toEqual([2, 0]);
  });
});

describe("sharedRows", () => {
  it("is dimension 0 when every tensor has the same", () => {
    expect(sharedRows([Tensor.fp32("a", [3, 4], new Float32Array(12)), Tensor.int64("b", [3], [1, 2, 3])])).toBe(3);
  });

  it("is undefined for a rank-0 tensor, tensors that disagree, or none", () => {
    expect(sharedRows([Tensor.fp32("a", [], [1])])).toBeUndefined();
    expect(sharedRows([Tensor.fp32("a", [2], [1, 2]), Tensor.fp32("b", [3], [1, 2, 3])])).toBeUndefined();
    expect(sharedRows([])).toBeUndefined();
  });
});
