/**
 * Issue 22: signatures from metadata (Triton's, MLServer's, KServe's own), hand-written signatures checked, the
 * nearest-name suggestion, and the shared metadata read of a model without a signature (its sharing, cancel and
 * deadline, with a V2Client whose metadata answer the test holds back).
 */
import { describe, expect, it } from "vitest";
import {
  AbortError,
  createModelClient,
  type ModelMetadata,
  ProtocolError,
  Tensor,
  TimeoutError,
  type V2Client,
  ValidationError,
  signatureFromMetadata,
} from "kserve-client";
import { editDistance, nearestName } from "../../src/internal/nearest.js";
import { inputsToTensors } from "../../src/v2/signature.js";
import { rejection, thrown } from "../helpers.js";

describe("signatureFromMetadata", () => {
  it("converts Triton's metadata, -1 batch and variable dimensions kept", () => {
    const triton = {
      name: "densenet_onnx",
      versions: ["1"],
      platform: "onnxruntime_onnx",
      inputs: [{ name: "data_0", datatype: "FP32", shape: [-1, 3, 224, 224] }],
      outputs: [{ name: "fc6_1", datatype: "FP32", shape: [-1, 1000, 1, 1] }],
    };
    expect(signatureFromMetadata(triton)).toEqual({
      inputs: { data_0: { datatype: "FP32", shape: [-1, 3, 224, 224] } },
      outputs: { fc6_1: { datatype: "FP32", shape: [-1, 1000, 1, 1] } },
    });
  });

  it("converts MLServer's metadata: parameters kept, inputs and outputs left out", () => {
    const mlserver = {
      name: "sentiment",
      platform: "",
      inputs: [{ name: "text", datatype: "BYTES", shape: [-1, 1], parameters: { content_type: "str" } }],
    };
    expect(signatureFromMetadata(mlserver)).toEqual({
      inputs: { text: { datatype: "BYTES", shape: [-1, 1], parameters: { content_type: "str" } } },
      outputs: {},
    });
    expect(signatureFromMetadata({ name: "bare" })).toEqual({ inputs: {}, outputs: {} });
  });

  it("converts KServe's own runtimes' metadata (nothing declared) to an empty signature", () => {
    const kserve: ModelMetadata = { name: "sklearn-iris", versions: [], platform: "", inputs: [], outputs: [] };
    expect(signatureFromMetadata(kserve)).toEqual({ inputs: {}, outputs: {} });
  });

  it("refuses a datatype that is not V2's, a dimension below -1, and a name declared twice", () => {
    const datatype = thrown(ProtocolError, () =>
      signatureFromMetadata({ name: "m", inputs: [{ name: "x", datatype: "TYPE_FP32", shape: [1] }] }),
    );
    expect(datatype.details).toEqual({
      tensor: "x",
      path: "inputs[0].datatype",
      expected: expect.stringContaining("one of BOOL, UINT8"),
      received: '"TYPE_FP32"',
    });
    expect(datatype.model).toBe("m");
    const dimension = thrown(ProtocolError, () =>
      signatureFromMetadata({ name: "m", outputs: [{ name: "y", datatype: "FP32", shape: [-2] }] }),
    );
    expect(dimension.details).toMatchObject({ path: "outputs[0].shape[0]", received: "-2" });
    const twice = thrown(ProtocolError, () =>
      signatureFromMetadata({
        name: "m",
        inputs: [
          { name: "x", datatype: "FP32", shape: [1] },
          { name: "x", datatype: "INT64", shape: [1] },
        ],
      }),
    );
    expect(twice.details).toMatchObject({ path: "inputs[1].name" });
  });
});

describe("a hand-written signature is checked when the model client is made", () => {
  const client = {} as V2Client;
  it("refuses a misspelled datatype, a bad dimension, or no inputs object", () => {
    const datatype = thrown(ValidationError, () =>
      createModelClient(client, "m", { inputs: { x: { datatype: "FLOAT32" as "FP32", shape: [1] } } }),
    );
    expect(datatype.details).toMatchObject({ tensor: "x", path: "inputs.datatype", received: '"FLOAT32"' });
    const dimension = thrown(ValidationError, () =>
      createModelClient(client, "m", { inputs: {}, outputs: { y: { datatype: "FP32", shape: [1.5] } } }),
    );
    expect(dimension.details).toMatchObject({ tensor: "y", path: "outputs.shape[0]", received: "1.5" });
    const none = thrown(ValidationError, () => createModelClient(client, "m", {} as never));
    expect(none.rawMessage).toContain('model("m") signature: expected { inputs');
  });
});

