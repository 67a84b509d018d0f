/**
 * Bad caller input to the V2 clients, REST (`kserve-client`) and gRPC (`kserve-client/grpc`): the model name
 * (core/client.ts), the inference request (core/inference.ts), the JSON-only mode (v2/infer.ts) and gRPC's
 * parameters (grpc/convert.ts). Nothing may be sent for a bad request.
 */
import type { Transport } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import {
  createV2Client,
  type HttpClient,
  type InferRequest,
  type ProblemDetails,
  Tensor,
  type V2Client,
} from "kserve-client";
import { createGrpcClient } from "kserve-client/grpc";
import { caught, expectInvalid, type Said } from "./expect.js";

let sent = 0;
afterEach(() => {
  sent = 0;
});

function rest(): V2Client {
  const httpClient: HttpClient = async () => {
    sent++;
    return { status: 200, headers: {}, body: new TextEncoder().encode('{"model_name":"m","outputs":[]}') };
  };
  return createV2Client({ baseUrl: "http://127.0.0.1:1", httpClient, retry: false });
}

function grpc(): V2Client {
  const refuse = () => {
    sent++;
    return Promise.reject(new Error("a bad request reached the transport"));
  };
  return createGrpcClient({ transport: { unary: refuse, stream: refuse } as unknown as Transport, retry: false });
}

const clients: [string, () => V2Client][] = [
  ["REST", rest],
  ["gRPC", grpc],
];

const x = () => Tensor.fp32("x", [1, 2], [1, 2]);

describe.each(clients)("%s client", (_transport, make) => {
  describe("model names (core/client.ts checkModel)", () => {
    const calls: [string, (c: V2Client, model: string) => unknown][] = [
      ["infer", (c, m) => c.infer(m, { inputs: [x()] })],
      ["modelReady", (c, m) => c.modelReady(m)],
      ["modelMetadata", (c, m) => c.modelMetadata(m)],
      ["waitForModelReady", (c, m) => c.waitForModelReady(m, { timeoutMs: 50 })],
    ];
    it.each(calls)("%s", async (_name, call) => {
      const details = (received: string) => ({ path: "model", expected: "a non-empty string", received });
      expectInvalid(await caught(() => call(make(), "")), details('""'));
      expectInvalid(await caught(() => call(make(), undefined as never)), details("undefined"));
      expectInvalid(await caught(() => call(make(), null as never)), details("null"));
      expect(sent).toBe(0);
    });
  });

  describe("inference requests (core/inference.ts checkInferRequest)", () => {
    type Case = [label: string, request: unknown, details: ProblemDetails, said?: Said];
    it.each<Case>([
      // inference.ts: no inputs
      [
        "no inputs",
        { inputs: [] },
        { path: "inputs", expected: "a non-empty array of Tensor", received: "an empty array" },
      ],
      ["inputs missing", {}, { path: "inputs", expected: "a non-empty array of Tensor", received: "undefined" }],
      [
        "no request at all",
        undefined,
        { path: "inputs", expected: "a non-empty array of Tensor", received: "undefined" },
      ],
      // inference.ts: an input that is not a Tensor
      [
        "a plain object as input",
        { inputs: [x(), { name: "y", datatype: "FP32", shape: [1], data: [1] }] },
        { path: "inputs[1]", expected: "a Tensor", received: "an object" },
      ],
      ["null as input", { inputs: [null] }, { path: "inputs[0]", expected: "a Tensor", received: "null" }],
      [
        "undefined as input",
        { inputs: [x(), undefined] },
        { path: "inputs[1]", expected: "a Tensor", received: "undefined" },
      ],
      [
        "a number as input",
        { inputs: [x(), Tensor.int8("y", [1], [1]), 3] },
        { path: "inputs[2]", expected: "a Tensor", received: "a number" },
      ],
      // inference.ts: two inputs with one name (a linear scan for few inputs, a Set for many)
      [
        "two inputs named alike",
        { inputs: [x(), Tensor.int8("y", [1], [1]), x()] },
        { tensor: "x", path: "inputs[2].name", expected: "unique names", received: '"x"' },
        { path: "inputs[2]" },
      ],
      [
        "a duplicate among 20 inputs",
        {
          inputs: [
            ...Array.from({ length: 19 }, (_, i) => Tensor.int8(`in${i}`, [1], [i])),
            Tensor.int8("in7", [1], [0]),
          ],
        },
        { tensor: "in7", path: "inputs[19].name", expected: "unique names", received: '"in7"' },
        { path: "inputs[7] and inputs[19]" },
      ],
      // inference.ts: id not a string
      ["a numeric id", { inputs: [x()], id: 42 }, { path: "id", expected: "a string", received: "a number" }],
      ["a null id", { inputs: [x()], id: null }, { path: "id", expected: "a string", received: "null" }],
      ["an id as an array", { inputs: [x()], id: ["r1"] }, { path: "id", expected: "a string", received: "an array" }],
      [
        "an id as an object",
        { inputs: [x()], id: { value: "r1" } },
        { path: "id", expected: "a string", received: "an object" },
      ],
      // inference.ts: a requested output without a name
      [
        "an output without a name",
        { inputs: [x()], outputs: [{ name: "a" }, {}] },
        { path: "outputs[1].name", expected: "a non-empty string", received: "undefined" },
      ],
      [
        "an output with an empty name",
        { inputs: [x()], outputs: [{ name: "" }] },
        { path: "outputs[0].name", expected: "a non-empty string", received: '""' },
      ],
      [
        "null among outputs",
        { inputs: [x()], outputs: [null] },
        { path: "outputs[0].name", expected: "a non-empty string", received: "undefined" },
      ],
      // inference.ts: classCount not a positive integer
      [
        "classCount 0",
        { inputs: [x()], outputs: [{ name: "probs", classCount: 0 }] },
        { path: "outputs[0].classCount", expected: "a positive integer", received: "0" },
      ],
      [
        "classCount 2.5",
        { inputs: [x()], outputs: [{ name: "a" }, { name: "probs", classCount: 2.5 }] },
        { path: "outputs[1].classCount", expected: "a positive integer", received: "2.5" },
      ],
    ])("%s", async (_label, request, details, said) => {
      const error = expectInvalid(await caught(() => make().infer("iris", request as InferRequest)), details, said);
      expect(error.message).toContain('infer("iris")');
      expect(sent).toBe(0);
    });
  });
});

