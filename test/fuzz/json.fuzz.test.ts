/**
 * Fuzzing the lossless JSON decoder: `parseJson` (and `parseJsonText` with packed integers, the form the tensor
 * decoder asks for) and `tensorFromJson` on what it returns. Besides "a result or a KServeError", the results are
 * checked against independent oracles: `JSON.parse` on the same text (same value; bigint only for integers beyond
 * 2^53, equal to JSON.parse's rounding of them), a model the text was written from (every integer exact), and the
 * literal each tensor element was spelled with (kept exactly, or refused when it does not fit the datatype).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeTensorBody,
  isDatatype,
  isKServeError,
  parseJson,
  ProtocolError,
  stringifyJson,
  type Tensor,
  tensorFromJson,
} from "../../src/tensor/index.js";
import { parseJsonText } from "../../src/tensor/json-parse.js";
import { PackedIntegers, unpackAll } from "../../src/tensor/packed.js";
import { bf16FromNumber, bf16ToNumber, fp16FromNumber, fp16ToNumber } from "../../src/tensor/float16.js";
import { kserveFixture } from "../fixtures.js";
import {
  arbitraryText,
  datatypeText,
  expectWellFormed,
  mutatedJsonText,
  NUMBER_TOKENS,
  RUNS,
  resultOrKServeError,
  runs,
  TIMEOUT,
  utf8,
} from "./support.js";

const FIXTURES = [
  "v1-explain-unsupported",
  "v1-list-models",
  "v1-model-ready",
  "v1-predict",
  "v1-unknown-model",
  "v2-binary-without-header",
  "v2-fp16-json-rejected",
  "v2-infer-binary-in-json-out",
  "v2-infer-json",
  "v2-live",
  "v2-missing-inputs-422",
  "v2-model-error-500",
  "v2-model-metadata",
  "v2-model-ready",
  "v2-ready",
  "v2-server-metadata",
  "v2-unknown-model",
  "v2-versioned-path-501",
];

/** Every JSON text captured from KServe 0.14.1, requests and answers. */
const TEXTS = FIXTURES.flatMap((name) => {
  const { request, response } = kserveFixture(name);
  return [request.body, response.body].flatMap((body) =>
    body !== undefined && body !== null && "text" in body && body.text.trim() !== "" ? [body.text] : [],
  );
});

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The depth of nesting of a JSON value (a scalar is 0). */
function depth(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v !== null && typeof v === "object") {
      max = Math.max(max, d + 1);
      for (const child of Object.values(v as object)) stack.push([child, d + 1]);
    }
  }
  return max;
}

/**
 * `ours` (parseJson) is the value `theirs` (JSON.parse) is, except that integers beyond ±(2^53 - 1) may be bigint,
 * and then exactly the integer JSON.parse rounded. Returns a description of the first difference, or undefined.
 */
