/**
 * Property tests: for every datatype, random shapes and values survive the JSON codec and the binary codec
 * bit for bit (1000 cases per datatype and codec).
 */
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import {
  DATATYPES,
  decodeTensorBody,
  encodeJsonTensor,
  encodeTensorBody,
  parseJson,
  Tensor,
  tensorFromJson,
  tensorToBytes,
  type Datatype,
} from "kserve-client/tensor";
import { concat, expectDatatype } from "../helpers.js";
import { cases } from "../sampling.js";

// Exhaustive and property runs: seconds of CPU each, past vitest's 5 s default on a loaded 2-core machine (the runtime
// matrix runs them on three Nodes besides). A limit against hangs, not a measure of speed.
vi.setConfig({ testTimeout: 60_000 });

const RUNS = cases(1000);

const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 3 });

function bitsArray(bytesPerElement: number, count: number): fc.Arbitrary<Uint8Array> {
  return fc.uint8Array({ minLength: count * bytesPerElement, maxLength: count * bytesPerElement });
}

const isFiniteHalf = (bits: number, exponentMask: number) => (bits & exponentMask) !== exponentMask;

/** Values for `count` elements of `datatype`; `forJson` leaves out what JSON cannot carry (NaN, ±Infinity). */
function dataArb(datatype: Datatype, count: number, forJson: boolean): fc.Arbitrary<unknown> {
  const n = { minLength: count, maxLength: count };
  switch (datatype) {
    case "BOOL":
      return fc.array(fc.boolean(), n);
    case "UINT8":
      return fc.array(fc.integer({ min: 0, max: 255 }), n);
    case "UINT16":
      return fc.array(fc.integer({ min: 0, max: 65535 }), n);
    case "UINT32":
      return fc.array(fc.integer({ min: 0, max: 4294967295 }), n);
    case "UINT64":
      return fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), n);
    case "INT8":
      return fc.array(fc.integer({ min: -128, max: 127 }), n);
    case "INT16":
      return fc.array(fc.integer({ min: -32768, max: 32767 }), n);
    case "INT32":
      return fc.array(fc.integer({ min: -2147483648, max: 2147483647 }), n);
    case "INT64":
      return fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), n);
    case "FP16":
    case "BF16": {
      const exponentMask = datatype === "FP16" ? 0x7c00 : 0x7f80;
      const bits = fc.integer({ min: 0, max: 0xffff }).filter((b) => !forJson || isFiniteHalf(b, exponentMask));
      return fc.array(bits, n).map((values) => new Uint16Array(values));
    }
    case "FP32":
      // Any bit pattern for binary (NaN payloads included); finite floats for JSON.
      return forJson
        ? fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), n).map((v) => new Float32Array(v))
        : bitsArray(4, count).map((b) => new Float32Array(b.buffer));
    case "FP64":
      return forJson
        ? fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), n).map((v) => new Float64Array(v))
        : bitsArray(8, count).map((b) => new Float64Array(b.buffer));
    case "BYTES":
      return forJson
        ? fc.array(fc.string({ unit: "binary", maxLength: 8 }), n) // any code points, lone surrogates included
        : fc.array(fc.uint8Array({ maxLength: 8 }), n);
  }
}

function tensorArb(datatype: Datatype, forJson: boolean): fc.Arbitrary<Tensor> {
  return shapeArb.chain((shape) => {
    const count = shape.reduce((a, b) => a * b, 1);
    return dataArb(datatype, count, forJson).map((data) => new Tensor("t", datatype, shape, data as never));
  });
}

/** Every element's exact bytes: the bit-level identity of a tensor. */
function fingerprint(t: Tensor): { datatype: Datatype; shape: readonly number[]; bytes: string } {
  return { datatype: t.datatype, shape: t.shape, bytes: Buffer.from(tensorToBytes(t)).toString("hex") };
}

describe.each(DATATYPES)("%s round trips", (datatype) => {
  it(`through the JSON codec, bit for bit (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(tensorArb(datatype, true), (t) => {
        const back = tensorFromJson(parseJson(encodeJsonTensor(t)));
        expect(fingerprint(back)).toEqual(fingerprint(t));
      }),
      { numRuns: RUNS },
    );
  });

  it(`through the binary codec, bit for bit (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(tensorArb(datatype, false), fc.boolean(), (t, withJsonNeighbour) => {
        // A JSON tensor before it in the array must not shift its section.
        const tensors = withJsonNeighbour ? [Tensor.int64("n", [1], [1n]), t] : [t];
        const body = encodeTensorBody(tensors, { key: "outputs", binary: (x) => x === t });
        const { tensors: back } = decodeTensorBody(concat(body.chunks), {
          key: "outputs",
          headerLength: body.headerLength,
        });
        expect(fingerprint(back[back.length - 1]!)).toEqual(fingerprint(t));
      }),
      { numRuns: RUNS },
    );
  });
});