describe('REST JSON-only mode (v2/infer.ts, binary: "never")', () => {
  const expected = "a tensor JSON can carry";
  it.each<[string, Tensor[], ProblemDetails]>([
    [
      "FP16",
      [x(), Tensor.fp16("half", [2], [1, 2])],
      { tensor: "half", path: "inputs[1]", expected, received: "servers refuse FP16 in JSON" },
    ],
    [
      "BF16",
      [Tensor.bf16("b", [1], [1])],
      { tensor: "b", path: "inputs[0]", expected, received: "servers refuse BF16 in JSON" },
    ],
    [
      "NaN in FP32",
      [Tensor.fp32("n", [3], [0, 1, NaN])],
      { tensor: "n", path: "inputs[0]", expected, received: "data[2] is NaN, which JSON has no number for" },
    ],
    [
      "-Infinity in FP64",
      [Tensor.fp64("n", [1], [-Infinity])],
      { tensor: "n", path: "inputs[0]", expected, received: "data[0] is -Infinity, which JSON has no number for" },
    ],
    [
      "BYTES that are not UTF-8",
      [Tensor.bytes("s", [2], ["a", new Uint8Array([0xc3])])],
      { tensor: "s", path: "inputs[0]", expected, received: "data[1] is not UTF-8 text" },
    ],
  ])("%s", async (_label, inputs, details) => {
    const error = expectInvalid(await caught(() => rest().infer("iris", { inputs }, { binary: "never" })), details);
    expect(error.message).toContain('binary: "auto"');
    expect(sent).toBe(0);
  });

  it("the same tensors are sent in the default mode", async () => {
    await rest().infer("iris", { inputs: [Tensor.fp16("half", [1], [1])] });
    expect(sent).toBe(1);
  });
});

describe("REST request fields reach stringifyJson (tensor/json.ts)", () => {
  it("a cycle in parameters is named where it closes", async () => {
    const parameters: Record<string, unknown> = { options: {} };
    (parameters["options"] as Record<string, unknown>)["parent"] = parameters;
    expectInvalid(await caught(() => rest().infer("iris", { inputs: [x()], parameters: parameters as never })), {
      path: "parameters.options.parent",
      expected: "a tree of JSON values (no cycles)",
      received: "a reference back to parameters",
    });
    expect(sent).toBe(0);
  });
});

describe("gRPC parameters (grpc/convert.ts toParameters)", () => {
  const expected = "a boolean, string, integer (int64/uint64) or finite number";
  type Case = [label: string, request: InferRequest, details: ProblemDetails];
  it.each<Case>([
    [
      "null in the request's parameters",
      { inputs: [x()], parameters: { a: 1, b: null } },
      { path: "parameters.b", expected, received: "null" },
    ],
    [
      "a list in the request's parameters",
      { inputs: [x()], parameters: { tags: [1, 2] } as never },
      { path: "parameters.tags", expected, received: "an array" },
    ],
    [
      "an object in a tensor's parameters",
      { inputs: [x(), Tensor.fp32("y", [1], [1], { meta: { a: 1 } })] },
      { tensor: "y", path: "inputs[1].parameters.meta", expected, received: "an object" },
    ],
    [
      "NaN in a tensor's parameters",
      { inputs: [Tensor.fp32("y", [1], [1], { scale: NaN })] },
      { tensor: "y", path: "inputs[0].parameters.scale", expected, received: "NaN" },
    ],
    [
      "Infinity in an output's parameters",
      { inputs: [x()], outputs: [{ name: "o", parameters: { top: Infinity } }] },
      { path: "outputs[0].parameters.top", expected, received: "Infinity" },
    ],
    [
      "a bigint past uint64",
      { inputs: [x()], parameters: { big: 2n ** 64n } },
      { path: "parameters.big", expected, received: "18446744073709551616n (outside int64 and uint64)" },
    ],
    [
      "a bigint below int64",
      { inputs: [x()], parameters: { small: -(2n ** 63n) - 1n } },
      { path: "parameters.small", expected, received: "-9223372036854775809n (outside int64 and uint64)" },
    ],
  ])("%s", async (_label, request, details) => {
    expectInvalid(await caught(() => grpc().infer("iris", request)), details);
    expect(sent).toBe(0);
  });
});
