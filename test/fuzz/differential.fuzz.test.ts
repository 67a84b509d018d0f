/**
 * Differential properties between the JSON and binary paths (issue 30): the same tensors sent as JSON `data` and as
 * binary sections decode to equal tensors, bit for bit, and equal to what was sent; bodies that mix binary and JSON
 * outputs in any order decode to exactly their tensors; the raw byte codec round-trips through both host byte orders.
 * Each property states what a success must be, so a decoder that refused everything, or returned something else,
 * fails it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DATATYPES,
  decodeTensorBody,
  encodeJsonTensor,
  encodeTensorBody,
  parseJson,
  type Tensor,
  tensorFromBytes,
  tensorFromJson,
  tensorToBytes,
} from "../../src/tensor/index.js";
import { bytesToData, dataToBytes } from "../../src/tensor/raw.js";
import { concat } from "../helpers.js";
import { anyTensorArb, fingerprint, referenceSplit, tensorArb, tensorListArb } from "../tensor/arbitraries.js";
import { RUNS, runs, TIMEOUT } from "./support.js";

type Key = "inputs" | "outputs";

function roundTrip(
  tensors: readonly Tensor[],
  key: Key,
  binary: ((t: Tensor, i: number) => boolean) | undefined,
  fields?: Record<string, unknown>,
) {
  const body = encodeTensorBody(tensors, { key, binary, fields });
  const bytes = concat(body.chunks);
  expect(body.byteLength).toBe(bytes.byteLength);
  expect(body.headerLength).toBe(body.chunks[0]!.byteLength);
  return decodeTensorBody(bytes, { key, headerLength: body.hasBinary ? String(body.headerLength) : undefined });
}

describe(`the JSON and binary paths agree, ${RUNS} cases per property`, () => {
  it("the same tensors as JSON data and as binary sections decode equal, and equal to what was sent", {
    timeout: TIMEOUT,
  }, () => {
    fc.assert(
      fc.property(tensorListArb(true), fc.constantFrom<Key>("inputs", "outputs"), (tensors, key) => {
        const sent = tensors.map(fingerprint);
        const asJson = roundTrip(tensors, key, () => false);
        const asBinary = roundTrip(tensors, key, undefined);
        expect(asJson.tensors.map(fingerprint)).toEqual(sent);
        expect(asBinary.tensors.map(fingerprint)).toEqual(sent);
        expect(asJson.fields).toEqual({});
        expect(asBinary.fields).toEqual({});
      }),
      runs(),
    );
  });

  it("mixed bodies: any choice of binary and JSON outputs decodes to exactly the tensors, fields kept", {
    timeout: TIMEOUT,
  }, () => {
    fc.assert(
      fc.property(
        tensorListArb(true),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        fc.record({ model_name: fc.string({ maxLength: 5 }), id: fc.option(fc.string({ maxLength: 5 })) }),
        (tensors, mask, fields) => {
          const decoded = roundTrip(tensors, "outputs", (_t, i) => mask[i]!, fields);
          expect(decoded.tensors.map(fingerprint)).toEqual(tensors.map(fingerprint));
          expect(decoded.fields).toEqual(fields);
        },
      ),
      runs(),
    );
  });

  it("any bits (NaN payloads, infinities, any BYTES) survive the binary path; JSON refuses only what it cannot carry", {
    timeout: TIMEOUT,
  }, () => {
    fc.assert(
      fc.property(tensorListArb(false), (tensors) => {
        expect(roundTrip(tensors, "outputs", undefined).tensors.map(fingerprint)).toEqual(tensors.map(fingerprint));
        let json: string[] | undefined;
        try {
          json = tensors.map(encodeJsonTensor);
        } catch {
          // Some tensor holds a NaN, an infinity or BYTES that are not UTF-8: what JSON cannot carry.
          const unfit = tensors.some((t) => !carriesAsJson(t));
          expect(unfit).toBe(true);
          return;
        }
        expect(tensors.every(carriesAsJson)).toBe(true);
        expect(json.map((text) => fingerprint(tensorFromJson(parseJson(text))))).toEqual(tensors.map(fingerprint));
      }),
      runs(),
    );
  });

  it("a single tensor: tensorFromJson and the binary body give the same tensor", { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(anyTensorArb(true), (t) => {
        const fromJson = tensorFromJson(parseJson(encodeJsonTensor(t)));
        const [fromBinary] = roundTrip([t], "inputs", undefined).tensors;
        expect(fingerprint(fromBinary!)).toEqual(fingerprint(fromJson));
        expect(fromBinary!.toArray()).toEqual(fromJson.toArray());
      }),
      runs(),
    );
  });
});

/** What JSON `data` can carry of a tensor: finite numbers, UTF-8 BYTES. */
function carriesAsJson(t: Tensor): boolean {
  const data = t.data as ArrayLike<unknown>;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (t.datatype === "BYTES") {
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(v as Uint8Array);
      } catch {
        return false;
      }
    } else if (t.datatype === "FP16" && ((v as number) & 0x7c00) === 0x7c00) return false;
    else if (t.datatype === "BF16" && ((v as number) & 0x7f80) === 0x7f80) return false;
    else if (typeof v === "number" && !Number.isFinite(v)) return false;
  }
  return true;
}