function differs(ours: unknown, theirs: unknown, path = "$"): string | undefined {
  if (typeof ours === "bigint") {
    if (ours >= -MAX_SAFE && ours <= MAX_SAFE) return `${path}: safe integer ${ours} came back as a bigint`;
    return typeof theirs === "number" && Number(ours) === theirs
      ? undefined
      : `${path}: ${ours}n versus ${String(theirs)}`;
  }
  if (typeof ours === "number")
    return Object.is(ours, theirs) ? undefined : `${path}: ${ours} versus ${String(theirs)}`;
  if (ours === null || typeof ours !== "object")
    return ours === theirs ? undefined : `${path}: ${String(ours)} versus ${String(theirs)}`;
  if (ours instanceof PackedIntegers) return `${path}: PackedIntegers escaped parseJson`;
  if (Array.isArray(ours)) {
    if (!Array.isArray(theirs) || theirs.length !== ours.length)
      return `${path}: array versus ${JSON.stringify(theirs)?.slice(0, 40)}`;
    for (let i = 0; i < ours.length; i++) {
      const d = differs(ours[i], theirs[i], `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (theirs === null || typeof theirs !== "object" || Array.isArray(theirs))
    return `${path}: object versus ${String(theirs)}`;
  const a = Object.keys(ours);
  const b = Object.keys(theirs);
  if (a.join("\u0000") !== b.join("\u0000")) return `${path}: keys ${JSON.stringify(a)} versus ${JSON.stringify(b)}`;
  if (Object.getPrototypeOf(ours) !== Object.prototype) return `${path}: the object's prototype was changed`;
  for (const key of a) {
    const d = differs(
      (ours as Record<string, unknown>)[key],
      (theirs as Record<string, unknown>)[key],
      `${path}.${key}`,
    );
    if (d !== undefined) return d;
  }
  return undefined;
}

/** The differential property: parseJson agrees with JSON.parse wherever JSON.parse has an answer. */
function agreesWithJsonParse(text: string): void {
  let theirs: unknown;
  let native = true;
  try {
    theirs = JSON.parse(text);
  } catch {
    native = false;
  }
  const started = performance.now();
  let ours: unknown;
  let error: unknown;
  try {
    ours = parseJson(text);
  } catch (e) {
    error = e;
  }
  expect(performance.now() - started).toBeLessThan(2000);
  if (error !== undefined) {
    if (!isKServeError(error)) throw error;
    expect(error).toBeInstanceOf(ProtocolError);
    // Refusing what JSON.parse accepts is only allowed for nesting past the documented 512 levels.
    if (native)
      expect(
        depth(theirs),
        `parseJson refused JSON that JSON.parse reads: ${(error as Error).message}`,
      ).toBeGreaterThan(512);
    return;
  }
  if (!native) {
    // Beyond JSON, only the bare NaN / Infinity tokens Triton writes are accepted.
    expect(
      /NaN|Infinity/.test(text),
      `parseJson accepted text JSON.parse refuses: ${JSON.stringify(text.slice(0, 80))}`,
    ).toBe(true);
    return;
  }
  const d = differs(ours, theirs);
  expect(d, `on ${JSON.stringify(text.slice(0, 120))}`).toBeUndefined();
  // The packed form the tensor decoder asks for unpacks to the very same value.
  const packed = parseJsonText(text, true);
  expect(differs(packed.packed ? unpackAll(packed.value) : packed.value, theirs)).toBeUndefined();
}

// ---------------------------------------------------------------------------------------------------------
// A model of JSON documents with exact integers, and the text written from it.

type Model = { n: number } | { big: bigint } | string | boolean | null | Model[] | { obj: [string, Model][] };

const INTERESTING_BIGINTS = [
  0n,
  1n,
  -1n,
  MAX_SAFE,
  MAX_SAFE + 1n,
  MAX_SAFE + 2n,
  -MAX_SAFE,
  -MAX_SAFE - 1n,
  -MAX_SAFE - 2n,
  2n ** 63n - 1n,
  2n ** 63n,
  -(2n ** 63n),
  -(2n ** 63n) - 1n,
  2n ** 64n - 1n,
  2n ** 64n,
  -(2n ** 64n),
  10n ** 15n,
  10n ** 15n - 1n,
  10n ** 16n,
  10n ** 19n,
  10n ** 20n - 1n,
  10n ** 20n,
  10n ** 25n,
];

const bigLeaf = fc
  .oneof(
    fc.constantFrom(...INTERESTING_BIGINTS),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
    fc.bigInt({ min: -(10n ** 22n), max: 10n ** 22n }),
    fc.bigInt({ min: -(2n ** 20n), max: 2n ** 20n }),
  )
  .map((big) => ({ big }));

const numberLeaf = fc
  .oneof(fc.double(), fc.integer(), fc.constantFrom(-0, 0.1, 1e21, 1e-7, 2 ** 53, 2 ** 60, -(2 ** 63), 5e-324))
  .map((n) => ({ n }));

const { model } = fc.letrec<{ model: Model; leaf: Model }>((tie) => ({
  leaf: fc.oneof(
    { weight: 3, arbitrary: bigLeaf },
    { weight: 2, arbitrary: numberLeaf },
    fc.string({ maxLength: 6 }),
    fc.boolean(),
    fc.constant(null),
  ),
  model: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 3, arbitrary: tie("leaf") },
    { weight: 2, arbitrary: fc.array(bigLeaf, { maxLength: 40 }) }, // all-integer arrays: the packed fast path
    fc.array(tie("model"), { maxLength: 5 }),
    fc
      .array(
        fc.tuple(fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom("__proto__", "0", "constructor")), tie("model")),
        { maxLength: 4 },
      )
      .map((entries) => ({
        obj: entries.filter(([k], i) => entries.findIndex(([k2]) => k2 === k) === i),
      })),
  ),
}));

