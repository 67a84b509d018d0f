/**
 * Issue 22: typed models against the mock KServe, over REST (undici), gRPC (HTTP/2) and msw (fetch). Every check a
 * typed model makes has a test here that fails without it; the server counts what reaches it, so "nothing sent"
 * is seen where it matters: on the server.
 */
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createFetchHttpClient,
  createModelClient,
  createV2Client,
  HttpError,
  KServeError,
  ProtocolError,
  Tensor,
  type V2Client,
  ValidationError,
} from "kserve-client";
import { createGrpcClient } from "kserve-client/grpc";
import { createNodeGrpcTransport, type NodeGrpcTransport } from "kserve-client/node";
import {
  createFakeModels,
  createKServeHandlers,
  type FakeModels,
  startMockKServe,
  type MockKServe,
} from "kserve-client/testing";
import { rejection } from "../helpers.js";

/** The fake models, with a count of the requests that reached each model (every V2 route looks its model up). */
function countedModels(): { models: FakeModels; reached: Map<string, number> } {
  const inner = createFakeModels();
  const reached = new Map<string, number>();
  const models: FakeModels = {
    ...inner,
    get(name) {
      reached.set(name, (reached.get(name) ?? 0) + 1);
      return inner.get(name);
    },
  };
  return { models, reached };
}

const MSW_BASE = "http://kserve.msw.test";
const served = countedModels();
const mswServed = countedModels();
const msw = setupServer(...createKServeHandlers(mswServed.models, { baseUrl: MSW_BASE }));
let mock: MockKServe;
let transport: NodeGrpcTransport;

beforeAll(async () => {
  mock = await startMockKServe({ models: served.models });
  transport = createNodeGrpcTransport({ baseUrl: mock.grpcUrl! });
  msw.listen({ onUnhandledRequest: "error" });
});
afterAll(async () => {
  msw.close();
  transport.close();
  await mock.close();
});

interface Transport {
  client: () => V2Client;
  served: { models: FakeModels; reached: Map<string, number> };
}
const transports: [string, Transport][] = [
  ["REST", { client: () => createV2Client({ baseUrl: mock.url }), served }],
  ["gRPC", { client: () => createGrpcClient({ transport }), served }],
  [
    "msw",
    {
      client: () => createV2Client({ baseUrl: MSW_BASE, httpClient: createFetchHttpClient(), retry: false }),
      served: mswServed,
    },
  ],
];

const IRIS = {
  inputs: { "input-0": { datatype: "FP32", shape: [-1, 4] } },
  outputs: { "output-0": { datatype: "INT64", shape: [-1] } },
} as const;
const ROWS = [
  [6.8, 2.8, 4.8, 1.4],
  [5.1, 3.5, 1.4, 0.2],
];

