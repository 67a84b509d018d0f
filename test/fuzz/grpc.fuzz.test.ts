/**
 * Fuzzing gRPC response conversion, `fromModelInferResponse` (what the gRPC client runs on every ModelInfer
 * answer): generated ModelInferResponse messages with arbitrary field values (datatype strings, shapes with
 * negative or huge dimensions, raw contents of the wrong length or count, typed contents in the wrong field or of
 * the wrong length, parameters of every kind), and wire bytes of real answers mutated and decoded as the
 * transport decodes them. Only an InferResult (well-formed, holding exactly the bytes or values sent) or a
 * KServeError is allowed, also through `createGrpcClient(...).infer`.
 */
import { create, fromBinary, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { createRouterTransport } from "@connectrpc/connect";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createGrpcClient } from "../../src/grpc/client.js";
import { fromModelInferResponse } from "../../src/grpc/convert.js";
import { GRPCInferenceService, ModelInferResponseSchema, type ModelInferResponse } from "../../src/grpc/protobuf.js";
import {
  DATATYPES,
  elementByteSize,
  isDatatype,
  isKServeError,
  ProtocolError,
  Tensor,
  tensorToBytes,
} from "../../src/tensor/index.js";
import { concat } from "../helpers.js";
import {
  arbitraryBytes,
  caught,
  datatypeText,
  expectWellFormed,
  mutatedBytes,
  RUNS,
  resultOrKServeError,
  resultOrKServeErrorAsync,
  runs,
  TIMEOUT,
  truncations,
} from "./support.js";

type ResponseInit = MessageInitShape<typeof ModelInferResponseSchema>;
type OutputInit = NonNullable<ResponseInit["outputs"]>[number];
type ContentsInit = NonNullable<OutputInit["contents"]>;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Shape entries as int64: mostly small, sometimes negative, huge, or past what a double holds exactly. */
const dim64: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 10, arbitrary: fc.bigInt({ min: 0n, max: 4n }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(-1n, INT64_MIN, INT64_MAX, 2n ** 53n - 1n, 2n ** 53n, 10n ** 12n, 2n ** 31n, 2n ** 32n),
  },
);

const contentsFields: fc.Arbitrary<ContentsInit> = fc.record(
  {
    boolContents: fc.array(fc.boolean(), { maxLength: 10 }),
    intContents: fc.array(fc.integer(), { maxLength: 10 }),
    int64Contents: fc.array(fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), { maxLength: 10 }),
    uintContents: fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 10 }),
    uint64Contents: fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { maxLength: 10 }),
    fp32Contents: fc.array(fc.float(), { maxLength: 10 }),
    fp64Contents: fc.array(fc.double(), { maxLength: 10 }),
    bytesContents: fc.array(fc.uint8Array({ maxLength: 5 }), { maxLength: 10 }),
  },
  { requiredKeys: [] },
);

const parameterValue = fc.oneof(
  fc.boolean().map((value) => ({ parameterChoice: { case: "boolParam" as const, value } })),
  fc
    .bigInt({ min: INT64_MIN, max: INT64_MAX })
    .map((value) => ({ parameterChoice: { case: "int64Param" as const, value } })),
  fc
    .bigInt({ min: 0n, max: 2n ** 64n - 1n })
    .map((value) => ({ parameterChoice: { case: "uint64Param" as const, value } })),
  fc.string({ maxLength: 6 }).map((value) => ({ parameterChoice: { case: "stringParam" as const, value } })),
  fc.double().map((value) => ({ parameterChoice: { case: "doubleParam" as const, value } })),
  fc.constant({}),
);
const parameters = fc.dictionary(
  fc.constantFrom("binary_data_size", "content_type", "__proto__", "x", ""),
  parameterValue,
  { maxKeys: 2 },
);

/** The raw bytes an output of this datatype and shape needs, from `seed` (BYTES: length-prefixed elements). */
function rightRaw(datatype: string, shape: bigint[], seed: Uint8Array, strings: Uint8Array[]): Uint8Array | undefined {
  if (!isDatatype(datatype) || shape.some((d) => d < 0n)) return undefined;
  const count = shape.reduce((a, b) => a * b, 1n);
  if (count > 64n) return undefined;
  const n = Number(count);
  if (datatype === "BYTES") {
    return concat(
      Array.from({ length: n }, (_, i) => {
        const s = strings[i % Math.max(1, strings.length)] ?? new Uint8Array(0);
        const prefix = new Uint8Array(4);
        new DataView(prefix.buffer).setUint32(0, s.length, true);
        return concat([prefix, s]);
      }),
    );
  }
  const out = new Uint8Array(n * elementByteSize(datatype)!);
  for (let i = 0; i < out.length; i++) out[i] = seed.length === 0 ? i : seed[i % seed.length]!;
  if (datatype === "BOOL") for (let i = 0; i < out.length; i++) out[i]! &= 1;
  return out;
}

