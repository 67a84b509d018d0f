/**
 * Issue 22: a typed model's calls and results follow its signature. Only declared input names compile, each with
 * data of its datatype; `output(name)` takes only declared names and is typed by the declared datatype.
 */
import { describe, expectTypeOf, it } from "vitest";
import {
  createModelClient,
  type ModelClient,
  type ModelResult,
  type ModelSignature,
  signatureFromMetadata,
  Tensor,
  type V2Client,
} from "kserve-client";
import type * as v2 from "kserve-client/v2";

declare const client: V2Client;

const iris = createModelClient(client, "iris-classifier", {
  inputs: { "input-0": { datatype: "FP32", shape: [-1, 4] } },
  outputs: { "output-0": { datatype: "INT64", shape: [-1] } },
});

const mixed = createModelClient(client, "mixed", {
  inputs: {
    ids: { datatype: "INT64", shape: [-1] },
    mask: { datatype: "BOOL", shape: [-1] },
    text: { datatype: "BYTES", shape: [-1] },
    scores: { datatype: "FP32", shape: [-1, 2] },
  },
  outputs: {
    labels: { datatype: "BYTES", shape: [-1] },
    probabilities: { datatype: "FP32", shape: [-1, 3] },
    half: { datatype: "FP16", shape: [-1] },
  },
});

describe("inputs accepted", () => {
  it("nested, flat, typed arrays and Tensors of the declared datatype", () => {
    void iris.infer({ "input-0": [[6.8, 2.8, 4.8, 1.4]] });
    void iris.infer({ "input-0": [6.8, 2.8, 4.8, 1.4] });
    void iris.infer({ "input-0": new Float32Array(4) });
    void iris.infer({ "input-0": Tensor.fp32("input-0", [1, 4], [6.8, 2.8, 4.8, 1.4]) });
    void mixed.infer({
      ids: [1n, 9007199254740993n, 42],
      mask: [true, false, 1],
      text: ["a", new Uint8Array([0xff])],
      scores: [
        [0.5, 0.5],
        [0.1, 0.9],
      ],
    });
    void mixed.infer({
      ids: new BigInt64Array(3),
      mask: Tensor.bool("mask", [3], [true, false, true]),
      text: Tensor.bytes("text", [1], ["a"]),
      scores: new Float32Array(2),
    });
  });

  it("options name the declared outputs", () => {
    void iris.infer({ "input-0": [[1, 2, 3, 4]] }, { outputs: ["output-0"], timeoutMs: 500, retry: false });
    void iris.infer({ "input-0": [[1, 2, 3, 4]] }, { outputs: [{ name: "output-0", binary: true }], binary: "always" });
  });
});

describe("inputs refused at compile time", () => {
  it("an undeclared input name", () => {
    // @ts-expect-error "input-1" is not an input of the model
    void iris.infer({ "input-1": [[1, 2, 3, 4]] });
    // @ts-expect-error an extra name beside the declared one
    void iris.infer({ "input-0": [[1, 2, 3, 4]], extra: [1] });
  });

  it("a missing input", () => {
    // @ts-expect-error "mask", "text" and "scores" are missing
    void mixed.infer({ ids: [1n] });
  });

  it("a string for FP32", () => {
    // @ts-expect-error FP32 takes numbers
    void iris.infer({ "input-0": [["6.8", 2.8, 4.8, 1.4]] });
  });

  it("a wrong element type", () => {
    // @ts-expect-error BOOL takes booleans (or 0 and 1), not strings
    void mixed.infer({ ids: [1n], mask: ["yes"], text: ["a"], scores: [[1, 2]] });
    // @ts-expect-error BYTES takes strings or bytes, not numbers
    void mixed.infer({ ids: [1n], mask: [true], text: [42], scores: [[1, 2]] });
  });

  it("a Tensor of another datatype, or another datatype's typed array", () => {
    // @ts-expect-error an FP64 tensor for an FP32 input
    void iris.infer({ "input-0": Tensor.fp64("input-0", [1, 4], [1, 2, 3, 4]) });
    // @ts-expect-error an Int32Array for an FP32 input
    void iris.infer({ "input-0": new Int32Array(4) });
  });

  it("an INT64 number beyond 2^53, which has lost digits before the SDK sees it", () => {
    // @ts-expect-error 9007199254740993 is 9007199254740992 as a number: write 9007199254740993n
    void mixed.infer({ ids: [9007199254740993], mask: [true], text: ["a"], scores: [[1, 2]] });
    // @ts-expect-error 1e21 is far beyond 2^53
    void mixed.infer({ ids: [[1e21]], mask: [true], text: ["a"], scores: [[1, 2]] });
    // @ts-expect-error a fraction is not an INT64
    void mixed.infer({ ids: [1.5], mask: [true], text: ["a"], scores: [[1, 2]] });
    // The largest safe integer is fine as a number.
    void mixed.infer({ ids: [9007199254740991, -9007199254740991], mask: [true], text: ["a"], scores: [[1, 2]] });
  });

  it("an undeclared output name in options", () => {
    // @ts-expect-error "output-1" is not an output of the model
    void iris.infer({ "input-0": [[1, 2, 3, 4]] }, { outputs: ["output-1"] });
  });
});

