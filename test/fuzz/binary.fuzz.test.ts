/**
 * Fuzzing the binary tensor extension's framing decoder, `decodeTensorBody` (what the V2 REST client runs on
 * every answer, JSON or binary): arbitrary bytes, byte- and token-level mutations of real KServe 0.14.1 bodies,
 * and generated bodies whose header, `binary_data_size`s, shapes and tail disagree in every way. Only a result
 * (well-formed, and what the header says read independently: names, datatypes, shapes, each section's bytes) or a
 * KServeError is allowed, and consistent bodies must decode to exactly what was generated.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeTensorBody,
  elementByteSize,
  isDatatype,
  isKServeError,
  ProtocolError,
  tensorToBytes,
} from "../../src/tensor/index.js";
import { bodyBytes, kserveFixture } from "../fixtures.js";
import { concat } from "../helpers.js";
import { expectAsHeaderSays } from "../tensor/arbitraries.js";
import {
  arbitraryBytes,
  caught,
  datatypeText,
  dimension,
  expectWellFormed,
  headerLengthValue,
  mutatedBytes,
  mutatedJsonText,
  RUNS,
  resultOrKServeError,
  runs,
  TIMEOUT,
  truncations,
  utf8,
} from "./support.js";

type Key = "inputs" | "outputs";

interface RealBody {
  name: string;
  key: Key;
  bytes: Uint8Array;
  headerLength: number | undefined;
}

function real(name: string, side: "request" | "response", key: Key): RealBody {
  const message = kserveFixture(name)[side];
  const length = message.headers["inference-header-content-length"];
  return {
    name: `${name} ${side}`,
    key,
    bytes: bodyBytes(message.body),
    headerLength: length === undefined ? undefined : Number(length),
  };
}

/** Every captured body the framing decoder reads: binary answers, binary requests (the mock server's side), JSON ones. */
const BODIES: RealBody[] = [
  real("v2-infer-binary-out", "response", "outputs"),
  real("v2-infer-binary-out", "request", "inputs"),
  real("v2-infer-binary-in-json-out", "request", "inputs"),
  real("v2-binary-without-header", "request", "inputs"),
  real("v2-infer-json", "response", "outputs"),
  real("v2-infer-json", "request", "inputs"),
  real("v2-infer-binary-in-json-out", "response", "outputs"),
  real("v2-fp16-json-rejected", "request", "inputs"),
];

/** The header length `decodeTensorBody` is told, as the client passes it: the header's text, or absent. */
const lengthFor = (body: RealBody, bytes: Uint8Array) =>
  headerLengthValue(body.headerLength ?? bytes.length, bytes.length);

function decode(bytes: Uint8Array, key: Key, headerLength: string | number | undefined) {
  const decoded = resultOrKServeError(() => decodeTensorBody(bytes, { key, headerLength }));
  if (decoded !== undefined) {
    for (const tensor of decoded.tensors) expectWellFormed(tensor);
    // A success is what the header says, read independently: names, datatypes, shapes, each section's bytes.
    expectAsHeaderSays(bytes, headerLength, key, decoded);
  }
  return decoded;
}