/** The typed contents field and values that carry an output of this datatype and shape (undefined for FP16/BF16). */
function rightContents(datatype: string, count: number, seed: number[]): ContentsInit | undefined {
  const v = (i: number) => seed[i % Math.max(1, seed.length)] ?? i;
  const list = <T>(f: (x: number) => T) => Array.from({ length: count }, (_, i) => f(v(i)));
  switch (datatype) {
    case "BOOL":
      return { boolContents: list((x) => (x & 1) === 1) };
    case "INT8":
      return { intContents: list((x) => (x % 256) - 128) };
    case "INT16":
    case "INT32":
      return { intContents: list((x) => x - 1000) };
    case "UINT8":
    case "UINT16":
    case "UINT32":
      return { uintContents: list((x) => x % 256) };
    case "INT64":
      return { int64Contents: list((x) => BigInt(x) * 2n ** 40n - 7n) };
    case "UINT64":
      return { uint64Contents: list((x) => BigInt(x % 256) * 2n ** 56n) };
    case "FP32":
      return { fp32Contents: list((x) => Math.fround(x / 3)) };
    case "FP64":
      return { fp64Contents: list((x) => x / 3) };
    case "BYTES":
      return { bytesContents: list((x) => Uint8Array.of(x & 0xff)) };
    default:
      return undefined;
  }
}

interface Plan {
  init: ResponseInit;
  /** The raw bytes sent for each output, when the message uses raw_output_contents. */
  raw: Uint8Array[];
}

const outputPlan = fc.record({
  name: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom("output-0", "o", "é") },
    fc.constantFrom("", " "),
    fc.string({ maxLength: 4 }),
  ),
  datatype: datatypeText,
  shape: fc.array(dim64, { maxLength: 3 }),
  parameters,
  /** How the data travels: raw right, raw of a nudged length, typed contents right, typed contents arbitrary, nothing. */
  mode: fc.constantFrom("raw", "raw", "raw-off", "contents", "contents", "contents-any", "none"),
  off: fc.integer({ min: -5, max: 5 }).filter((d) => d !== 0),
  seed: fc.uint8Array({ maxLength: 16 }),
  strings: fc.array(fc.uint8Array({ maxLength: 4 }), { maxLength: 4 }),
  numbers: fc.array(fc.nat(100_000), { maxLength: 8 }),
  anyContents: contentsFields,
});

const responsePlan: fc.Arbitrary<Plan> = fc
  .record({
    modelName: fc.oneof(fc.constant("iris"), fc.string({ maxLength: 4 })),
    modelVersion: fc.oneof(fc.constant(""), fc.string({ maxLength: 3 })),
    id: fc.oneof(fc.constant(""), fc.string({ maxLength: 3 })),
    parameters,
    outputs: fc.array(outputPlan, { maxLength: 4 }),
    rawCount: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, fc.integer({ min: -1, max: 1 })),
  })
  .map(({ outputs, rawCount, ...fields }) => {
    const useRaw = outputs.some((o) => o.mode === "raw" || o.mode === "raw-off");
    const raw: Uint8Array[] = [];
    const outputInits: OutputInit[] = outputs.map((o) => {
      const base: OutputInit = { name: o.name, datatype: o.datatype, shape: o.shape, parameters: o.parameters };
      if (useRaw) {
        const right = rightRaw(o.datatype, o.shape, o.seed, o.strings) ?? o.seed;
        raw.push(
          o.mode === "raw-off"
            ? o.off < 0
              ? right.subarray(0, Math.max(0, right.length + o.off))
              : concat([right, new Uint8Array(o.off)])
            : right,
        );
        // A message may carry both forms; the raw one is what counts.
        return o.mode === "contents-any" ? { ...base, contents: o.anyContents } : base;
      }
      const count = o.shape.every((d) => d >= 0n) ? o.shape.reduce((a, b) => a * b, 1n) : -1n;
      if (o.mode === "contents" && count >= 0n && count <= 64n) {
        const contents = rightContents(o.datatype, Number(count), o.numbers);
        return contents === undefined ? base : { ...base, contents };
      }
      if (o.mode === "contents-any") return { ...base, contents: o.anyContents };
      return base;
    });
    // Now and then one raw entry too many or too few.
    if (useRaw && rawCount > 0) raw.push(new Uint8Array(4));
    if (useRaw && rawCount < 0) raw.pop();
    return { init: { ...fields, outputs: outputInits, rawOutputContents: raw }, raw };
  });

