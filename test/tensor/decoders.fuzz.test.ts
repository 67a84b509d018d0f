/**
 * Decoders never crash: for arbitrary and near-valid input, the only outcomes are a result or a KServeError
 * (never a TypeError, RangeError or stack overflow). And a result is the right one: each property checks what a
 * success holds against an independent reading of the input (JSON.parse, the byte layout written out here), and
 * the inputs that must decode do. A sample here; issue 8 grows it into a fuzzing script.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DATATYPES,
  decodeTensorBody,
  elementByteSize,
  isKServeError,
  parseJson,
  type Tensor,
  tensorFromBytes,
  tensorFromJson,
  tensorToBytes,
} from "kserve-client/tensor";
import { expectAsHeaderSays, referenceSplit } from "./arbitraries.js";
import { bodyBytes, kserveFixture } from "../fixtures.js";
import { expectDatatype } from "../helpers.js";
import { cases } from "../sampling.js";

const RUNS = cases(2000);

/** The result, or undefined for a KServeError; any other error fails the case. */
function onlyResultOrKServeError<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (!isKServeError(error)) throw error;
    return undefined;
  }
}

/** JSON values with bigints as numbers, so the exact parser's output compares with JSON.parse's. */
function plain(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) {
      Object.defineProperty(out, k, {
        value: plain((value as Record<string, unknown>)[k]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

const binaryResponse = kserveFixture("v2-infer-binary-out").response;
const realBody = bodyBytes(binaryResponse.body);
const realHeaderLength = Number(binaryResponse.headers["inference-header-content-length"]);

/** The real body with a few bytes overwritten, cut short or extended, and its header length nudged. */
const mutatedBody = fc
  .record({
    edits: fc.array(fc.tuple(fc.nat(realBody.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
    cut: fc.nat(realBody.length),
    extra: fc.uint8Array({ maxLength: 8 }),
    headerDelta: fc.integer({ min: -8, max: 8 }),
  })
  .map(({ edits, cut, extra, headerDelta }) => {
    const bytes = new Uint8Array([...realBody.subarray(0, cut), ...extra]);
    for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
    return { bytes, headerLength: String(realHeaderLength + headerDelta) };
  });

/** The real body with its 24-byte INT64 section overwritten: always valid, and it must decode to those bytes. */
const rewrittenSection = fc.uint8Array({ minLength: 24, maxLength: 24 }).map((section) => {
  const bytes = realBody.slice();
  bytes.set(section, realHeaderLength);
  return { bytes, section };
});

describe("decoders on arbitrary and near-valid input", () => {
  it(`decodeTensorBody: mutations of a real KServe binary response (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(mutatedBody, ({ bytes, headerLength }) => {
        const decoded = onlyResultOrKServeError(() => decodeTensorBody(bytes, { key: "outputs", headerLength }));
        if (decoded !== undefined) expectAsHeaderSays(bytes, headerLength, "outputs", decoded);
        // The unmutated body must decode: a decoder that refused everything would fail here.
        if (bytes.length === realBody.length && Buffer.from(bytes).equals(Buffer.from(realBody))) {
          if (headerLength === String(realHeaderLength)) expect(decoded).toBeDefined();
        }
      }),
      { numRuns: RUNS },
    );
  });

  it(`decodeTensorBody: the real response with any section bytes decodes to exactly them (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(rewrittenSection, ({ bytes, section }) => {
        const { fields, tensors } = decodeTensorBody(bytes, { key: "outputs", headerLength: String(realHeaderLength) });
        expect(fields).toEqual({ id: "req-2", model_name: "iris-classifier", model_version: null });
        const [out] = tensors;
        expectDatatype(out, "INT64");
        expect([out.name, out.shape, out.parameters]).toEqual(["output-0", [3], undefined]);
        const view = new DataView(section.buffer);
        expect(Array.from(out.data)).toEqual([0, 8, 16].map((at) => view.getBigInt64(at, true)));
      }),
      { numRuns: RUNS },
    );
  });

  it(`decodeTensorBody: arbitrary bytes and header lengths (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.option(fc.oneof(fc.nat(80), fc.string({ maxLength: 4 }))),
        (bytes, headerLength) => {
          const decoded = onlyResultOrKServeError(() => decodeTensorBody(bytes, { key: "outputs", headerLength }));
          if (decoded !== undefined) expectAsHeaderSays(bytes, headerLength, "outputs", decoded);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`parseJson and tensorFromJson: arbitrary JSON values and near-JSON text (${RUNS} cases)`, () => {
    const tensorish = fc.record({
      name: fc.oneof(fc.string(), fc.constant("o"), fc.integer()),
      datatype: fc.oneof(fc.constantFrom(...DATATYPES), fc.string()),
      shape: fc.oneof(fc.array(fc.integer({ min: -2, max: 5 }), { maxLength: 3 }), fc.jsonValue()),
      data: fc.oneof(
        fc.jsonValue(),
        fc.array(fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.string(), fc.constant(null))),
      ),
    });
    fc.assert(
      fc.property(tensorish, fc.nat(12), (entry, cut) => {
        const text = JSON.stringify(entry);
        // parseJson reads what JSON.parse reads (its bigints aside), and refuses what JSON.parse refuses.
        const parsed = onlyResultOrKServeError(() => parseJson(text));
        expect(plain(parsed)).toEqual(JSON.parse(text));
        const tensor = onlyResultOrKServeError(() => tensorFromJson(parsed!));
        if (tensor !== undefined) expectFromEntry(tensor, JSON.parse(text) as typeof entry);
        const prefix = text.slice(0, text.length - cut);
        const partial = onlyResultOrKServeError(() => parseJson(prefix));
        let reference: unknown;
        try {
          reference = JSON.parse(prefix);
        } catch {
          reference = undefined;
        }
        expect(partial === undefined ? undefined : plain(partial)).toEqual(reference);
      }),
      { numRuns: RUNS },
    );
  });

  it(`tensorFromBytes: arbitrary bytes for every datatype (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DATATYPES),
        fc.array(fc.nat(6), { maxLength: 3 }),
        fc.uint8Array({ maxLength: 48 }),
        (datatype, shape, bytes) => {
          const t = onlyResultOrKServeError(() => tensorFromBytes("o", datatype, shape, bytes));
          const n = shape.reduce((a, b) => a * b, 1);
          const size = elementByteSize(datatype);
          const fits =
            size === undefined
              ? referenceSplit(bytes, n) !== undefined
              : bytes.length === n * size && (datatype !== "BOOL" || bytes.every((b) => b < 2));
          expect(t !== undefined).toBe(fits);
          if (t === undefined) return;
          expect([t.name, t.datatype, t.shape]).toEqual(["o", datatype, shape]);
          expect(Buffer.from(tensorToBytes(t)).equals(Buffer.from(bytes))).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("the unmutated body still decodes (the mutations start from something valid)", () => {
    const [out] = decodeTensorBody(realBody, { key: "outputs", headerLength: String(realHeaderLength) }).tensors;
    expectDatatype(out, "INT64");
    expect(Array.from(out.data)).toEqual([0n, 1n, 2n]);
  });
});

/**
 * What tensorFromJson must have read from `entry` (as JSON.parse reads it): its name, datatype and shape, and for flat
 * data each element converted as its datatype says: integers as they are (bigints for INT64/UINT64), FP32 rounded to
 * float32, null as NaN for floats, BOOL true/false or 1/0, BYTES the string's UTF-8. (FP16/BF16 values: float16.test.ts.)
 */
function expectFromEntry(t: Tensor, entry: { name: unknown; datatype: unknown; shape: unknown; data: unknown }): void {
  expect([t.name, t.datatype, t.shape.map((d) => d + 0)]).toEqual([
    entry.name,
    entry.datatype,
    (entry.shape as number[]).map((d) => d + 0),
  ]);
  const data = entry.data as unknown[];
  if (data.some(Array.isArray)) return;
  const got = t.data as ArrayLike<unknown>;
  expect(got.length).toBe(data.length);
  data.forEach((v, i) => {
    const element = got[i];
    switch (t.datatype) {
      case "INT64":
      case "UINT64":
        expect(element).toBe(BigInt(v as number));
        break;
      case "FP32":
        expect(element).toBe(v === null ? Number.NaN : Math.fround(v as number));
        break;
      case "FP64":
        expect(element).toBe(v === null ? Number.NaN : v);
        break;
      case "BOOL":
        expect(element).toBe(v === true || v === 1 ? 1 : 0);
        break;
      case "BYTES":
        expect(element).toEqual(new TextEncoder().encode(v as string));
        break;
      case "FP16":
      case "BF16":
        break;
      default:
        expect(element).toBe(v);
    }
  });
}
