import { describe, expectTypeOf, it } from "vitest";
import { Tensor, type Datatype, type TensorArray, type TensorData } from "kserve-client/tensor";
import * as root from "kserve-client";

describe("datatype → typed array, in the types", () => {
  it("each factory's data has the natural typed array", () => {
    expectTypeOf(Tensor.int64("x", [1], [1n]).data).toEqualTypeOf<BigInt64Array>();
    expectTypeOf(Tensor.uint64("x", [1], [1n]).data).toEqualTypeOf<BigUint64Array>();
    expectTypeOf(Tensor.fp32("x", [1], [1]).data).toEqualTypeOf<Float32Array>();
    expectTypeOf(Tensor.fp64("x", [1], [1]).data).toEqualTypeOf<Float64Array>();
    expectTypeOf(Tensor.fp16("x", [1], [1]).data).toEqualTypeOf<Uint16Array>();
    expectTypeOf(Tensor.bf16("x", [1], [1]).data).toEqualTypeOf<Uint16Array>();
    expectTypeOf(Tensor.int32("x", [1], [1]).data).toEqualTypeOf<Int32Array>();
    expectTypeOf(Tensor.int16("x", [1], [1]).data).toEqualTypeOf<Int16Array>();
    expectTypeOf(Tensor.int8("x", [1], [1]).data).toEqualTypeOf<Int8Array>();
    expectTypeOf(Tensor.uint32("x", [1], [1]).data).toEqualTypeOf<Uint32Array>();
    expectTypeOf(Tensor.uint16("x", [1], [1]).data).toEqualTypeOf<Uint16Array>();
    expectTypeOf(Tensor.uint8("x", [1], [1]).data).toEqualTypeOf<Uint8Array>();
    expectTypeOf(Tensor.bool("x", [1], [true]).data).toEqualTypeOf<Uint8Array>();
    expectTypeOf(Tensor.bytes("x", [1], ["a"]).data).toEqualTypeOf<Uint8Array[]>();
  });

  it("the constructor infers the datatype from its argument", () => {
    const t = new Tensor("x", "INT64", [1], [1n]);
    expectTypeOf(t).toEqualTypeOf<Tensor<"INT64">>();
    expectTypeOf(t.data).toEqualTypeOf<BigInt64Array>();
    expectTypeOf<TensorData<"FP32">>().toEqualTypeOf<Float32Array>();
  });

  it("an untyped Tensor's data is the union of all kinds", () => {
    expectTypeOf<Tensor["data"]>().toEqualTypeOf<TensorData<Datatype>>();
  });

  it("elements read as the natural JS type", () => {
    expectTypeOf(Tensor.int64("x", [1], [1n]).at(0)).toEqualTypeOf<bigint>();
    expectTypeOf(Tensor.fp16("x", [1], [1]).at(0)).toEqualTypeOf<number>();
    expectTypeOf(Tensor.bool("x", [1], [true]).at(0)).toEqualTypeOf<boolean>();
    expectTypeOf(Tensor.bytes("x", [1], ["a"]).at(0)).toEqualTypeOf<Uint8Array>();
    expectTypeOf(Tensor.fp16("x", [1], [1]).toArray()).toEqualTypeOf<TensorArray<number>>();
    expectTypeOf(Tensor.bytes("x", [1], ["a"]).strings()).toEqualTypeOf<string[]>();
  });

  it("inputs are checked against the datatype", () => {
    // @ts-expect-error INT64 data cannot be strings
    Tensor.int64("x", [1], ["1"]);
    // @ts-expect-error FP32 data cannot be bigints
    Tensor.fp32("x", [1], [1n]);
    // @ts-expect-error BYTES data cannot be a bare typed array
    Tensor.bytes("x", [1], new Uint8Array(1));
    // @ts-expect-error BOOL elements are booleans or 0/1
    Tensor.bool("x", [1], [2]);
    // @ts-expect-error strings() exists only on BYTES tensors
    Tensor.fp32("x", [1], [1]).strings();
    Tensor.int64("x", [2, 1], [[1], [2n]]);
    Tensor.fp32("x", [2], new Float64Array(2));
    Tensor.int64("x", [2], new Int32Array(2));
  });

  it("the root entry exposes the same Tensor and errors", () => {
    expectTypeOf(root.Tensor).toEqualTypeOf<typeof Tensor>();
    expectTypeOf(root.isKServeError).guards.toEqualTypeOf<root.KServeError>();
  });
});
