/**
 * Bad caller input to the V1 client (`kserve-client/v1`): request bodies (body.ts), the model name (core/client.ts)
 * and reading an answer as a tensor (result.ts). Nothing may be sent for a bad request.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type ProblemDetails, Tensor } from "kserve-client/tensor";
import { createV1Client, type HttpClient, type HttpRequest, type V1Result } from "kserve-client/v1";
import { caught, expectInvalid, type Said } from "./expect.js";

const sent: HttpRequest[] = [];
afterEach(() => {
  sent.length = 0;
});

function client(answer = '{"predictions":[1]}') {
  const httpClient: HttpClient = async (request) => {
    sent.push(request);
    return { status: 200, headers: { "content-type": "application/json" }, body: new TextEncoder().encode(answer) };
  };
  return createV1Client({ baseUrl: "http://127.0.0.1:1", httpClient, retry: false });
}

type BodyCase = [label: string, body: unknown, details: ProblemDetails, said?: Said];

const fp32 = (name: string, shape: number[], data: number[]) => Tensor.fp32(name, shape, data);
const cyclic = () => {
  const o: Record<string, unknown> = {};
  o["again"] = o;
  return o;
};
/** A number inside `levels` nested lists. */
const deep = (levels: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
};

describe("V1 request bodies (v1/body.ts)", () => {
  it.each<BodyCase>([
    // body.ts: the body is not an object
    ["a null body", null, { path: "body", expected: "an object", received: "null" }],
    ["an array as body", [1, 2], { path: "body", expected: "an object", received: "an array" }],
    ["a string as body", "rows", { path: "body", expected: "an object", received: "rows" }],
    // body.ts: neither or both of instances and inputs
    [
      "neither instances nor inputs",
      { signature_name: "s" },
      { path: "body", expected: 'one of "instances" and "inputs"', received: "neither" },
      { expected: 'exactly one of "instances" (rows) and "inputs" (columns)' },
    ],
    [
      "both instances and inputs",
      { instances: [1], inputs: [1] },
      { path: "body", expected: 'one of "instances" and "inputs"', received: "both" },
      { expected: 'exactly one of "instances" (rows) and "inputs" (columns)' },
    ],
    // body.ts: instances neither a Tensor nor a list
    [
      "instances as a string",
      { instances: "rows" },
      { path: "instances", expected: "a Tensor or an array", received: "string" },
      { received: "a string" },
    ],
    [
      "instances as an object",
      { instances: { a: 1 } },
      { path: "instances", expected: "a Tensor or an array", received: "object" },
      { received: "an object" },
    ],
    // body.ts isTensorRecord: inputs mixing tensors and other values
    [
      "inputs mixing a tensor and a list",
      { inputs: { a: fp32("a", [1], [1]), b: [1] } },
      { path: "inputs.b", expected: "a Tensor", received: "object" },
      { received: "an array" },
    ],
    [
      "inputs mixing a tensor and a number",
      { inputs: { a: fp32("a", [1], [1]), b: 2 } },
      { path: "inputs.b", expected: "a Tensor", received: "number" },
      { received: "a number" },
    ],
    // body.ts rows: a rank-0 tensor as instances
    [
      "a rank-0 tensor as instances",
      { instances: fp32("scalar", [], [1]) },
      { tensor: "scalar", path: "instances", expected: "shape [N, …]", received: "[]" },
    ],
    // body.ts columns: a rank-0 tensor as a column
    [
      "a rank-0 tensor as a column",
      { inputs: { a: fp32("a", [], [1]) } },
      { tensor: "a", path: "inputs.a", expected: "shape [N, …]", received: "[]" },
      { expected: "need shape [N, …]" },
    ],
    // body.ts columns: batch sizes that differ
    [
      "columns with different batch sizes",
      { inputs: { a: fp32("a", [2, 1], [1, 2]), b: fp32("b-tensor", [3], [1, 2, 3]) } },
      { tensor: "b-tensor", path: "inputs.b.shape[0]", expected: "2", received: "3" },
      { expected: "expected 2", received: "got 3" },
    ],
    // body.ts elementTexts: NaN and ±Infinity in a tensor (V1 has no binary form)
    [
      "NaN in an FP32 tensor",
      { instances: fp32("x", [1, 2], [1, NaN]) },
      { tensor: "x", path: "data[1]", expected: "a finite FP32 value", received: "NaN" },
    ],
    [
      "Infinity in an FP64 column",
      { inputs: { c: Tensor.fp64("c", [1], [Infinity]) } },
      { tensor: "c", path: "data[0]", expected: "a finite FP64 value", received: "Infinity" },
    ],
    [
      "-Infinity in an FP16 tensor",
      { instances: Tensor.fp16("h", [2], [0, -Infinity]) },
      { tensor: "h", path: "data[1]", expected: "a finite FP16 value", received: "-Infinity" },
    ],
    [
      "NaN in a BF16 tensor",
      { instances: Tensor.bf16("b", [1], [NaN]) },
      { tensor: "b", path: "data[0]", expected: "a finite BF16 value", received: "NaN" },
    ],
    // body.ts, as tensor/json.ts writes the raw body: a cycle, named where it closes; nesting past 512 levels (the message shows the path's start)
    [
      "a cycle in a raw body",
      { instances: [1, cyclic()] },
      {
        path: "instances[1].again",
        expected: "a tree of JSON values (no cycles)",
        received: "a reference back to instances[1]",
      },
    ],
    [
      "a cycle in another field",
      { instances: [1], meta: { list: [cyclic()] } },
      {
        path: "meta.list[0].again",
        expected: "a tree of JSON values (no cycles)",
        received: "a reference back to meta.list[0]",
      },
    ],
    [
      "raw instances nested 600 levels deep",
      { instances: [deep(600)] },
      { path: `instances[0]${"[0]".repeat(511)}`, expected: "at most 512 levels of nesting", received: "more" },
      { path: `instances[0]${"[0]".repeat(20)}` },
    ],
    // body.ts refuseLossy, as the raw body is written: NaN and ±Infinity
    [
      "Infinity in raw instances",
      { instances: [[1, Infinity]] },
      { path: "instances[0][1]", expected: "a finite number", received: "Infinity" },
    ],
    [
      "NaN in another field",
      { instances: [1], threshold: NaN },
      { path: "threshold", expected: "a finite number", received: "NaN" },
    ],
    // Checked as written, so a boxed NaN and what toJSON returns are seen too (JSON.stringify writes null for both).
    [
      "a boxed NaN",
      { instances: [[1, new Number(NaN)]] },
      { path: "instances[0][1]", expected: "a finite number", received: "NaN" },
    ],
    [
      "NaN from toJSON",
      { instances: [{ score: { toJSON: () => NaN } }] },
      { path: "instances[0].score", expected: "a finite number", received: "NaN" },
    ],
    // body.ts refuseLossy: undefined inside an array
    [
      "undefined in a list",
      { instances: [1, undefined] },
      { path: "instances[1]", expected: "a JSON value", received: "undefined" },
    ],
    // body.ts refuseLossy: functions and symbols
    [
      "a function in a raw body",
      { instances: [{ f: () => 1 }] },
      { path: "instances[0].f", expected: "a JSON value", received: "function" },
    ],
    [
      "a symbol in a raw body",
      { inputs: [Symbol("s")] },
      { path: "inputs[0]", expected: "a JSON value", received: "symbol" },
    ],
    // body.ts refuseLossy: a Tensor inside a raw body
    [
      "a tensor inside a list",
      { instances: [fp32("x", [1], [1])] },
      { path: "instances[0]", expected: "a JSON value", received: "a Tensor" },
    ],
    // body.ts refuseLossy: typed arrays, ArrayBuffers, Maps and Sets
    [
      "a Float32Array row",
      { instances: [new Float32Array([5.1, 3.5])] },
      { path: "instances[0]", expected: "a plain JSON value", received: "Float32Array" },
    ],
    [
      "bytes as a Uint8Array",
      { instances: [{ image: new Uint8Array([1, 2]) }] },
      { path: "instances[0].image", expected: "a plain JSON value", received: "Uint8Array" },
    ],
    // A Buffer (readFileSync's) has a toJSON that would send {"type":"Buffer","data":[…]}: refused as what it is.
    [
      "bytes as a Buffer",
      { instances: [{ image: Buffer.from([1, 2]) }] },
      { path: "instances[0].image", expected: "a plain JSON value", received: "Buffer" },
    ],
    [
      "a Map",
      { instances: [new Map([["a", 1]])] },
      { path: "instances[0]", expected: "a plain JSON value", received: "Map" },
    ],
    [
      "a Set in another field",
      { instances: [1], tags: new Set(["a"]) },
      { path: "tags", expected: "a plain JSON value", received: "Set" },
    ],
    [
      "an ArrayBuffer",
      { inputs: { raw: new ArrayBuffer(4) } },
      { path: "inputs.raw", expected: "a plain JSON value", received: "ArrayBuffer" },
    ],
  ])("%s", async (_label, body, details, said) => {
    for (const verb of ["predict", "explain"] as const) {
      const error = expectInvalid(await caught(() => client()[verb]("iris", body as never)), details, said);
      if (details.tensor === undefined && (details.path === "body" || details.path === "instances"))
        expect(error.message).toContain(`${verb}("iris")`);
    }
    expect(sent).toEqual([]);
  });
});