describe(`decodeTensorBody (binary framing), ${RUNS} cases per property`, () => {
  it("decodes every unmutated captured body (the mutations start from valid input)", () => {
    // The one captured without its header length is refused (binary_data_size needs it), as the server refused it.
    for (const body of BODIES) {
      const run = () => decodeTensorBody(body.bytes, { key: body.key, headerLength: body.headerLength });
      if (body.name.startsWith("v2-binary-without-header")) expect(run).toThrow(ProtocolError);
      else for (const tensor of run().tensors) expectWellFormed(tensor);
    }
  });

  it("arbitrary bytes with arbitrary header lengths", { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(
        arbitraryBytes,
        fc.constantFrom<Key>("inputs", "outputs"),
        fc.option(fc.oneof(fc.nat(100), fc.string({ maxLength: 6 }))),
        (bytes, key, headerLength) => {
          decode(bytes, key, headerLength ?? undefined);
        },
      ),
      runs(),
    );
  });

  it("byte-level mutations of real bodies (bit flips, overwrites, insertions, deletions, cuts)", {
    timeout: TIMEOUT,
  }, () => {
    const arb = fc
      .constantFrom(...BODIES)
      .chain((body) =>
        mutatedBytes(body.bytes).chain((bytes) =>
          fc.tuple(fc.constant(body), fc.constant(bytes), lengthFor(body, bytes)),
        ),
      );
    fc.assert(
      fc.property(arb, ([body, bytes, headerLength]) => {
        decode(bytes, body.key, headerLength);
      }),
      runs(),
    );
  });

  it("real bodies cut at every position class, with their header length kept or altered", { timeout: TIMEOUT }, () => {
    const arb = fc
      .constantFrom(...BODIES)
      .chain((body) =>
        truncations(body.bytes).chain((bytes) =>
          fc.tuple(fc.constant(body), fc.constant(bytes), lengthFor(body, bytes)),
        ),
      );
    fc.assert(
      fc.property(arb, ([body, bytes, headerLength]) => {
        decode(bytes, body.key, headerLength);
      }),
      runs(),
    );
  });

  it("token-level mutations of real JSON headers (swapped tokens, respelled numbers), tail kept", {
    timeout: TIMEOUT,
  }, () => {
    const arb = fc.constantFrom(...BODIES).chain((body) => {
      const end = body.headerLength ?? body.bytes.length;
      const header = new TextDecoder().decode(body.bytes.subarray(0, end));
      const tail = body.bytes.subarray(end);
      return mutatedJsonText(header).chain((text) => {
        const head = utf8.encode(text);
        const bytes = concat([head, tail]);
        // Mostly the framing the mutated header really has; sometimes the stale or an arbitrary one.
        const length = fc.oneof(
          {
            weight: 3,
            arbitrary: fc.constant(
              tail.length > 0 || body.headerLength !== undefined ? String(head.length) : undefined,
            ),
          },
          { weight: 1, arbitrary: headerLengthValue(end, bytes.length) },
        );
        return fc.tuple(fc.constant(body), fc.constant(bytes), length);
      });
    });
    fc.assert(
      fc.property(arb, ([body, bytes, headerLength]) => {
        decode(bytes, body.key, headerLength);
      }),
      runs(),
    );
  });

  it("generated bodies: binary_data_size, shape, datatype and tail in agreement or not; a success returns the tail's bytes", {
    timeout: TIMEOUT,
  }, () => {
    fc.assert(
      fc.property(generatedBody, ({ bytes, headerLength, sections }) => {
        const decoded = decode(bytes, "outputs", headerLength);
        if (decoded === undefined) return;
        // Sections that decoded are exactly the tail's bytes, in order: nothing shifted, dropped or reinterpreted.
        expect(decoded.tensors.length).toBe(sections.length);
        decoded.tensors.forEach((tensor, i) => {
          const section = sections[i];
          if (section !== undefined) expect(Buffer.from(tensorToBytes(tensor)).equals(Buffer.from(section))).toBe(true);
        });
      }),
      runs(),
    );
  });

  it("a consistent generated body always decodes, to exactly the tensors and fields generated", () => {
    let valid = 0;
    fc.assert(
      fc.property(generatedBody, ({ bytes, headerLength, consistent, sections }) => {
        if (!consistent) return;
        valid++;
        const decoded = decodeTensorBody(bytes, { key: "outputs", headerLength });
        expectAsHeaderSays(bytes, headerLength, "outputs", decoded);
        decoded.tensors.forEach((tensor, i) => {
          expectWellFormed(tensor);
          expect(tensor.parameters).toBeUndefined();
          // A JSON output was generated as zeros (false, "" for BOOL and BYTES): all its bytes are 0.
          if (sections[i] === undefined) expect(tensorToBytes(tensor).every((b) => b === 0)).toBe(true);
        });
      }),
      runs(Math.min(RUNS, 500)),
    );
    expect(valid).toBeGreaterThan(0);
  });
});