/** Whitespace between tokens, cycled through. */
const WS = ["", "", "", " ", "\n", "\t ", "\r\n  "];

/** The text of `m` and the value parseJson must give for it. */
function write(m: Model, ws: () => string): [string, unknown] {
  if (m === null || typeof m !== "object") return [JSON.stringify(m), m];
  if (Array.isArray(m)) {
    const parts = m.map((x) => write(x, ws));
    return [`[${ws()}${parts.map(([t]) => t).join(`${ws()},${ws()}`)}${ws()}]`, parts.map(([, v]) => v)];
  }
  if ("obj" in m) {
    const expected: Record<string, unknown> = {};
    const parts = m.obj.map(([k, v]) => {
      const [t, e] = write(v, ws);
      Object.defineProperty(expected, k, { value: e, enumerable: true, writable: true, configurable: true });
      return `${JSON.stringify(k)}${ws()}:${ws()}${t}`;
    });
    return [`{${ws()}${parts.join(`,${ws()}`)}${ws()}}`, expected];
  }
  if ("big" in m) return [m.big.toString(), m.big >= -MAX_SAFE && m.big <= MAX_SAFE ? Number(m.big) : m.big];
  const x = m.n;
  if (Number.isNaN(x)) return ["NaN", NaN];
  if (x === Infinity) return ["Infinity", Infinity];
  if (x === -Infinity) return ["-Infinity", -Infinity];
  const literal = Object.is(x, -0) ? "-0" : String(x);
  // A double that prints as an integer literal beyond 2^53 (String(2 ** 60)) is read back as that exact integer.
  return [literal, /^-?\d+$/.test(literal) && !Number.isSafeInteger(x) ? BigInt(literal) : x];
}

const writtenDocument = fc
  .tuple(model, fc.array(fc.constantFrom(...WS), { minLength: 1, maxLength: 8 }), fc.constantFrom(0, 0, 4090, 5000))
  .map(([m, spaces, pad]) => {
    let k = 0;
    const ws = () => spaces[k++ % spaces.length]!;
    const [text, expected] = write(m, ws);
    // A long string first pushes the integers past the 4 KiB the fast path peeks at, where JSON.parse runs first.
    if (pad === 0) return { text, expected };
    return { text: `{"pad":"${"p".repeat(pad)}","v":${text}}`, expected: { pad: "p".repeat(pad), v: expected } };
  });

