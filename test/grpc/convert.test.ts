/** Tensors to and from the gRPC messages: raw_input_contents out, raw or typed contents in, parameters both ways. */
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { isKServeError, KServeError, ProtocolError, ValidationError } from "../../src/core/errors.js";
import { fromModelInferResponse, toModelInferRequest } from "../../src/grpc/convert.js";
import {
  InferTensorContentsSchema,
  ModelInferRequestSchema,
  ModelInferResponseSchema,
  type ModelInferRequest,
} from "../../src/grpc/protobuf.js";
import { Tensor } from "../../src/tensor/index.js";
import type { InferRequest } from "../../src/v2/types.js";
import { thrown } from "../helpers.js";

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

function request(req: InferRequest, model = "m", version?: string): ModelInferRequest {
  return create(ModelInferRequestSchema, toModelInferRequest(model, version, req));
}

/** Little-endian bytes written element by element with a DataView, independent of the code under test. */
function le(
  size: number,
  values: readonly (number | bigint)[],
  write: (view: DataView, offset: number, value: never) => void,
): Uint8Array {
  const out = new Uint8Array(size * values.length);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => write(view, i * size, v as never));
  return out;
}

const enc = (s: string) => new TextEncoder().encode(s);

interface Case {
  tensor: Tensor;
  bytes: Uint8Array;
}

const cases: Case[] = [
  { tensor: Tensor.bool("b", [3], [true, false, true]), bytes: Uint8Array.of(1, 0, 1) },
  { tensor: Tensor.uint8("u8", [2], [0, 255]), bytes: Uint8Array.of(0, 255) },
  {
    tensor: Tensor.uint16("u16", [2], [1, 0xabcd]),
    bytes: le(2, [1, 0xabcd], (v, o, x: number) => v.setUint16(o, x, true)),
  },
  {
    tensor: Tensor.uint32("u32", [2], [1, 0xdeadbeef]),
    bytes: le(4, [1, 0xdeadbeef], (v, o, x: number) => v.setUint32(o, x, true)),
  },
  {
    tensor: Tensor.uint64("u64", [2], [1n, UINT64_MAX]),
    bytes: le(8, [1n, UINT64_MAX], (v, o, x: bigint) => v.setBigUint64(o, x, true)),
  },
  { tensor: Tensor.int8("i8", [2], [-128, 127]), bytes: Uint8Array.of(0x80, 0x7f) },
  {
    tensor: Tensor.int16("i16", [2], [-2, 0x1234]),
    bytes: le(2, [-2, 0x1234], (v, o, x: number) => v.setInt16(o, x, true)),
  },
  {
    tensor: Tensor.int32("i32", [2], [-3, 0x12345678]),
    bytes: le(4, [-3, 0x12345678], (v, o, x: number) => v.setInt32(o, x, true)),
  },
  {
    tensor: Tensor.int64("i64", [3], [INT64_MIN, -1n, INT64_MAX]),
    bytes: le(8, [INT64_MIN, -1n, INT64_MAX], (v, o, x: bigint) => v.setBigInt64(o, x, true)),
  },
  { tensor: Tensor.fp16("f16", [2], Uint16Array.of(0x3c00, 0xc000)), bytes: Uint8Array.of(0x00, 0x3c, 0x00, 0xc0) },
  {
    tensor: Tensor.fp32("f32", [2], [1.5, -0.25]),
    bytes: le(4, [1.5, -0.25], (v, o, x: number) => v.setFloat32(o, x, true)),
  },
  {
    tensor: Tensor.fp64("f64", [2], [Math.PI, -1e300]),
    bytes: le(8, [Math.PI, -1e300], (v, o, x: number) => v.setFloat64(o, x, true)),
  },
  { tensor: Tensor.bf16("bf16", [2], Uint16Array.of(0x3f80, 0x4049)), bytes: Uint8Array.of(0x80, 0x3f, 0x49, 0x40) },
  {
    tensor: Tensor.bytes("s", [3], ["ab", new Uint8Array([0xff, 0x00, 0xfe]), ""]),
    bytes: Uint8Array.of(2, 0, 0, 0, 0x61, 0x62, 3, 0, 0, 0, 0xff, 0x00, 0xfe, 0, 0, 0, 0),
  },
];

