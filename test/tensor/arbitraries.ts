/**
 * Generated tensors for the round-trip and differential properties (issue 30): every datatype, shapes of up to three
 * small dimensions, values over each datatype's whole range (INT64/UINT64 as bigints, FP16/BF16 as raw bits), and
 * parameters of JSON values. `forJson` leaves out what JSON `data` cannot carry: NaN, ±Infinity, BYTES that are not
 * UTF-8. Also the reference oracles: a tensor's bit-level fingerprint and an independent BYTES splitter.
 */
import fc from "fast-check";
import { expect } from "vitest";
import { DATATYPES, type Datatype, Tensor, type TensorParameters, tensorToBytes } from "../../src/tensor/index.js";

export const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 3 });

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

const bits = (bytesPerElement: number, n: number) =>
  fc.uint8Array({ minLength: n * bytesPerElement, maxLength: n * bytesPerElement });

/** Values for `n` elements of `datatype`. */
export function dataArb(datatype: Datatype, n: number, forJson: boolean): fc.Arbitrary<unknown> {
  const len = { minLength: n, maxLength: n };
  const ints = (min: number, max: number) =>
    fc.array(fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max, 0)), len);
  switch (datatype) {
    case "BOOL":
      return fc.array(fc.boolean(), len);
    case "UINT8":
      return ints(0, 255);
    case "UINT16":
      return ints(0, 65535);
    case "UINT32":
      return ints(0, 4294967295);
    case "INT8":
      return ints(-128, 127);
    case "INT16":
      return ints(-32768, 32767);
    case "INT32":
      return ints(-2147483648, 2147483647);
    case "UINT64":
      return fc.array(
        fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom(0n, 2n ** 53n + 1n, 2n ** 64n - 1n)),
        len,
      );
    case "INT64":
      return fc.array(
        fc.oneof(
          fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
          fc.constantFrom(-(2n ** 63n), -(2n ** 53n) - 1n, 2n ** 53n + 1n, 2n ** 63n - 1n),
          fc.integer({ min: -1000, max: 1000 }).map(BigInt),
        ),
        len,
      );
    case "FP16":
    case "BF16": {
      const exponent = datatype === "FP16" ? 0x7c00 : 0x7f80;
      const half = fc.integer({ min: 0, max: 0xffff }).filter((b) => !forJson || (b & exponent) !== exponent);
      return fc.array(half, len).map((values) => new Uint16Array(values));
    }
    case "FP32":
      return forJson
        ? fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), len).map((v) => new Float32Array(v))
        : bits(4, n).map((b) => new Float32Array(b.buffer));
    case "FP64":
      return forJson
        ? fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), len).map((v) => new Float64Array(v))
        : bits(8, n).map((b) => new Float64Array(b.buffer));
    case "BYTES":
      return forJson
        ? fc.array(fc.string({ unit: "grapheme", maxLength: 6 }), len)
        : fc.array(fc.uint8Array({ maxLength: 6 }), len);
  }
}

/** Parameters a tensor may carry: JSON values that read back as themselves (no -0, no unsafe integers). */
export const parametersArb: fc.Arbitrary<TensorParameters | undefined> = fc.option(
  fc.dictionary(
    fc.constantFrom("content_type", "shm_region", "note", "n", "binary_data"),
    fc.oneof(
      fc.string({ maxLength: 4 }),
      fc.boolean(),
      fc.constant(null),
      fc.integer({ min: -1000, max: 1000 }),
      fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 3 }),
    ),
    { minKeys: 1, maxKeys: 3 },
  ),
  { nil: undefined },
);

export function tensorArb(
  datatype: Datatype,
  forJson: boolean,
  name: fc.Arbitrary<string> = fc.constant("t"),
): fc.Arbitrary<Tensor> {
  return fc
    .tuple(name, shapeArb, parametersArb)
    .chain(([n, shape, parameters]) =>
      dataArb(datatype, count(shape), forJson).map((data) => new Tensor(n, datatype, shape, data as never, parameters)),
    );
}

