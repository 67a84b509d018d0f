/**
 * Decoders never crash: for arbitrary and near-valid input, the only outcomes are a result or a KServeError
 * (never a TypeError, RangeError or stack overflow). A sample here; issue 8 grows it into a fuzzing script.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeTensorBody,
  isKServeError,
  parseJson,
  tensorFromBytes,
  tensorFromJson,
  DATATYPES,
} from "kserve-client/tensor";
import { bodyBytes, kserveFixture } from "../fixtures.js";
import { expectDatatype } from "../helpers.js";
import { cases } from "../sampling.js";

const RUNS = cases(2000);

function onlyResultOrKServeError(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!isKServeError(error)) throw error;
  }
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

describe("decoders on arbitrary and near-valid input", () => {
  it(`decodeTensorBody: mutations of a real KServe binary response (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(mutatedBody, ({ bytes, headerLength }) => {
        onlyResultOrKServeError(() => decodeTensorBody(bytes, { key: "outputs", headerLength }));
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
          onlyResultOrKServeError(() => decodeTensorBody(bytes, { key: "outputs", headerLength }));
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
        onlyResultOrKServeError(() => tensorFromJson(parseJson(text)));
        onlyResultOrKServeError(() => parseJson(text.slice(0, text.length - cut)));
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
          onlyResultOrKServeError(() => tensorFromBytes("o", datatype, shape, bytes));
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