describe("toModelInferRequest", () => {
  it.each(cases.map((c) => [c.tensor.datatype, c] as const))(
    "puts a %s tensor in raw_input_contents as little-endian bytes",
    (datatype, { tensor, bytes }) => {
      const req = request({ inputs: [tensor] });
      expect(req.rawInputContents).toHaveLength(1);
      expect(Array.from(req.rawInputContents[0]!)).toEqual(Array.from(bytes));
      expect(req.inputs).toHaveLength(1);
      expect(req.inputs[0]!.name).toBe(tensor.name);
      expect(req.inputs[0]!.datatype).toBe(datatype);
      expect(req.inputs[0]!.shape).toEqual(tensor.shape.map(BigInt));
      expect(req.inputs[0]!.contents).toBeUndefined();
    },
  );

  it("sends every input of a request in order, one raw entry each, with bigint shapes", () => {
    const req = request({ inputs: cases.map((c) => c.tensor) });
    expect(req.inputs.map((t) => t.name)).toEqual(cases.map((c) => c.tensor.name));
    expect(req.rawInputContents.map((b) => Array.from(b))).toEqual(cases.map((c) => Array.from(c.bytes)));
    const matrix = request({ inputs: [Tensor.fp32("x", [2, 3, 1], new Float32Array(6))] });
    expect(matrix.inputs[0]!.shape).toEqual([2n, 3n, 1n]);
    for (const dim of matrix.inputs[0]!.shape) expect(typeof dim).toBe("bigint");
  });

  it("carries the model name, version and request id; empty strings when absent", () => {
    const full = request({ inputs: [Tensor.fp32("x", [1], [1])], id: "req-7" }, "iris", "3");
    expect(full).toMatchObject({ modelName: "iris", modelVersion: "3", id: "req-7" });
    const bare = request({ inputs: [Tensor.fp32("x", [1], [1])] }, "iris");
    expect(bare).toMatchObject({ modelName: "iris", modelVersion: "", id: "" });
    expect(bare.outputs).toEqual([]);
  });

  it("encodes parameters as bool, int64, string and double; bigints past int64 as uint64", () => {
    const req = request({
      inputs: [Tensor.fp32("x", [1], [1], { content_type: "np", batch: 4 })],
      parameters: {
        flag: true,
        off: false,
        n: 42,
        neg: -7,
        s: "hi",
        d: 0.5,
        big: INT64_MAX,
        small: INT64_MIN,
        huge: INT64_MAX + 1n,
        max: UINT64_MAX,
      },
    });
    const choice = (key: string) => req.parameters[key]?.parameterChoice;
    expect(choice("flag")).toEqual({ case: "boolParam", value: true });
    expect(choice("off")).toEqual({ case: "boolParam", value: false });
    expect(choice("n")).toEqual({ case: "int64Param", value: 42n });
    expect(choice("neg")).toEqual({ case: "int64Param", value: -7n });
    expect(choice("s")).toEqual({ case: "stringParam", value: "hi" });
    expect(choice("d")).toEqual({ case: "doubleParam", value: 0.5 });
    expect(choice("big")).toEqual({ case: "int64Param", value: INT64_MAX });
    expect(choice("small")).toEqual({ case: "int64Param", value: INT64_MIN });
    expect(choice("huge")).toEqual({ case: "uint64Param", value: INT64_MAX + 1n });
    expect(choice("max")).toEqual({ case: "uint64Param", value: UINT64_MAX });
    const tensorParams = req.inputs[0]!.parameters;
    expect(tensorParams["content_type"]?.parameterChoice).toEqual({ case: "stringParam", value: "np" });
    expect(tensorParams["batch"]?.parameterChoice).toEqual({ case: "int64Param", value: 4n });
  });

  it.each([
    ["null", null],
    ["an array", [1, 2]],
    ["an object", { a: 1 }],
  ] as const)("refuses a parameter that is %s with a ValidationError naming the key", (shown, value) => {
    const error = thrown(ValidationError, () =>
      toModelInferRequest("m", undefined, {
        inputs: [Tensor.fp32("x", [1], [1])],
        parameters: { "odd-key": value as never },
      }),
    );
    expect(error.code).toBe("invalid_argument");
    expect(error.message).toContain('"odd-key"');
    expect(error.message).toContain(shown);
    expect(error.details.path).toBe("parameters.odd-key");
  });

  it("refuses bad parameters on tensors and requested outputs too, naming where", () => {
    const onTensor = thrown(ValidationError, () =>
      toModelInferRequest("m", undefined, { inputs: [Tensor.fp32("x", [1], [1], { bad: null })] }),
    );
    expect(onTensor.message).toContain('"bad"');
    expect(onTensor.details.path).toBe("inputs[0].parameters.bad");
    const onOutput = thrown(ValidationError, () =>
      toModelInferRequest("m", undefined, {
        inputs: [Tensor.fp32("x", [1], [1])],
        outputs: [{ name: "y", parameters: { nested: [1] } }],
      }),
    );
    expect(onOutput.message).toContain('"nested"');
    expect(onOutput.details.path).toBe("outputs[0].parameters.nested");
  });

  it("refuses a bigint beyond uint64 and below int64", () => {
    for (const value of [UINT64_MAX + 1n, INT64_MIN - 1n]) {
      const error = thrown(ValidationError, () =>
        toModelInferRequest("m", undefined, { inputs: [Tensor.fp32("x", [1], [1])], parameters: { k: value } }),
      );
      expect(error.message).toContain('"k"');
    }
  });

  it("turns classCount into the int64 'classification' parameter of the requested output", () => {
    const req = request({
      inputs: [Tensor.fp32("x", [1], [1])],
      outputs: [{ name: "probs", classCount: 3, parameters: { keep: "yes" } }, { name: "plain" }],
    });
    expect(req.outputs.map((o) => o.name)).toEqual(["probs", "plain"]);
    expect(req.outputs[0]!.parameters["classification"]?.parameterChoice).toEqual({ case: "int64Param", value: 3n });
    expect(req.outputs[0]!.parameters["keep"]?.parameterChoice).toEqual({ case: "stringParam", value: "yes" });
    expect(req.outputs[1]!.parameters).toEqual({});
  });
});