/** Exact equality for the model check: numbers by Object.is, bigints by value, containers element by element. */
function exactlyEqual(a: unknown, b: unknown): boolean {
  if (typeof a === "number" || typeof b === "number") return Object.is(a, b);
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every(
      (k, i) => k === kb[i] && exactlyEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}

describe(`parseJson (lossless JSON), ${RUNS} cases per property`, () => {
  it("arbitrary text: a result or a ProtocolError, and the same value as JSON.parse where that reads it", {
    timeout: TIMEOUT,
  }, () => {
    fc.assert(fc.property(arbitraryText, agreesWithJsonParse), runs());
  });

  it("arbitrary JSON values as JSON.stringify writes them, cut anywhere", { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.nat(), (value, cut) => {
        const text = JSON.stringify(value);
        agreesWithJsonParse(text);
        agreesWithJsonParse(text.slice(0, cut % (text.length + 1)));
      }),
      runs(),
    );
  });

  it("token-level mutations of every captured KServe JSON body", { timeout: TIMEOUT }, () => {
    fc.assert(fc.property(fc.constantFrom(...TEXTS).chain(mutatedJsonText), agreesWithJsonParse), runs());
  });

  it("documents with integers of every size: each integer comes back exact (bigint beyond 2^53), packed or not", {
    timeout: TIMEOUT,
  }, () => {
    fc.assert(
      fc.property(writtenDocument, ({ text, expected }) => {
        const value = resultOrKServeError(() => parseJson(text));
        expect(value === undefined ? "refused" : exactlyEqual(value, expected), text.slice(0, 200)).toBe(true);
        const packed = parseJsonText(text, true);
        expect(exactlyEqual(packed.packed ? unpackAll(packed.value) : packed.value, expected)).toBe(true);
      }),
      runs(),
    );
  });

  it("nesting at and past the limit, and far past it, never overflows the stack; both parsing paths draw the limit alike", {
    timeout: TIMEOUT,
  }, () => {
    for (const n of [511, 512, 513, 514, 1000, 5000, 100_000]) {
      for (const [open, close] of [
        ["[", "]"],
        ['{"a":', "}"],
      ] as const) {
        for (const inner of ["1", '"s"', "[]"]) {
          const text = `${open.repeat(n)}${inner}${close.repeat(n)}`;
          // A long integer first sends the same nesting to the exact parser rather than JSON.parse.
          const outcomes = [text, `[12345678901234567890,${text}]`, `[1,${text}]`].map(
            (t) => resultOrKServeError(() => parseJson(t)) !== undefined,
          );
          expect(outcomes[1], `${n} × ${open} around ${inner}`).toBe(outcomes[2]);
          if (n <= 511) expect(outcomes).toEqual([true, true, true]);
          if (n >= 514) expect(outcomes).toEqual([false, false, false]);
          resultOrKServeError(() => parseJson(open.repeat(n)));
        }
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Both parsing paths against JSON.parse, and the writer against JSON.stringify and the reader

/** 2^53 + 1, a 16-digit integer: any text holding it goes to the exact parser rather than JSON.parse. */
const LONG = "9007199254740993";

/**
 * `text` (standard JSON that JSON.parse reads exactly) read by parseJson alone, which mostly takes the JSON.parse
 * path, and next to a long integer or a bare NaN, which send it to the exact parser: each the same as JSON.parse.
 */
function agreesOnBothPaths(text: string): void {
  const theirs: unknown = JSON.parse(text);
  expect(differs(parseJson(text), theirs), text.slice(0, 120)).toBeUndefined();
  for (const [forced, at] of [
    [`[${text},${LONG}]`, 0],
    [`[NaN,\n${text}\t]`, 1],
    [`{"a":${LONG},"b":${text}}`, "b"],
  ] as const) {
    const ours = parseJson(forced) as Record<string | number, unknown>;
    expect(differs(ours[at], theirs), forced.slice(0, 120)).toBeUndefined();
    // And the packed form the tensor decoder asks for, unpacked.
    const packed = parseJsonText(forced, true);
    const unpacked = (packed.packed ? unpackAll(packed.value) : packed.value) as Record<string | number, unknown>;
    expect(differs(unpacked[at], theirs), forced.slice(0, 120)).toBeUndefined();
  }
}

/** Integers within ±(2^53 - 1), and arrays of them long and short: the exact parser's fast path. */
const safeInteger = fc.oneof(
  fc.integer(),
  fc.maxSafeInteger(),
  fc.constantFrom(0, -1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 999_999_999_999_999, 1e15),
);
const safeIntegers = fc.oneof(
  fc.array(safeInteger, { maxLength: 10 }),
  fc.array(safeInteger, { minLength: 30, maxLength: 140 }), // past the fast path's first buffer of 32
);

/** A JSON value with bigints beyond ±(2^53 - 1), as parseJson returns them: the writer's output must read back as it. */
const { exactValue } = fc.letrec<{ exactValue: unknown; exactLeaf: unknown }>((tie) => ({
  exactLeaf: fc.oneof(
    { weight: 2, arbitrary: bigLeaf.map(({ big }) => (big >= -MAX_SAFE && big <= MAX_SAFE ? Number(big) : big)) },
    // Doubles that String writes as a float or with an exponent (an integral double past 2^53 would read as bigint).
    fc
      .double({ noNaN: true, noDefaultInfinity: true })
      .filter((x) => !Object.is(x, -0) && (Number.isSafeInteger(x) || !/^-?\d+$/.test(String(x)))),
    fc.string({ maxLength: 6 }),
    fc.boolean(),
    fc.constant(null),
  ),
  exactValue: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 3, arbitrary: tie("exactLeaf") },
    fc.array(tie("exactValue"), { maxLength: 5 }),
    fc
      .array(
        bigLeaf.map(({ big }) => big),
        { maxLength: 40 },
      )
      .map((a) => a.map((b) => (b >= -MAX_SAFE && b <= MAX_SAFE ? Number(b) : b))),
    fc
      .array(fc.tuple(fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom("__proto__", "0")), tie("exactValue")), {
        maxLength: 4,
      })
      .map((entries) => {
        const o: Record<string, unknown> = {};
        for (const [k, v] of entries)
          Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
        return o;
      }),
  ),
}));

/** JSON.stringify with each bigint written as its digits: an independent writer of what stringifyJson must write. */
function stringifyWithBigints(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? `\u0000${v}\u0000` : v)).replace(
    /"\\u0000(-?\d+)\\u0000"/g,
    "$1",
  );
}