describe(`raw bytes, ${RUNS} cases per property`, () => {
  it.each(DATATYPES)("%s: tensorFromBytes(tensorToBytes(x)) is x, and both host byte orders agree", (datatype) => {
    fc.assert(
      fc.property(tensorArb(datatype, false), fc.nat(7), (t: Tensor, shift) => {
        const bytes = tensorToBytes(t);
        // A big-endian host holds each element's bytes reversed; its portable path writes the same little-endian bytes.
        const size = datatype === "BYTES" ? 1 : bytes.byteLength / Math.max(1, t.size);
        const reversed = bytes.map((_, i) => bytes[i - (i % size) + size - 1 - (i % size)]!);
        const bigEndian =
          datatype === "BYTES"
            ? t.data
            : new (t.data.constructor as new (b: ArrayBuffer) => typeof t.data)(reversed.buffer as ArrayBuffer);
        expect(Buffer.from(dataToBytes(datatype, bigEndian, false, t.name)).equals(Buffer.from(bytes))).toBe(true);
        // At any offset of a larger buffer: aligned ones are viewed, unaligned ones copied.
        const placed = new Uint8Array(bytes.byteLength + shift).subarray(shift);
        placed.set(bytes);
        const back = tensorFromBytes(t.name, datatype, t.shape, placed, t.parameters);
        expect(fingerprint(back)).toEqual(fingerprint(t));
        expect(back.toArray()).toEqual(t.toArray());
        const data = bytesToData(datatype, t.shape, t.size, placed, false, t.name);
        const held = datatype === "BYTES" ? tensorToBytes(back) : new Uint8Array((data as Uint8Array).buffer);
        expect(Buffer.from(held).equals(Buffer.from(datatype === "BYTES" ? bytes : reversed))).toBe(true);
      }),
      runs(Math.max(20, Math.ceil(RUNS / 4))),
    );
  });

  it("tensorFromBytes on arbitrary bytes: succeeds exactly when the bytes fit the shape, and then gives them back", {
    timeout: TIMEOUT,
  }, () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DATATYPES),
        fc.array(fc.nat(3), { maxLength: 2 }),
        fc.oneof(
          fc.uint8Array({ maxLength: 24 }),
          fc.uint8Array({ maxLength: 24 }).map((b) => b.map((x) => x & 1)),
        ),
        (datatype, shape, bytes) => {
          const n = shape.reduce((a, b) => a * b, 1);
          let fits: boolean;
          if (datatype === "BYTES") fits = referenceSplit(bytes, n) !== undefined;
          else {
            const size = { BOOL: 1, UINT8: 1, INT8: 1, UINT16: 2, INT16: 2, FP16: 2, BF16: 2 }[datatype as string] ?? 0;
            const width = size || (datatype.endsWith("64") ? 8 : 4);
            fits = bytes.length === n * width && (datatype !== "BOOL" || bytes.every((b) => b <= 1));
          }
          let result: Tensor | undefined;
          try {
            result = tensorFromBytes("o", datatype, shape, bytes);
          } catch {
            result = undefined;
          }
          expect(result !== undefined).toBe(fits);
          if (result === undefined) return;
          expect([result.name, result.datatype, result.shape]).toEqual(["o", datatype, shape]);
          expect(Buffer.from(tensorToBytes(result)).equals(Buffer.from(bytes))).toBe(true);
          if (datatype === "BYTES") expect(result.data).toEqual(referenceSplit(bytes, n));
        },
      ),
      runs(),
    );
  });
});