type ResponseInit = MessageInitShape<typeof ModelInferResponseSchema>;
const response = (init: ResponseInit) => create(ModelInferResponseSchema, init);

describe("fromModelInferResponse with raw_output_contents", () => {
  it.each(cases.map((c) => [c.tensor.datatype, c] as const))(
    "decodes a %s output from little-endian bytes",
    (_datatype, { tensor, bytes }) => {
      const res = fromModelInferResponse(
        "m",
        response({
          modelName: "m",
          outputs: [{ name: tensor.name, datatype: tensor.datatype, shape: tensor.shape.map(BigInt) }],
          rawOutputContents: [bytes],
        }),
      );
      const out = res.output(tensor.name);
      expect(out.datatype).toBe(tensor.datatype);
      expect(out.shape).toEqual(tensor.shape);
      expect(out.data).toEqual(tensor.data);
    },
  );

  it("keeps INT64 and UINT64 extremes exact", () => {
    const res = fromModelInferResponse(
      "m",
      response({
        outputs: [
          { name: "i", datatype: "INT64", shape: [2n] },
          { name: "u", datatype: "UINT64", shape: [2n] },
        ],
        rawOutputContents: [
          le(8, [INT64_MAX, INT64_MIN], (v, o, x: bigint) => v.setBigInt64(o, x, true)),
          le(8, [UINT64_MAX, 0n], (v, o, x: bigint) => v.setBigUint64(o, x, true)),
        ],
      }),
    );
    expect(Array.from(res.output("i", "INT64").data)).toEqual([INT64_MAX, INT64_MIN]);
    expect(Array.from(res.output("u", "UINT64").data)).toEqual([UINT64_MAX, 0n]);
  });

  it("is a ProtocolError when the number of raw entries is not the number of outputs", () => {
    const error = thrown(ProtocolError, () =>
      fromModelInferResponse(
        "m",
        response({
          outputs: [
            { name: "a", datatype: "UINT8", shape: [1n] },
            { name: "b", datatype: "UINT8", shape: [1n] },
          ],
          rawOutputContents: [Uint8Array.of(1)],
        }),
      ),
    );
    expect(error.message).toContain("raw_output_contents");
    expect(error.code).toBe("internal");
  });

  it("is a ProtocolError when the bytes do not fit the shape", () => {
    thrown(ProtocolError, () =>
      fromModelInferResponse(
        "m",
        response({ outputs: [{ name: "a", datatype: "FP32", shape: [2n] }], rawOutputContents: [new Uint8Array(4)] }),
      ),
    );
    thrown(ProtocolError, () =>
      fromModelInferResponse(
        "m",
        response({ outputs: [{ name: "a", datatype: "FP32", shape: [1n] }], rawOutputContents: [new Uint8Array(5)] }),
      ),
    );
    thrown(ProtocolError, () =>
      fromModelInferResponse(
        "m",
        response({
          outputs: [{ name: "s", datatype: "BYTES", shape: [1n] }],
          rawOutputContents: [Uint8Array.of(9, 0, 0, 0, 1)],
        }),
      ),
    );
  });
});