describe(`parseJson and stringifyJson against JSON.parse and JSON.stringify, ${RUNS} cases per property`, () => {
  it("JSON values read the same on the JSON.parse path and on the exact parser's (a long integer or NaN beside them)", {
    timeout: TIMEOUT,
  }, () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.boolean(), (value, indent) => {
        agreesOnBothPaths(JSON.stringify(value, null, indent ? 2 : undefined));
      }),
      runs(),
    );
  });

  it("integer arrays of every length read the same on both paths (the exact parser's fast path and its growth)", {
    timeout: TIMEOUT,
  }, () => {
    fc.assert(
      fc.property(safeIntegers, fc.constantFrom(",", ", ", " ,\n"), (values, comma) => {
        agreesOnBothPaths(`[${values.join(comma)}]`);
        agreesOnBothPaths(`{"data":[${values.join(comma)}],"n":${values.length}}`);
      }),
      runs(),
    );
  });

  it("stringifyJson writes what JSON.stringify writes, for values without bigint (toJSON, boxes, holes, undefined)", {
    timeout: TIMEOUT,
  }, () => {
    fc.assert(
      fc.property(
        fc.anything({
          maxDepth: 3,
          withBoxedValues: true,
          withDate: true,
          withSparseArray: true,
          withNullPrototype: true,
          withObjectString: true,
          withTypedArray: true,
          values: [
            fc.double(),
            fc.integer(),
            fc.constantFrom(NaN, Infinity, -Infinity, -0),
            fc.string({ maxLength: 6 }),
            fc.boolean(),
            fc.constant(null),
            fc.constant(undefined),
            // toJSON, called with the value's key; what it returns is written in its place.
            fc.string({ maxLength: 3 }).map((s) => ({ toJSON: (key: string) => (s ? `${s}${key}` : undefined) })),
          ],
        }),
        (value) => {
          expect(stringifyJson(value)).toBe(JSON.stringify(value) ?? "null");
        },
      ),
      runs(),
    );
  });

  it("stringifyJson writes bigints as their digits and the rest as JSON.stringify does; parseJson reads it all back exactly", {
    timeout: TIMEOUT,
  }, () => {
    fc.assert(
      fc.property(exactValue, (value) => {
        const text = stringifyJson(value);
        expect(text).toBe(stringifyWithBigints(value));
        expect(exactlyEqual(parseJson(text), value), text.slice(0, 200)).toBe(true);
        const packed = parseJsonText(text, true);
        expect(exactlyEqual(packed.packed ? unpackAll(packed.value) : packed.value, value)).toBe(true);
      }),
      runs(),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// FP16 and BF16: bit patterns to numbers and back

describe(`FP16 and BF16 round trips, ${RUNS} cases per property`, () => {
  it.each([
    ["FP16", fp16FromNumber, fp16ToNumber, 0x7e00],
    ["BF16", bf16FromNumber, bf16ToNumber, 0x7fc0],
  ] as const)(
    "%s: every bit pattern reads as a number that writes back to it (NaN to the canonical quiet NaN)",
    (_, from, to, nan) => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 0xffff }), (bits) => {
          const value = to(bits);
          if (Number.isNaN(value)) expect(from(value)).toBe(nan);
          else expect(from(value)).toBe(bits);
        }),
        runs(),
      );
    },
  );

  it.each([
    ["FP16", fp16FromNumber, fp16ToNumber],
    ["BF16", bf16FromNumber, bf16ToNumber],
  ] as const)("%s: rounding any number keeps its sign, is idempotent and monotonic", (_, from, to) => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.double({ noNaN: true }), (x, y) => {
        const bits = from(x);
        expect(bits).toBeGreaterThanOrEqual(0);
        expect(bits).toBeLessThanOrEqual(0xffff);
        const rounded = to(bits);
        expect(from(rounded)).toBe(bits);
        expect(rounded < 0 || Object.is(rounded, -0)).toBe(x < 0 || Object.is(x, -0));
        if (x <= y) expect(rounded <= to(from(y))).toBe(true);
      }),
      runs(),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// tensorFromJson: tensor objects whose data literals are respelled

