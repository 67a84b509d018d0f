/**
 * Issue 29, point 6: tensors of a datatype known only at run time (a result's outputs, decoded tensors, V1's
 * `tensor()`) narrow by their `datatype`, and the checked `output(name, datatype)` needs no check at all.
 */
import { describe, expectTypeOf, it } from "vitest";
import {
  type AnyTensor,
  type Datatype,
  decodeTensorBody,
  Tensor,
  tensorFromBytes,
  tensorFromJson,
} from "kserve-client/tensor";
import type { InferRequest, InferResult, JsonValue, V1Result } from "kserve-client";
import type * as v2 from "kserve-client/v2";
import type * as v1 from "kserve-client/v1";
import type * as root from "kserve-client";

declare const res: InferResult;
declare const answer: V1Result;

describe("a datatype check narrows data and elements", () => {
  it("res.output(name)", () => {
    const out = res.output("output-0");
    if (out.datatype === "INT64") {
      const ids: BigInt64Array = out.data;
      expectTypeOf(ids).toEqualTypeOf<BigInt64Array>();
      expectTypeOf(out).toEqualTypeOf<Tensor<"INT64">>();
      expectTypeOf(out.at(0)).toEqualTypeOf<bigint>();
      expectTypeOf(out.toArray()).toEqualTypeOf<bigint | import("kserve-client/tensor").NestedArrayOf<bigint>>();
    }
    switch (out.datatype) {
      case "FP32":
        expectTypeOf(out.data).toEqualTypeOf<Float32Array>();
        expectTypeOf(out.at(0)).toEqualTypeOf<number>();
        break;
      case "BYTES":
        expectTypeOf(out.data).toEqualTypeOf<Uint8Array[]>();
        expectTypeOf(out.strings()).toEqualTypeOf<string[]>();
        break;
      case "BOOL":
        expectTypeOf(out.at(0)).toEqualTypeOf<boolean>();
        break;
    }
  });

  it("but not without the check", () => {
    const out = res.output("output-0");
    // @ts-expect-error the data of an unchecked output is any of the fourteen kinds
    const ids: BigInt64Array = out.data;
    // @ts-expect-error strings() needs a BYTES tensor
    out.strings();
    void ids;
  });

  it("res.outputs, tensorFromJson, decodeTensorBody, tensorFromBytes and V1 tensor()", () => {
    expectTypeOf(res.outputs).toEqualTypeOf<AnyTensor[]>();
    expectTypeOf(tensorFromJson({})).toEqualTypeOf<AnyTensor>();
    expectTypeOf(decodeTensorBody(new Uint8Array(), { key: "outputs" }).tensors).toEqualTypeOf<AnyTensor[]>();
    expectTypeOf(answer.tensor()).toEqualTypeOf<AnyTensor>();
    const first = res.outputs[0]!;
    if (first.datatype === "UINT64") expectTypeOf(first.data).toEqualTypeOf<BigUint64Array>();
  });

  it("a known datatype gives that tensor", () => {
    expectTypeOf(tensorFromBytes("x", "INT64", [1], new Uint8Array(8))).toEqualTypeOf<Tensor<"INT64">>();
    expectTypeOf(tensorFromBytes("x", "FP16" as Datatype, [1], new Uint8Array(2))).toEqualTypeOf<AnyTensor>();
    expectTypeOf(answer.tensor({ datatype: "INT32" })).toEqualTypeOf<Tensor<"INT32">>();
    expectTypeOf(answer.tensor({ output: "scores", datatype: "FP32" }).data).toEqualTypeOf<Float32Array>();
    expectTypeOf(Tensor.int64("ids", [1], [1n])).toEqualTypeOf<Tensor<"INT64">>();
  });
});

describe("the checked accessor output(name, datatype)", () => {
  it("returns the tensor of that datatype", () => {
    expectTypeOf(res.output("output-0", "INT64")).toEqualTypeOf<Tensor<"INT64">>();
    const ids: BigInt64Array = res.output("output-0", "INT64").data;
    expectTypeOf(res.output("words", "BYTES").strings()).toEqualTypeOf<string[]>();
    void ids;
  });

  it("takes only datatype names", () => {
    // @ts-expect-error not a datatype
    res.output("output-0", "INT65");
    // @ts-expect-error datatypes are upper case, as on the wire
    res.output("output-0", "int64");
  });
});

describe("existing code keeps compiling", () => {
  it("Tensor without an argument still takes every tensor", () => {
    const out: Tensor = res.output("output-0");
    const outs: Tensor[] = res.outputs;
    const inputs: readonly Tensor[] = [
      Tensor.fp32("a", [1], [1]),
      Tensor.int64("b", [1], [1n]),
      Tensor.bytes("c", [1], ["x"]),
      out,
      ...outs,
    ];
    const request: InferRequest = { inputs: [Tensor.fp16("h", [1], [1]), res.output("y"), res.output("z", "BOOL")] };
    const each = (t: Tensor) => t.name;
    res.outputs.map(each);
    expectTypeOf<Tensor<"INT64">>().toMatchTypeOf<AnyTensor>();
    expectTypeOf<AnyTensor>().toMatchTypeOf<Tensor>();
    expectTypeOf<Tensor["data"]>().toEqualTypeOf<AnyTensor["data"]>();
    void inputs;
    void request;
  });
});

describe("V1 predictions", () => {
  it("are a list of JSON values when the answer has them", () => {
    expectTypeOf(answer.predictions).toEqualTypeOf<JsonValue[] | undefined>();
    if (answer.predictions !== undefined) {
      expectTypeOf(answer.predictions[0]).toEqualTypeOf<JsonValue | undefined>();
      expectTypeOf(answer.predictions.length).toEqualTypeOf<number>();
    }
  });
});

describe("AnyTensor is exported where Tensor is", () => {
  it("from the root and kserve-client/tensor; the v2 and v1 entries' results use it", () => {
    expectTypeOf<root.AnyTensor>().toEqualTypeOf<AnyTensor>();
    expectTypeOf<v2.InferResult["outputs"]>().toEqualTypeOf<AnyTensor[]>();
    expectTypeOf<v1.V1Result["predictions"]>().toEqualTypeOf<JsonValue[] | undefined>();
  });
});