type ContentsInit = MessageInitShape<typeof InferTensorContentsSchema>;

const typedCases: [string, number[], ContentsInit, unknown][] = [
  ["BOOL", [3], { boolContents: [true, false, true] }, Uint8Array.of(1, 0, 1)],
  ["UINT8", [2], { uintContents: [0, 255] }, Uint8Array.of(0, 255)],
  ["UINT16", [2], { uintContents: [1, 65535] }, Uint16Array.of(1, 65535)],
  ["UINT32", [2], { uintContents: [1, 0xffffffff] }, Uint32Array.of(1, 0xffffffff)],
  [
    "UINT64",
    [3],
    { uint64Contents: [0n, INT64_MAX + 1n, UINT64_MAX] },
    BigUint64Array.of(0n, INT64_MAX + 1n, UINT64_MAX),
  ],
  ["INT8", [2], { intContents: [-128, 127] }, Int8Array.of(-128, 127)],
  ["INT16", [2], { intContents: [-32768, 32767] }, Int16Array.of(-32768, 32767)],
  ["INT32", [2], { intContents: [-(2 ** 31), 2 ** 31 - 1] }, Int32Array.of(-(2 ** 31), 2 ** 31 - 1)],
  ["INT64", [3], { int64Contents: [INT64_MIN, -1n, INT64_MAX] }, BigInt64Array.of(INT64_MIN, -1n, INT64_MAX)],
  ["FP32", [2, 1], { fp32Contents: [1.5, -0.25] }, Float32Array.of(1.5, -0.25)],
  ["FP64", [2], { fp64Contents: [Math.PI, -1e300] }, Float64Array.of(Math.PI, -1e300)],
  ["BYTES", [2], { bytesContents: [enc("ab"), Uint8Array.of(0xff, 0xfe)] }, [enc("ab"), Uint8Array.of(0xff, 0xfe)]],
];