/** The result's outputs hold exactly what the message carried: the raw bytes, or the typed values. */
function checkResult(response: ModelInferResponse, outputs: Tensor[]): void {
  expect(outputs.length).toBe(response.outputs.length);
  outputs.forEach((tensor, i) => {
    expectWellFormed(tensor);
    const sent = response.outputs[i]!;
    expect(tensor.name).toBe(sent.name);
    expect(tensor.datatype).toBe(sent.datatype);
    expect(tensor.shape.map(BigInt)).toEqual(sent.shape);
    if (response.rawOutputContents.length > 0) {
      expect(Buffer.from(tensorToBytes(tensor)).equals(Buffer.from(response.rawOutputContents[i]!))).toBe(true);
      return;
    }
    const c = sent.contents;
    const data = Array.from(tensor.data as ArrayLike<unknown>);
    switch (tensor.datatype) {
      case "BOOL":
        expect(data).toEqual((c?.boolContents ?? []).map((b) => (b ? 1 : 0)));
        break;
      case "INT8":
      case "INT16":
      case "INT32":
        expect(data).toEqual(c?.intContents ?? []);
        break;
      case "UINT8":
      case "UINT16":
      case "UINT32":
        expect(data).toEqual(c?.uintContents ?? []);
        break;
      case "INT64":
        expect(data).toEqual(c?.int64Contents ?? []);
        break;
      case "UINT64":
        expect(data).toEqual(c?.uint64Contents ?? []);
        break;
      case "FP32":
        expect(data).toEqual((c?.fp32Contents ?? []).map(Math.fround));
        break;
      case "FP64":
        expect(data).toEqual(c?.fp64Contents ?? []);
        break;
      case "BYTES":
        expect(data).toEqual(c?.bytesContents ?? []);
        break;
      default:
        throw new Error(`${tensor.datatype} cannot come from typed contents`);
    }
  });
}

function convert(response: ModelInferResponse) {
  const result = resultOrKServeError(() => fromModelInferResponse("m", response));
  if (result !== undefined) checkResult(response, result.outputs);
  return result;
}

/** Real answers as the wire carries them: every datatype, raw and typed, as the mock server would send them. */
const REAL_ANSWERS: Uint8Array[] = [
  toBinary(
    ModelInferResponseSchema,
    create(ModelInferResponseSchema, {
      modelName: "iris-classifier",
      id: "req-2",
      outputs: [{ name: "output-0", datatype: "INT64", shape: [3n] }],
      rawOutputContents: [Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0)],
    }),
  ),
  toBinary(
    ModelInferResponseSchema,
    create(ModelInferResponseSchema, {
      modelName: "iris-classifier",
      outputs: [
        { name: "output-0", datatype: "INT64", shape: [2n], contents: { int64Contents: [0n, 1n] } },
        {
          name: "p",
          datatype: "FP32",
          shape: [1n, 2n],
          contents: { fp32Contents: [0.25, 0.75] },
          parameters: { k: { parameterChoice: { case: "boolParam", value: true } } },
        },
        {
          name: "s",
          datatype: "BYTES",
          shape: [2n],
          contents: { bytesContents: [Uint8Array.of(0x61), new Uint8Array(0)] },
        },
      ],
    }),
  ),
  ...DATATYPES.map((datatype) => {
    const raw = rightRaw(datatype, [2n, 2n], Uint8Array.of(1, 0, 3, 0x80), [Uint8Array.of(0x62)])!;
    return toBinary(
      ModelInferResponseSchema,
      create(ModelInferResponseSchema, {
        modelName: "m",
        outputs: [{ name: "o", datatype, shape: [2n, 2n] }],
        rawOutputContents: [raw],
      }),
    );
  }),
];

/**
 * The transport's side: wire bytes to a message. A failure there is the transport's to report (grpc-unary.ts turns
 * it into an `internal` ConnectError, which the client makes a KServeError); conversion only sees what decoded.
 */
function decodeWire(bytes: Uint8Array): ModelInferResponse | undefined {
  try {
    return fromBinary(ModelInferResponseSchema, bytes);
  } catch {
    return undefined;
  }
}