/** A data element literal: the number tokens of the support module, bigints, and non-numbers. */
const elementLiteral = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      ...NUMBER_TOKENS.filter((t) => /^-?(\d+(\.\d+)?([eE][+-]?\d+)?|Infinity)$|^NaN$/.test(t)),
    ),
  },
  {
    weight: 3,
    arbitrary: fc.oneof(fc.integer({ min: -300, max: 300 }), fc.constantFrom(...INTERESTING_BIGINTS)).map(String),
  },
  {
    weight: 1,
    arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? "-0.0" : String(x))),
  },
  { weight: 1, arbitrary: fc.constantFrom("true", "false", "null", '"a"', '""', "[]", "{}", "[1]") },
);

interface TensorText {
  text: string;
  datatype: string;
  literals: string[];
}

const tensorText: fc.Arbitrary<TensorText> = fc
  .record({
    datatype: datatypeText,
    literals: fc.array(elementLiteral, { maxLength: 12 }),
    shapeMode: fc.constantFrom("flat", "flat", "nested", "wrong", "scalar"),
    extra: fc.integer({ min: -1, max: 1 }),
  })
  .map(({ datatype, literals, shapeMode, extra }) => {
    const n = literals.length;
    let shape: number[] = [n];
    let data = `[${literals.join(",")}]`;
    if (shapeMode === "nested" && n % 2 === 0 && n > 0) {
      shape = [2, n / 2];
      data = `[[${literals.slice(0, n / 2).join(",")}],[${literals.slice(n / 2).join(",")}]]`;
    } else if (shapeMode === "wrong") shape = [Math.max(0, n + extra)];
    else if (shapeMode === "scalar" && n === 1) shape = [];
    return {
      text: `{"name":"t","datatype":${JSON.stringify(datatype)},"shape":${JSON.stringify(shape)},"data":${data}}`,
      datatype,
      literals,
    };
  });

const INTEGER_RANGE: Record<string, [bigint, bigint]> = {
  INT8: [-128n, 127n],
  INT16: [-32768n, 32767n],
  INT32: [-(2n ** 31n), 2n ** 31n - 1n],
  INT64: [-(2n ** 63n), 2n ** 63n - 1n],
  UINT8: [0n, 255n],
  UINT16: [0n, 65535n],
  UINT32: [0n, 2n ** 32n - 1n],
  UINT64: [0n, 2n ** 64n - 1n],
};

/** A literal JSON (plus the bare NaN / ±Infinity tokens) spells as a number. */
const NUMBER_LITERAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$|^(?:NaN|-?Infinity)$/;