describe("fromModelInferResponse with typed contents", () => {
  it.each(typedCases)("decodes a %s output from its typed field", (datatype, shape, contents, expected) => {
    const res = fromModelInferResponse(
      "m",
      response({ outputs: [{ name: "y", datatype, shape: shape.map(BigInt), contents }] }),
    );
    const out = res.output("y");
    expect(out.datatype).toBe(datatype);
    expect(out.shape).toEqual(shape);
    expect(out.data).toEqual(expected);
  });

  it.each(["FP16", "BF16"])("is a ProtocolError for %s, which has no typed field", (datatype) => {
    const error = thrown(ProtocolError, () =>
      fromModelInferResponse(
        "m",
        response({ outputs: [{ name: "h", datatype, shape: [1n], contents: { fp32Contents: [1] } }] }),
      ),
    );
    expect(error.message).toContain(datatype);
    expect(error.message).toContain("raw_output_contents");
  });

  it("is a ProtocolError when the typed values do not fit the shape or the datatype", () => {
    thrown(ProtocolError, () =>
      fromModelInferResponse(
        "m",
        response({ outputs: [{ name: "y", datatype: "FP32", shape: [3n], contents: { fp32Contents: [1, 2] } }] }),
      ),
    );
    thrown(ProtocolError, () =>
      fromModelInferResponse(
        "m",
        response({ outputs: [{ name: "y", datatype: "INT8", shape: [1n], contents: { intContents: [1000] } }] }),
      ),
    );
    thrown(ProtocolError, () =>
      fromModelInferResponse(
        "m",
        response({ outputs: [{ name: "y", datatype: "NOPE", shape: [1n], contents: { fp32Contents: [1] } }] }),
      ),
    );
  });

  it("is a ProtocolError for an impossible dimension", () => {
    for (const dim of [-1n, 2n ** 60n]) {
      const error = thrown(ProtocolError, () =>
        fromModelInferResponse(
          "m",
          response({ outputs: [{ name: "y", datatype: "FP32", shape: [dim], contents: { fp32Contents: [] } }] }),
        ),
      );
      expect(error.details.path).toBe("outputs[0].shape[0]");
    }
  });
});

describe("fromModelInferResponse fields", () => {
  it("reads the model name, version, id and parameters; empty strings become undefined", () => {
    const full = fromModelInferResponse(
      "m",
      response({
        modelName: "m",
        modelVersion: "2",
        id: "abc",
        parameters: {
          n: { parameterChoice: { case: "int64Param", value: 5n } },
          big: { parameterChoice: { case: "uint64Param", value: UINT64_MAX } },
          s: { parameterChoice: { case: "stringParam", value: "x" } },
        },
        outputs: [],
      }),
    );
    expect(full).toMatchObject({
      modelName: "m",
      modelVersion: "2",
      id: "abc",
      parameters: { n: 5, big: UINT64_MAX, s: "x" },
    });
    const bare = fromModelInferResponse("m", response({ modelName: "m" }));
    expect(bare.modelVersion).toBeUndefined();
    expect(bare.id).toBeUndefined();
    expect(bare.parameters).toBeUndefined();
    expect(bare.outputs).toEqual([]);
  });

  it("output(name) for a missing output is a not_found error naming the outputs that came back", () => {
    const res = fromModelInferResponse(
      "iris",
      response({
        outputs: [
          { name: "output-0", datatype: "UINT8", shape: [1n] },
          { name: "probs", datatype: "UINT8", shape: [1n] },
        ],
        rawOutputContents: [Uint8Array.of(1), Uint8Array.of(2)],
      }),
    );
    const error = thrown(KServeError, () => res.output("nope"));
    expect(isKServeError(error)).toBe(true);
    expect(error.code).toBe("not_found");
    expect(error.message).toContain('"nope"');
    expect(error.message).toContain('"output-0"');
    expect(error.message).toContain('"probs"');
  });
});