describe(`fromModelInferResponse (gRPC response conversion), ${RUNS} cases per property`, () => {
  it("converts every unmutated real answer", () => {
    for (const bytes of REAL_ANSWERS)
      checkResult(
        fromBinary(ModelInferResponseSchema, bytes),
        fromModelInferResponse("m", fromBinary(ModelInferResponseSchema, bytes)).outputs,
      );
  });

  it("generated messages: arbitrary datatypes, shapes, raw contents and typed contents", { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(responsePlan, ({ init }) => {
        convert(create(ModelInferResponseSchema, init));
      }),
      runs(),
    );
  });

  it("generated messages after a trip over the wire (proto3 defaults, float32 rounding)", { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(responsePlan, ({ init }) => {
        convert(
          fromBinary(
            ModelInferResponseSchema,
            toBinary(ModelInferResponseSchema, create(ModelInferResponseSchema, init)),
          ),
        );
      }),
      runs(),
    );
  });

  it("mutated and truncated wire bytes of real answers, and arbitrary bytes", { timeout: TIMEOUT }, () => {
    const wire = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...REAL_ANSWERS).chain(mutatedBytes) },
      { weight: 1, arbitrary: fc.constantFrom(...REAL_ANSWERS).chain(truncations) },
      { weight: 1, arbitrary: arbitraryBytes },
    );
    fc.assert(
      fc.property(wire, (bytes) => {
        const message = decodeWire(bytes);
        if (message !== undefined) convert(message);
      }),
      runs(),
    );
  });

  it("a consistent generated message always converts (the generator reaches the success path)", () => {
    let converted = 0;
    fc.assert(
      fc.property(responsePlan, ({ init }) => {
        if (convert(create(ModelInferResponseSchema, init)) !== undefined) converted++;
      }),
      runs(Math.min(RUNS, 500)),
    );
    expect(converted).toBeGreaterThan(0);
  });

  it("through createGrpcClient(...).infer with a transport answering the generated message", {
    timeout: TIMEOUT,
  }, async () => {
    let answer: ResponseInit = {};
    const transport = createRouterTransport(({ service }) => {
      service(GRPCInferenceService, { modelInfer: () => answer });
    });
    const client = createGrpcClient({ transport, retry: false });
    const input = Tensor.fp32("x", [1], [1]);
    await fc.assert(
      fc.asyncProperty(responsePlan, async ({ init }) => {
        answer = init;
        const result = await resultOrKServeErrorAsync(() => client.infer("m", { inputs: [input] }));
        if (result !== undefined) for (const tensor of result.outputs) expectWellFormed(tensor);
      }),
      runs(Math.max(1, Math.floor(RUNS / 4))),
    );
  });
});

describe("gRPC conversion of declared huge shapes: a ProtocolError at once, nothing allocated for the shape", () => {
  const cases: { datatype: string; shape: bigint[]; raw?: Uint8Array; contents?: ContentsInit }[] = [
    { datatype: "FP32", shape: [10n ** 12n], raw: new Uint8Array(4) },
    { datatype: "FP32", shape: [10n ** 12n], contents: { fp32Contents: [1] } },
    { datatype: "FP64", shape: [2n ** 53n - 1n], raw: new Uint8Array(8) },
    { datatype: "INT64", shape: [10n ** 6n, 10n ** 6n], contents: { int64Contents: [1n] } },
    { datatype: "BYTES", shape: [2n ** 31n], raw: new Uint8Array(8) },
    { datatype: "BYTES", shape: [10n ** 12n], contents: { bytesContents: [new Uint8Array(1)] } },
    { datatype: "BOOL", shape: [2n ** 32n], contents: { boolContents: [true] } },
    { datatype: "UINT8", shape: [2n ** 53n], raw: new Uint8Array(1) },
    { datatype: "INT8", shape: [-1n], raw: new Uint8Array(1) },
    { datatype: "FP16", shape: [INT64_MAX], raw: new Uint8Array(2) },
  ];
  it.each(cases)("$datatype $shape", ({ datatype, shape, raw, contents }) => {
    const response = create(ModelInferResponseSchema, {
      modelName: "m",
      outputs: [{ name: "o", datatype, shape, ...(contents === undefined ? {} : { contents }) }],
      rawOutputContents: raw === undefined ? [] : [raw],
    });
    const before = process.memoryUsage().arrayBuffers;
    const started = performance.now();
    const error = caught(() => fromModelInferResponse("m", response));
    expect(error).toBeInstanceOf(ProtocolError);
    expect(isKServeError(error)).toBe(true);
    expect(performance.now() - started).toBeLessThan(100);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });
});