describe("64-bit integers in JSON, both ways", () => {
  it("INT64 -9223372036854775808 and 9223372036854775807, UINT64 18446744073709551615", () => {
    const i = Tensor.int64("i", [2], [-9223372036854775808n, 9223372036854775807n]);
    const u = Tensor.uint64("u", [1], [18446744073709551615n]);
    const text = `{"outputs":[${encodeJsonTensor(i)},${encodeJsonTensor(u)}]}`;
    expect(text).toContain("[-9223372036854775808,9223372036854775807]");
    expect(text).toContain("[18446744073709551615]");
    const [i64, u64] = decodeTensorBody(new TextEncoder().encode(text), { key: "outputs" }).tensors;
    expectDatatype(i64, "INT64");
    expectDatatype(u64, "UINT64");
    expect(Array.from(i64.data)).toEqual([-9223372036854775808n, 9223372036854775807n]);
    expect(Array.from(u64.data)).toEqual([18446744073709551615n]);
  });

  it("any INT64 value survives a response that also holds ordinary numbers", () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { maxLength: 16 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (values, score) => {
          const text = `{"parameters":{"score":${JSON.stringify(score)}},"outputs":[${encodeJsonTensor(Tensor.int64("i", [values.length], values))}]}`;
          const { fields, tensors } = decodeTensorBody(new TextEncoder().encode(text), { key: "outputs" });
          const [out] = tensors;
          expectDatatype(out, "INT64");
          expect(Array.from(out.data)).toEqual(values);
          // An integer token past 2^53 comes back as an exact bigint; every other number as itself.
          const token = JSON.stringify(score);
          const expected =
            /^-?\d+$/.test(token) && !Number.isSafeInteger(score) ? BigInt(token) : (JSON.parse(token) as number);
          expect(fields).toEqual({ parameters: { score: expected } });
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe("64-bit integer arrays through decodeTensorBody (the exact parser's packed path)", () => {
  const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
  const uint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
  // Values near the 2^53 and 2^63 edges as well as anywhere, small ones included.
  const edge = (base: bigint) => fc.bigInt({ min: -3n, max: 3n }).map((d) => base + d);
  const mixed = (arb: fc.Arbitrary<bigint>, smallest: number) =>
    fc.array(fc.oneof(arb, fc.integer({ min: smallest, max: 1000 }).map(BigInt)), { minLength: 1, maxLength: 40 });

  it.each([
    [
      "INT64",
      mixed(fc.oneof(int64, edge(2n ** 53n), edge(-(2n ** 53n)), edge(2n ** 63n - 4n), edge(-(2n ** 63n) + 4n)), -5),
    ],
    ["UINT64", mixed(fc.oneof(uint64, edge(2n ** 53n), edge(2n ** 63n), edge(2n ** 64n - 4n)), 0)],
  ] as const)(`%s values come back exactly (${RUNS} cases)`, (datatype, values) => {
    fc.assert(
      fc.property(values, fc.boolean(), (list, spaced) => {
        const sep = spaced ? " ,\n " : ",";
        const text = `{"outputs":[{"name":"x","shape":[${list.length}],"datatype":"${datatype}","data":[${list.join(sep)}]}]}`;
        const [out] = decodeTensorBody(new TextEncoder().encode(text), { key: "outputs" }).tensors;
        expectDatatype(out, datatype);
        expect(Array.from(out.data)).toEqual(list);
      }),
      { numRuns: RUNS },
    );
  });
});

/** Nested values as JSON text, with -0 written as -0.0 (JSON.stringify would drop its sign). */
function writeNested(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(writeNested).join(",")}]`;
  if (Object.is(value, -0)) return "-0.0";
  return String(value);
}

describe("nested JSON data", () => {
  const numeric = DATATYPES.filter((d) => d !== "BYTES");
  it.each(numeric)(`%s: data written nested by shape decodes to the same tensor (${RUNS / 4} cases)`, (datatype) => {
    fc.assert(
      fc.property(tensorArb(datatype, true), (t) => {
        // Servers may send data nested by shape (ARCHITECTURE.md, wire facts: V2 JSON data); toArray() gives exactly that nesting.
        const nested = t.toArray();
        const data = Array.isArray(nested) ? nested : [nested];
        const text = `{"name":"t","shape":${JSON.stringify(t.shape)},"datatype":"${t.datatype}","data":${writeNested(data)}}`;
        expect(fingerprint(tensorFromJson(parseJson(text)))).toEqual(fingerprint(t));
      }),
      { numRuns: RUNS / 4 },
    );
  });
});