/** A tensor of any datatype. */
export const anyTensorArb = (forJson: boolean, name?: fc.Arbitrary<string>) =>
  fc.constantFrom(...DATATYPES).chain((d) => tensorArb(d, forJson, name));

/** Tensors with distinct names, any datatypes. */
export const tensorListArb = (forJson: boolean) =>
  fc
    .uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 4 })
    .chain((names) => fc.tuple(...names.map((n) => anyTensorArb(forJson, fc.constant(n)))));

/** Everything that identifies a tensor, bit for bit: name, datatype, shape, the bytes of its elements, parameters. */
export function fingerprint(t: Tensor): {
  name: string;
  datatype: Datatype;
  shape: number[];
  bytes: string;
  parameters: TensorParameters | undefined;
} {
  return {
    name: t.name,
    datatype: t.datatype,
    shape: [...t.shape],
    bytes: Buffer.from(tensorToBytes(t)).toString("hex"),
    parameters: t.parameters,
  };
}

/**
 * The protocol's BYTES layout read independently of src/tensor: `count` elements, each a 4-byte little-endian length
 * and that many bytes, nothing left over. Undefined where the bytes are not that.
 */
export function referenceSplit(bytes: Uint8Array, n: number): Uint8Array[] | undefined {
  const out: Uint8Array[] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    if (at + 4 > bytes.length) return undefined;
    const length = bytes[at]! + bytes[at + 1]! * 2 ** 8 + bytes[at + 2]! * 2 ** 16 + bytes[at + 3]! * 2 ** 24;
    at += 4;
    if (at + length > bytes.length) return undefined;
    out.push(bytes.slice(at, at + length));
    at += length;
  }
  return at === bytes.length ? out : undefined;
}

/**
 * The oracle for a body `decodeTensorBody` accepted, read independently with JSON.parse: the same number of tensors,
 * each with the name, datatype and shape its header entry gives, and each binary one holding exactly the bytes of its
 * section, the sections in order right after the header and nothing after them. The fields are the header's other
 * members. (Only for headers whose numbers JSON.parse reads exactly: the callers' bodies hold no big integers.)
 */
export function expectAsHeaderSays(
  bytes: Uint8Array,
  headerLength: string | number | null | undefined,
  key: "inputs" | "outputs",
  decoded: { fields: Record<string, unknown>; tensors: Tensor[] },
): void {
  const end = headerLength === undefined || headerLength === null ? bytes.length : Number(String(headerLength).trim());
  expect(Number.isSafeInteger(end) && end >= 1 && end <= bytes.length).toBe(true);
  // The decoder also reads NaN, Infinity and -Infinity (as KServe writes them); JSON.parse reads them here as null,
  // which neither names, datatypes, shapes nor sizes can be.
  const text = new TextDecoder("utf-8", { fatal: true })
    .decode(bytes.subarray(0, end))
    .replace(/("(?:[^"\\]|\\.)*")|-?Infinity|NaN/g, (_token, string?: string) => string ?? "null");
  const header = JSON.parse(text) as Record<string, unknown>;
  const { [key]: list = [], ...fields } = header;
  expect(Object.keys(decoded.fields).sort()).toEqual(Object.keys(fields).sort());
  const entries = list as Record<string, unknown>[];
  expect(decoded.tensors.length).toBe(entries.length);
  let offset = end;
  entries.forEach((entry, i) => {
    const t = decoded.tensors[i]!;
    expect(t).toBeInstanceOf(Tensor);
    expect([t.name, t.datatype, t.shape.map((d) => d + 0)]).toEqual([
      entry["name"],
      entry["datatype"],
      (entry["shape"] as number[]).map((d) => d + 0),
    ]);
    const size = (entry["parameters"] as Record<string, unknown> | null | undefined)?.["binary_data_size"];
    if (typeof size === "number") {
      const section = bytes.subarray(offset, offset + size);
      expect(Buffer.from(tensorToBytes(t)).equals(Buffer.from(section))).toBe(true);
      offset += size;
    }
  });
  expect(offset).toBe(bytes.length);
}