describe("inputs by name", () => {
  const signature = { inputs: { x: { datatype: "FP32", shape: [2, -1] } } } as const;
  it("resolves the one -1 of a declared shape from a flat array's length", () => {
    const [x] = inputsToTensors("m", signature, { x: [1, 2, 3, 4, 5, 6] });
    expect(x!.shape).toEqual([2, 3]);
    expect(x!.datatype).toBe("FP32");
  });
  it("refuses an array of inputs, or a value that is not data", () => {
    const list = thrown(ValidationError, () => inputsToTensors("m", signature, [1] as never));
    expect(list.details).toMatchObject({ path: "inputs", received: expect.stringContaining("array") });
    const number = thrown(ValidationError, () => inputsToTensors("m", signature, { x: 5 }));
    expect(number.details).toMatchObject({
      tensor: "x",
      expected: "a Tensor of FP32, a typed array, or nested arrays",
    });
  });
  it("sends a Tensor under the name it is given by (its data not copied)", () => {
    const data = new Float32Array([1, 2]);
    const [x] = inputsToTensors("m", signature, { x: Tensor.fp32("other", [2, 1], data) });
    expect(x!.name).toBe("x");
    expect(x!.data).toBe(data);
  });
  it("takes a typed array's own datatype when nothing is declared", () => {
    const [ids] = inputsToTensors("m", undefined, { ids: new BigInt64Array([9007199254740993n]) });
    expect(ids!.datatype).toBe("INT64");
    expect(ids!.shape).toEqual([1]);
  });
});

describe("nearestName", () => {
  it("suggests the closest known name within a third of its length, ignoring case", () => {
    expect(nearestName("input0", ["input-0", "mask"])).toBe("input-0");
    expect(nearestName("INPUT-1", ["input-0", "input-10"])).toBe("input-0");
    expect(nearestName("pixels", ["input-0", "mask"])).toBeUndefined();
  });
  it("counts insertions, deletions and substitutions", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("same", "same")).toBe(0);
  });
});

/** A V2Client whose model metadata answers when the test says, counting the reads; infer echoes its inputs. */
function heldMetadata() {
  const reads: { resolve: (m: ModelMetadata) => void; reject: (e: unknown) => void }[] = [];
  const client = {
    modelMetadata: () => new Promise<ModelMetadata>((resolve, reject) => reads.push({ resolve, reject })),
    infer: async (model: string, request: { inputs: readonly Tensor[] }) => ({
      modelName: model,
      modelVersion: undefined,
      id: undefined,
      parameters: undefined,
      outputs: [...request.inputs],
      output: () => request.inputs[0],
    }),
  } as unknown as V2Client;
  const metadata: ModelMetadata = {
    name: "m",
    versions: [],
    platform: "",
    inputs: [{ name: "x", datatype: "FP32", shape: [-1] }],
    outputs: [],
  };
  return { client, reads, metadata };
}
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("the metadata read of a model without a signature", () => {
  it("is shared by concurrent first calls, and one caller's cancel does not fail the others", async () => {
    const { client, reads, metadata } = heldMetadata();
    const model = createModelClient(client, "m");
    const controller = new AbortController();
    const cancelled = rejection(model.infer({ x: [1] }, { signal: controller.signal }));
    const kept = model.infer({ x: [2] });
    await tick();
    expect(reads).toHaveLength(1);
    controller.abort();
    const error = await cancelled;
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).rawMessage).toBe('model("m"): the call was cancelled while reading its metadata.');
    reads[0]!.resolve(metadata);
    expect((await kept).outputs[0]!.data).toEqual(new Float32Array([2]));
    expect(reads).toHaveLength(1);
  });

  it("is not kept when it fails: the next call reads again", async () => {
    const { client, reads, metadata } = heldMetadata();
    const model = createModelClient(client, "m");
    const first = rejection(model.infer({ x: [1] }));
    await tick();
    reads[0]!.reject(new Error("503"));
    expect(((await first) as Error).message).toBe("503");
    const second = model.infer({ x: [1] });
    await tick();
    expect(reads).toHaveLength(2);
    reads[1]!.resolve(metadata);
    expect((await second).outputs[0]!.datatype).toBe("FP32");
  });

  it("counts toward the call's timeoutMs: a TimeoutError when the read outlasts it", async () => {
    const { client, reads } = heldMetadata();
    const model = createModelClient(client, "m");
    const error = await rejection(model.infer({ x: [1] }, { timeoutMs: 20 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).rawMessage).toBe('model("m"): 20 ms passed while reading its metadata.');
    expect(reads).toHaveLength(1);
  });

  it("refuses at once a call whose signal has already aborted", async () => {
    const { client, reads } = heldMetadata();
    const error = await rejection(createModelClient(client, "m").infer({ x: [1] }, { signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(AbortError);
    expect(reads).toHaveLength(0);
  });
});