describe.each(transports)("a typed model over %s", (_name, t) => {
  const reached = (model: string) => t.served.reached.get(model) ?? 0;

  /** The error `call` rejects with, and how many requests reached `model` meanwhile. */
  async function refused(model: string, call: () => Promise<unknown>): Promise<{ error: unknown; sent: number }> {
    const before = reached(model);
    const error = await rejection(call());
    return { error, sent: reached(model) - before };
  }

  describe("with a signature", () => {
    const iris = () => createModelClient(t.client(), "iris-onnx", IRIS);

    it("sends nested, flat and typed-array data as the declared FP32, and types the INT64 output", async () => {
      const nested = await iris().infer({ "input-0": ROWS });
      expect(nested.output("output-0").data).toEqual(new BigInt64Array([1n, 0n]));
      const flat = await iris().infer({ "input-0": ROWS.flat() }); // [-1, 4] resolved to [2, 4]
      expect(flat.output("output-0").data).toEqual(new BigInt64Array([1n, 0n]));
      const typed = await iris().infer({ "input-0": Float32Array.from(ROWS[0]!) });
      expect(typed.output("output-0").data).toEqual(new BigInt64Array([1n]));
      const tensor = await iris().infer({ "input-0": Tensor.fp32("features", [1, 4], ROWS[1]!) });
      expect(tensor.output("output-0").data).toEqual(new BigInt64Array([0n]));
      expect(tensor.modelName).toBe("iris-onnx");
    });

    it("refuses an unknown input, listing the declared ones and the nearest, and sends nothing", async () => {
      const { error, sent } = await refused("iris-onnx", () => iris().infer({ input0: ROWS } as never));
      expect(error).toBeInstanceOf(ValidationError);
      const e = error as ValidationError;
      expect(e.rawMessage).toBe(
        'infer("iris-onnx"): Tensor "input0": not an input of this model: expected one of the model\'s inputs ("input-0"), got "input0". Did you mean "input-0"?',
      );
      expect(e.model).toBe("iris-onnx");
      expect(e.details).toMatchObject({ tensor: "input0", received: '"input0"' });
      expect(sent).toBe(0);
    });

    it("refuses a missing input", async () => {
      const { error, sent } = await refused("iris-onnx", () => iris().infer({} as never));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toContain(
        'missing input: expected every input the model declares ("input-0"), got none for "input-0"',
      );
      expect(sent).toBe(0);
    });

    it("refuses a Tensor of another datatype", async () => {
      const { error, sent } = await refused("iris-onnx", () =>
        iris().infer({ "input-0": Tensor.fp64("input-0", [1, 4], ROWS[0]!) } as never),
      );
      expect((error as ValidationError).details).toEqual({
        tensor: "input-0",
        path: "datatype",
        expected: "FP32",
        received: "a Tensor of FP64",
      });
      expect((error as Error).message).toContain("Build it with Tensor.fp32(…)");
      expect(sent).toBe(0);
    });

    it("refuses another rank, for a Tensor and for nested data", async () => {
      const tensor = await refused("iris-onnx", () =>
        iris().infer({ "input-0": Tensor.fp32("input-0", [4], ROWS[0]!) }),
      );
      expect((tensor.error as ValidationError).details).toEqual({
        tensor: "input-0",
        path: "shape",
        expected: "rank 2 (the model's signature: [-1, 4])",
        received: "rank 1, [4]",
      });
      const nested = await refused("iris-onnx", () => iris().infer({ "input-0": [[[1, 2, 3, 4]]] as never }));
      expect((nested.error as ValidationError).details.received).toBe("rank 3, [1, 1, 4]");
      expect(tensor.sent + nested.sent).toBe(0);
    });

    it("refuses a fixed dimension that differs, and leaves -1 free", async () => {
      const { error, sent } = await refused("iris-onnx", () => iris().infer({ "input-0": [[1, 2, 3]] }));
      expect((error as ValidationError).details).toEqual({
        tensor: "input-0",
        path: "shape[1]",
        expected: "4 (the model's signature: [-1, 4])",
        received: "3",
      });
      expect(sent).toBe(0);
      const many = await iris().infer({ "input-0": Array.from({ length: 5 }, () => ROWS[0]!) });
      expect(many.output("output-0").shape).toEqual([5]);
    });

    it("refuses flat data that does not fill the declared shape", async () => {
      const { error, sent } = await refused("iris-onnx", () => iris().infer({ "input-0": [1, 2, 3, 4, 5, 6] }));
      expect((error as ValidationError).details).toEqual({
        tensor: "input-0",
        path: "data",
        expected: "a multiple of 4 elements, to fill [-1, 4]",
        received: "6",
      });
      expect(sent).toBe(0);
    });

    it("refuses flat data for a shape with two free dimensions, asking for nested data or a Tensor", async () => {
      const echo = createModelClient(t.client(), "echo", { inputs: { x: { datatype: "FP32", shape: [-1, -1] } } });
      const { error, sent } = await refused("echo", () => echo.infer({ x: [1, 2, 3, 4] }));
      expect((error as ValidationError).rawMessage).toBe(
        'infer("echo"): Tensor "x" shape: the signature\'s shape [-1, -1] has 2 free dimensions, which a flat array cannot tell apart: expected nested data or a Tensor, got 4 elements given flat for [-1, -1]. Nest the data by dimension, or build a Tensor with its shape.',
      );
      expect(sent).toBe(0);
      const nested = await echo.infer({
        x: [
          [1, 2],
          [3, 4],
        ],
      });
      expect(nested.output("x").shape).toEqual([2, 2]);
    });

    it("refuses data out of range for the declared datatype, naming the model and the input", async () => {
      const echo = createModelClient(t.client(), "echo", {
        inputs: { pixels: { datatype: "UINT8", shape: [-1] }, ids: { datatype: "INT64", shape: [-1] } },
      });
      const byte = await refused("echo", () => echo.infer({ pixels: [1, 256], ids: [1n] }));
      expect(byte.error).toBeInstanceOf(ValidationError);
      expect((byte.error as ValidationError).rawMessage).toBe(
        'infer("echo"): Tensor "pixels" data[1]: invalid UINT8 element: expected an integer in [0, 255], got 256.',
      );
      const big = await refused("echo", () => echo.infer({ pixels: [1], ids: [2 ** 60] as number[] }));
      expect((big.error as ValidationError).details).toMatchObject({ tensor: "ids", path: "data[0]" });
      expect((big.error as Error).message).toContain('infer("echo")');
      expect(byte.sent + big.sent).toBe(0);
    });

    it("gives plain data the declared datatype: INT64 beyond 2^53 exact, BYTES, BOOL", async () => {
      const echo = createModelClient(t.client(), "echo", {
        inputs: {
          ids: { datatype: "INT64", shape: [-1] },
          text: { datatype: "BYTES", shape: [-1] },
          mask: { datatype: "BOOL", shape: [-1] },
        },
        outputs: {
          ids: { datatype: "INT64", shape: [-1] },
          text: { datatype: "BYTES", shape: [-1] },
          mask: { datatype: "BOOL", shape: [-1] },
        },
      });
      const res = await echo.infer({ ids: [9007199254740993n, -1], text: ["héllo"], mask: [true, false] });
      expect(res.output("ids").data).toEqual(new BigInt64Array([9007199254740993n, -1n]));
      expect(res.output("text").strings()).toEqual(["héllo"]);
      expect(res.output("mask").data).toEqual(new Uint8Array([1, 0]));
    });

    it("checks the answer: a declared output missing is a ProtocolError naming model and output", async () => {
      const model = createModelClient(t.client(), "iris-onnx", {
        inputs: IRIS.inputs,
        outputs: { ...IRIS.outputs, probabilities: { datatype: "FP32", shape: [-1, 3] } },
      });
      const error = await rejection(model.infer({ "input-0": ROWS }));
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).model).toBe("iris-onnx");
      expect((error as ProtocolError).rawMessage).toBe(
        'Model "iris-onnx" answered against its signature: Tensor "probabilities": expected the declared output, got outputs "output-0".',
      );
      // Unless the call's outputs left it out.
      const res = await model.infer({ "input-0": ROWS }, { outputs: ["output-0"] });
      expect(res.output("output-0").data).toEqual(new BigInt64Array([1n, 0n]));
    });

    it("checks the answer: another datatype, another rank, another fixed dimension", async () => {
      const declare = (output: { datatype: "FP32" | "INT64"; shape: number[] }) =>
        createModelClient(t.client(), "iris-onnx", { inputs: IRIS.inputs, outputs: { "output-0": output } });
      const datatype = await rejection(declare({ datatype: "FP32", shape: [-1] }).infer({ "input-0": ROWS }));
      expect((datatype as ProtocolError).details).toEqual({
        tensor: "output-0",
        path: "datatype",
        expected: "FP32",
        received: "INT64",
      });
      const rank = await rejection(declare({ datatype: "INT64", shape: [-1, 1] }).infer({ "input-0": ROWS }));
      expect((rank as ProtocolError).details).toMatchObject({ path: "shape", received: "[2]" });
      const fixed = await rejection(declare({ datatype: "INT64", shape: [3] }).infer({ "input-0": ROWS }));
      expect((fixed as ProtocolError).details).toEqual({
        tensor: "output-0",
        path: "shape[0]",
        expected: "3 ([3])",
        received: "2",
      });
      for (const e of [datatype, rank, fixed]) expect(e).toBeInstanceOf(ProtocolError);
    });

    it("ready, waitForReady, metadata and signature go to the model", async () => {
      const model = iris();
      expect(await model.ready()).toBe(true);
      await model.waitForReady({ timeoutMs: 5000 });
      const metadata = await model.metadata();
      expect(metadata.inputs).toEqual([{ name: "input-0", datatype: "FP32", shape: [-1, 4] }]);
      expect(await model.signature()).toBe(IRIS);
      expect(await createModelClient(t.client(), "no-such-model").ready()).toBe(false);
    });
  });

  describe("without a signature", () => {
    it("reads Triton-style metadata once, shared by concurrent first calls, and checks what it declares", async () => {
      const model = createModelClient(t.client(), "iris-onnx");
      const before = reached("iris-onnx");
      const answers = await Promise.all([1, 2, 3].map(() => model.infer({ "input-0": ROWS })));
      for (const res of answers) expect(res.output("output-0").data).toEqual(new BigInt64Array([1n, 0n]));
      await model.infer({ "input-0": ROWS[0]! });
      expect(reached("iris-onnx") - before).toBe(1 + 4); // one metadata read, four inferences
      expect(await model.signature()).toEqual({
        inputs: { "input-0": { datatype: "FP32", shape: [-1, 4] } },
        outputs: { "output-0": { datatype: "INT64", shape: [-1] } },
      });
      const { error, sent } = await refused("iris-onnx", () =>
        model.infer({ "input-0": Tensor.fp64("input-0", [1, 4], ROWS[0]!) }),
      );
      expect((error as ValidationError).details).toMatchObject({ path: "datatype", expected: "FP32" });
      expect(sent).toBe(0);
    });

    it("does not keep a failed metadata read: the next call reads again", async () => {
      const name = `late-${_name}`;
      const model = createModelClient(t.client(), name);
      const error = await rejection(model.infer({ x: Tensor.fp32("x", [1], [1]) }, { retry: false }));
      expect(error).toBeInstanceOf(KServeError);
      expect((error as KServeError).code).toBe("not_found");
      t.served.models.add({ ...t.served.models.get("echo")!, name });
      try {
        const res = await model.infer({ x: Tensor.fp32("x", [1], [1]) });
        expect(res.output("x").data).toEqual(new Float32Array([1]));
      } finally {
        t.served.models.delete(name);
      }
    });

    it("checks nothing for KServe's own runtimes (inputs: []): Tensors go as built; plain data needs a datatype", async () => {
      const model = createModelClient(t.client(), "iris-classifier");
      expect(await model.signature()).toEqual({ inputs: {}, outputs: {} });
      const res = await model.infer({ anything: Tensor.fp32("anything", [1, 4], ROWS[0]!) });
      expect(res.output("output-0").data).toEqual(new BigInt64Array([1n]));
      const typed = await model.infer({ x: Float32Array.from(ROWS[1]!) }).catch((e: unknown) => e);
      // A typed array goes as its natural datatype, shape [length]: the sklearn model wants rank 2, a 500.
      expect(typed).toBeInstanceOf(KServeError);
      const { error, sent } = await refused("iris-classifier", () => model.infer({ x: ROWS }));
      expect((error as Error).message).toContain("the model declares no inputs, so plain data has no datatype");
      expect(sent).toBe(0);
    });
  });

  it("the server checks too: the Triton-style mock answers 400 for a datatype its metadata does not declare", async () => {
    const error = await rejection(
      t.client().infer("iris-onnx", { inputs: [Tensor.fp64("input-0", [1, 4], ROWS[0]!)] }, { retry: false }),
    );
    expect(error).toBeInstanceOf(KServeError);
    expect((error as KServeError).code).toBe("invalid_argument");
    expect((error as Error).message).toContain(
      "inference input 'input-0' data-type is 'FP64', but model 'iris-onnx' expects 'FP32'",
    );
    if (_name !== "gRPC") expect(error).toBeInstanceOf(HttpError);
  });
});