describe("results typed by the declared outputs", () => {
  it("output(name) is a Tensor of the declared datatype", async () => {
    const res = await iris.infer({ "input-0": [[6.8, 2.8, 4.8, 1.4]] });
    expectTypeOf(res.output("output-0")).toEqualTypeOf<Tensor<"INT64">>();
    expectTypeOf(res.output("output-0").data).toEqualTypeOf<BigInt64Array>();
    const answer = await mixed.infer({ ids: [1n], mask: [true], text: ["a"], scores: [[1, 2]] });
    expectTypeOf(answer.output("labels").data).toEqualTypeOf<Uint8Array[]>();
    expectTypeOf(answer.output("probabilities").data).toEqualTypeOf<Float32Array>();
    expectTypeOf(answer.output("half").data).toEqualTypeOf<Uint16Array>();
    expectTypeOf(res.modelName).toEqualTypeOf<string>();
  });

  it("an undeclared output name does not compile, nor data taken as another type", async () => {
    const res = await iris.infer({ "input-0": [[6.8, 2.8, 4.8, 1.4]] });
    // @ts-expect-error "output-1" is not an output of the model
    res.output("output-1");
    // @ts-expect-error the INT64 output's data is a BigInt64Array, not a Float32Array
    const scores: Float32Array = res.output("output-0").data;
    void scores;
  });
});

describe("a model without a signature", () => {
  it("takes any Tensor, typed array or array by name, and output(name, datatype?) as InferResult does", async () => {
    const model = createModelClient(client, "echo");
    expectTypeOf(model).toEqualTypeOf<ModelClient>();
    const res = await model.infer({ x: Tensor.int64("x", [1], [1n]), y: new Float32Array(2), z: [[1, 2]] });
    expectTypeOf(res.output("x", "INT64").data).toEqualTypeOf<BigInt64Array>();
    const out = res.output("x");
    if (out.datatype === "FP32") expectTypeOf(out.data).toEqualTypeOf<Float32Array>();
    expectTypeOf(await model.signature()).toEqualTypeOf<ModelSignature>();
  });

  it("signatureFromMetadata gives a ModelSignature", () => {
    expectTypeOf(signatureFromMetadata).returns.toEqualTypeOf<ModelSignature>();
    expectTypeOf<ModelResult>().toHaveProperty("outputs");
  });
});

describe("exports", () => {
  it("kserve-client/v2 exports the same", () => {
    expectTypeOf<typeof v2.createModelClient>().toEqualTypeOf<typeof createModelClient>();
    expectTypeOf<typeof v2.signatureFromMetadata>().toEqualTypeOf<typeof signatureFromMetadata>();
  });
  it("the signature's type is kept: signature() resolves to it", async () => {
    const signature = await iris.signature();
    expectTypeOf(signature.inputs["input-0"].datatype).toEqualTypeOf<"FP32">();
  });
});