describe("decodeTensorBody on declared huge shapes: a ProtocolError at once, nothing allocated for the shape", () => {
  const cases: { datatype: string; shape: unknown[]; size: number }[] = [
    { datatype: "FP32", shape: [1e12], size: 4 },
    { datatype: "FP32", shape: [2 ** 53 - 1], size: 8 },
    { datatype: "INT64", shape: [1e6, 1e6], size: 16 },
    { datatype: "BYTES", shape: [1e12], size: 4 },
    { datatype: "BYTES", shape: [2 ** 31], size: 8 },
    { datatype: "BOOL", shape: [4294967296], size: 1 },
    { datatype: "FP64", shape: [2 ** 53], size: 8 },
    { datatype: "UINT8", shape: [1e300], size: 1 },
    { datatype: "FP16", shape: [-1], size: 2 },
  ];
  it.each(cases)("$datatype $shape with a $size-byte section", ({ datatype, shape, size }) => {
    const header = utf8.encode(
      JSON.stringify({ outputs: [{ name: "o", datatype, shape, parameters: { binary_data_size: size } }] }),
    );
    const bytes = concat([header, new Uint8Array(size)]);
    const before = process.memoryUsage().arrayBuffers;
    const started = performance.now();
    const error = caught(() => decodeTensorBody(bytes, { key: "outputs", headerLength: header.length }));
    expect(error).toBeInstanceOf(ProtocolError);
    expect(performance.now() - started).toBeLessThan(100);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });

  it("the same shapes as JSON data of one element", () => {
    for (const { datatype, shape } of cases) {
      const bytes = utf8.encode(JSON.stringify({ outputs: [{ name: "o", datatype, shape, data: [1] }] }));
      const error = caught(() => decodeTensorBody(bytes, { key: "outputs" }));
      expect(isKServeError(error), `${datatype} ${JSON.stringify(shape)}`).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Generated bodies

interface GeneratedBody {
  bytes: Uint8Array;
  headerLength: string | number | undefined;
  /** Each output's binary section as written (undefined for a JSON one). */
  sections: (Uint8Array | undefined)[];
  /** True when every part agrees with every other: the body must decode. */
  consistent: boolean;
}

interface EntryPlan {
  name: unknown;
  datatype: string;
  shape: unknown;
  binary: boolean;
  /** Added to the right binary_data_size (0 keeps it right). */
  sizeDelta: number;
  /** A binary_data_size that is not a size at all, instead of the number. */
  oddSize: unknown;
  /** Also sends `data` next to binary_data_size. */
  alsoData: boolean;
  seed: Uint8Array;
  strings: Uint8Array[];
}

const entryPlan: fc.Arbitrary<EntryPlan> = fc.record({
  name: fc.oneof({ weight: 8, arbitrary: fc.constantFrom("output-0", "o", "é") }, fc.constantFrom("", null, 7, ["o"])),
  datatype: datatypeText,
  shape: fc.oneof(
    { weight: 10, arbitrary: fc.array(dimension, { maxLength: 3 }) },
    fc.constantFrom(null, "3", {}, [[3]], 3),
  ),
  binary: fc.boolean(),
  sizeDelta: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, fc.integer({ min: -9, max: 9 })),
  oddSize: fc.oneof(
    { weight: 12, arbitrary: fc.constant(undefined) },
    fc.constantFrom(-1, 1.5, "24", null, true, 2 ** 53, 1e300, [], {}),
  ),
  alsoData: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, fc.constant(true)),
  seed: fc.uint8Array({ maxLength: 64 }),
  strings: fc.array(fc.uint8Array({ maxLength: 6 }), { maxLength: 8 }),
});

/** Bytes of `count` BYTES elements, length-prefixed, cycling through `strings`. */
function bytesSection(count: number, strings: Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const s = strings.length === 0 ? new Uint8Array(0) : strings[i % strings.length]!;
    const prefix = new Uint8Array(4);
    new DataView(prefix.buffer).setUint32(0, s.length, true);
    parts.push(prefix, s);
  }
  return concat(parts);
}

function plannedSection(plan: EntryPlan): { bytes: Uint8Array; right: boolean } {
  const shape = plan.shape;
  const count =
    Array.isArray(shape) && shape.every((d) => typeof d === "number" && Number.isSafeInteger(d) && d >= 0)
      ? (shape as number[]).reduce((a, b) => a * b, 1)
      : -1;
  const datatype = plan.datatype;
  let right: Uint8Array | undefined;
  if (isDatatype(datatype) && count >= 0 && count <= 256) {
    right =
      datatype === "BYTES" ? bytesSection(count, plan.strings) : repeat(plan.seed, count * elementByteSize(datatype)!);
    // BOOL bytes must be 0 or 1.
    if (datatype === "BOOL") right = right.map((b) => b & 1);
  }
  const base = right ?? repeat(plan.seed, plan.seed.length);
  const size = Math.max(0, base.length + plan.sizeDelta);
  const bytes = size <= base.length ? base.subarray(0, size) : concat([base, repeat(plan.seed, size - base.length)]);
  return { bytes, right: right !== undefined && plan.sizeDelta === 0 };
}

function repeat(seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = seed.length === 0 ? i & 0xff : seed[i % seed.length]!;
  return out;
}

const generatedBody: fc.Arbitrary<GeneratedBody> = fc
  .record({
    plans: fc.array(entryPlan, { maxLength: 4 }),
    tailExtra: fc.oneof(
      { weight: 8, arbitrary: fc.constant(new Uint8Array(0)) },
      fc.uint8Array({ minLength: 1, maxLength: 4 }),
    ),
    lengthMode: fc.oneof(
      { weight: 6, arbitrary: fc.constant("right" as const) },
      fc.constantFrom("absent" as const, "off" as const, "text" as const),
    ),
    lengthOff: fc.integer({ min: -4, max: 4 }),
    fields: fc.dictionary(
      fc.constantFrom("model_name", "id", "parameters", "__proto__", "model_version"),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 3 },
    ),
  })
  .map(({ plans, tailExtra, lengthMode, lengthOff, fields }) => {
    const sections: (Uint8Array | undefined)[] = [];
    let consistent = tailExtra.length === 0 && lengthMode === "right";
    const outputs = plans.map((plan) => {
      const shapeOk =
        Array.isArray(plan.shape) &&
        plan.shape.every((d) => typeof d === "number" && Number.isSafeInteger(d) && d >= 0 && !Object.is(d, -0));
      const nameOk = typeof plan.name === "string" && plan.name !== "";
      if (!plan.binary) {
        // A JSON tensor: one zero per element, or a deliberately wrong count.
        const count = shapeOk ? (plan.shape as number[]).reduce((a, b) => a * b, 1) : 1;
        const n = count <= 256 ? Math.max(0, count + plan.sizeDelta) : 1;
        const zero = plan.datatype === "BYTES" ? "" : plan.datatype === "BOOL" ? false : 0;
        if (!(nameOk && shapeOk && isDatatype(plan.datatype) && plan.sizeDelta === 0 && count <= 256))
          consistent = false;
        sections.push(undefined);
        return { name: plan.name, datatype: plan.datatype, shape: plan.shape, data: new Array(n).fill(zero) };
      }
      const { bytes, right } = plannedSection(plan);
      const size = plan.oddSize === undefined ? bytes.length : plan.oddSize;
      if (!(nameOk && shapeOk && right && plan.oddSize === undefined && !plan.alsoData)) consistent = false;
      sections.push(bytes);
      return {
        name: plan.name,
        datatype: plan.datatype,
        shape: plan.shape,
        parameters: { binary_data_size: size },
        ...(plan.alsoData ? { data: [0] } : {}),
      };
    });
    const header = utf8.encode(JSON.stringify({ ...fields, outputs }));
    const tail = concat([...sections.filter((s): s is Uint8Array => s !== undefined), tailExtra]);
    const bytes = concat([header, tail]);
    const headerLength =
      lengthMode === "right"
        ? String(header.length)
        : lengthMode === "absent"
          ? undefined
          : lengthMode === "off"
            ? header.length + lengthOff
            : `${header.length}x`;
    // Without a tail, the right length and no length at all are both right.
    return { bytes, headerLength, sections, consistent };
  });