/** The element a literal must become in a tensor of `datatype`, or undefined if the literal must be refused. */
function expectedElement(datatype: string, literal: string): number | bigint | undefined {
  const range = INTEGER_RANGE[datatype];
  if (range !== undefined) {
    // Integers are taken exactly, from the literal; an integral float like 1e3 or 2.0 is accepted only while safe.
    let value: bigint | undefined;
    if (/^-?(?:0|[1-9]\d*)$/.test(literal)) value = BigInt(literal);
    else if (NUMBER_LITERAL.test(literal) && Number.isSafeInteger(Number(literal))) value = BigInt(Number(literal));
    if (value === undefined || value < range[0] || value > range[1]) return undefined;
    return value;
  }
  if (datatype === "BOOL") {
    // true/false, or a number equal to 1 or 0 (JSON has one number 1, however it is spelled: 1, 1.0, 1e0).
    if (literal === "true" || literal === "false") return literal === "true" ? 1 : 0;
    const x = NUMBER_LITERAL.test(literal) ? Number(literal) : NaN;
    return x === 1 || x === 0 ? x & 1 : undefined;
  }
  if (datatype === "FP64" || datatype === "FP32" || datatype === "FP16" || datatype === "BF16") {
    // KServe writes NaN as null; floats read it back as NaN.
    if (literal !== "null" && !NUMBER_LITERAL.test(literal)) return undefined;
    const x = literal === "null" ? NaN : Number(literal);
    if (datatype === "FP64") return x;
    if (datatype === "FP32") return Math.fround(x);
    return datatype === "FP16" ? fp16FromNumber(x) : bf16FromNumber(x);
  }
  return undefined;
}

function checkElements(tensor: Tensor, datatype: string, literals: string[]): void {
  const data = tensor.data as ArrayLike<number | bigint>;
  if (datatype === "BYTES") return;
  for (let i = 0; i < literals.length; i++) {
    const want = expectedElement(datatype, literals[i]!);
    expect(want, `${datatype} accepted ${literals[i]} at data[${i}]`).not.toBeUndefined();
    const got = data[i]!;
    if (typeof want === "bigint")
      expect(BigInt(got) === want, `${datatype} data[${i}] ${literals[i]} became ${got}`).toBe(true);
    else
      expect(
        Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want)),
        `${datatype} data[${i}] ${literals[i]} became ${got}`,
      ).toBe(true);
  }
}

describe(`tensorFromJson and the JSON path of decodeTensorBody, ${RUNS} cases per property`, () => {
  it("respelled data literals: every accepted element is the literal's exact value, every refused one a ProtocolError; both paths agree", {
    timeout: TIMEOUT,
  }, () => {
    fc.assert(
      fc.property(tensorText, ({ text, datatype, literals }) => {
        const parsed = resultOrKServeError(() => parseJson(text));
        const direct = parsed === undefined ? undefined : resultOrKServeError(() => tensorFromJson(parsed));
        // The same tensor inside a response body goes through the packed-integer path instead.
        const body = resultOrKServeError(() =>
          decodeTensorBody(utf8.encode(`{"model_name":"m","outputs":[${text}]}`), { key: "outputs" }),
        );
        const viaBody = body?.tensors[0];
        expect(
          direct === undefined,
          `tensorFromJson ${direct ? "accepted" : "refused"} but decodeTensorBody did not: ${text}`,
        ).toBe(viaBody === undefined);
        if (direct === undefined || viaBody === undefined) {
          // Refused: then some literal must not fit, or the shape must not match the data.
          return;
        }
        expectWellFormed(direct);
        expectWellFormed(viaBody);
        expect(viaBody.datatype).toBe(direct.datatype);
        expect(Array.from(viaBody.data as ArrayLike<unknown>)).toEqual(Array.from(direct.data as ArrayLike<unknown>));
        if (direct.data.length === literals.length) checkElements(direct, datatype, literals);
      }),
      runs(),
    );
  });

  it("data that fits is never refused (the refusals above are not blanket ones)", { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(tensorText, ({ text, datatype, literals }) => {
        const shapeMatches =
          /"shape":\[(\d+)\]/.exec(text)?.[1] === String(literals.length) ||
          /"shape":\[2,/.test(text) ||
          /"shape":\[\]/.test(text);
        const fits =
          shapeMatches &&
          isDatatype(datatype) &&
          datatype !== "BYTES" &&
          literals.every((l) => expectedElement(datatype, l) !== undefined);
        if (!fits) return;
        const tensor = tensorFromJson(parseJson(text));
        checkElements(tensor, datatype, literals);
      }),
      runs(),
    );
  });
});