describe("V1 model names (core/client.ts checkModel)", () => {
  const calls: [string, (c: ReturnType<typeof client>, model: string) => Promise<unknown>][] = [
    ["predict", (c, m) => c.predict(m, { instances: [1] })],
    ["explain", (c, m) => c.explain(m, { instances: [1] })],
    ["modelReady", (c, m) => c.modelReady(m)],
  ];
  it.each(calls)("%s with an empty or missing model name", async (_verb, call) => {
    expectInvalid(await caught(() => call(client(), "")), {
      path: "model",
      expected: "a non-empty string",
      received: '""',
    });
    expectInvalid(await caught(() => call(client(), undefined as never)), {
      path: "model",
      expected: "a non-empty string",
      received: "undefined",
    });
    expectInvalid(await caught(() => call(client(), 7 as never)), {
      path: "model",
      expected: "a non-empty string",
      received: "7",
    });
    expect(sent).toEqual([]);
  });
});

describe("reading a V1 answer as a tensor (v1/result.ts)", () => {
  const answer = async (body: string): Promise<V1Result> => client(body).predict("iris", { instances: [1] });
  type TensorCase = [
    label: string,
    body: string,
    options: Parameters<V1Result["tensor"]>[0],
    details: ProblemDetails,
    said?: Said,
  ];
  it.each<TensorCase>([
    // result.ts: no output of that name
    [
      "an output the answer lacks",
      '{"outputs":{"a":[1],"b":[2]}}',
      { output: "c" },
      { path: "outputs.c", expected: "a named output", received: '"a", "b"' },
    ],
    [
      "an output when outputs is a list",
      '{"outputs":[1]}',
      { output: "c" },
      { path: "outputs.c", expected: "a named output", received: "none" },
    ],
    // result.ts: nothing to read
    [
      "no predictions or outputs",
      '{"id":"1"}',
      {},
      { path: "outputs", expected: "an array of numbers", received: "nothing" },
      { path: "predictions or outputs" },
    ],
    [
      "predictions: null",
      '{"predictions":null}',
      {},
      { path: "predictions", expected: "an array of numbers", received: "null" },
    ],
    [
      "a named output that is null",
      '{"outputs":{"a":null}}',
      { output: "a" },
      { path: "outputs.a", expected: "an array of numbers", received: "null" },
    ],
    // result.ts: the tensor's name (tensor.ts checkName, as the caller's option)
    [
      "an empty name",
      '{"predictions":[1,2]}',
      { name: "" },
      { path: "options.name", expected: "a non-empty string", received: '""' },
    ],
    [
      'an output named "" read without a name',
      '{"outputs":{"":[3]}}',
      { output: "" },
      { path: "options.output", expected: "a non-empty string", received: '""' },
    ],
    // result.ts: a datatype tensor() cannot build
    [
      "datatype BYTES",
      '{"predictions":["a"]}',
      { datatype: "BYTES" },
      { tensor: "predictions", path: "predictions", expected: "a numeric datatype", received: "BYTES" },
    ],
    [
      "an unknown datatype",
      '{"outputs":{"p":[1]}}',
      { output: "p", datatype: "FLOAT" as never },
      { tensor: "p", path: "outputs.p", expected: "a numeric datatype", received: "FLOAT" },
    ],
    // result.ts: the answer is not this tensor (the decoder's ProtocolError, re-raised as the caller's ask)
    [
      "ragged predictions",
      '{"predictions":[[1,2],[3]]}',
      {},
      { tensor: "predictions", path: "predictions[1]", expected: "an array of 2 (shape[1])", received: "length 1" },
    ],
    [
      "strings in predictions",
      '{"predictions":[1,"cat"]}',
      { name: "labels" },
      { tensor: "labels", path: "predictions[1]", expected: "a number", received: '"cat"' },
    ],
    [
      "a fraction read as INT32",
      '{"predictions":[1,2.5]}',
      { datatype: "INT32" },
      {
        tensor: "predictions",
        path: "predictions[1]",
        expected: "an integer in [-2147483648, 2147483647]",
        received: "2.5",
      },
    ],
    [
      "null read as INT64",
      '{"predictions":[1,null]}',
      { datatype: "INT64" },
      {
        tensor: "predictions",
        path: "predictions[1]",
        expected: "an integer in [-2^63, 2^63 - 1] (a bigint beyond ±(2^53 - 1))",
        received: "null",
      },
    ],
    [
      "predictions nested 65 deep",
      `{"predictions":${"[".repeat(65)}1${"]".repeat(65)}}`,
      {},
      { tensor: "predictions", path: "predictions", expected: "at most 64 dimensions", received: "65" },
    ],
  ])("%s", async (_label, body, options, details, said) => {
    const result = await answer(body);
    const error = expectInvalid(await caught(() => result.tensor(options)), details, said);
    if (details.tensor !== undefined && details.received !== "BYTES" && details.received !== "FLOAT") {
      expect(error.message).toContain(`cannot be read as a`);
    }
  });
});
