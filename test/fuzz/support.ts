/**
 * Shared pieces of the decoder fuzzers (issue 8): run counts and seed from the environment, the one property
 * every decoder must hold (a result or a KServeError, quickly), invariants of decoded tensors, and mutators
 * that turn a real captured body into near-valid variants.
 *
 * FUZZ_RUNS sets the cases per property (default 200, the sample in the default suite; `npm run test:fuzz`
 * uses 10,000); FUZZ_SEED replays a run (fast-check prints the seed and the shrunk counterexample on failure).
 */
import fc from "fast-check";
import { expect } from "vitest";
import {
  DATATYPES,
  type Datatype,
  elementByteSize,
  isDatatype,
  isKServeError,
  Tensor,
} from "../../src/tensor/index.js";

/** Each datatype's in-memory kind, written out here rather than taken from the code under test. */
const DATA_KIND: Record<Exclude<Datatype, "BYTES">, abstract new (...args: never[]) => ArrayBufferView> = {
  BOOL: Uint8Array,
  UINT8: Uint8Array,
  UINT16: Uint16Array,
  UINT32: Uint32Array,
  UINT64: BigUint64Array,
  INT8: Int8Array,
  INT16: Int16Array,
  INT32: Int32Array,
  INT64: BigInt64Array,
  FP16: Uint16Array,
  FP32: Float32Array,
  FP64: Float64Array,
  BF16: Uint16Array,
};

function envInt(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text.trim() === "") return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`${name} must be an integer, got ${JSON.stringify(text)}`);
  return n;
}

/** Cases per property. */
export const RUNS = Math.max(1, envInt("FUZZ_RUNS", 200));
/** The seed of every property (fixed by default, so a failure in CI replays locally). */
export const SEED = envInt("FUZZ_SEED", 0x6b73_7276);

/** fast-check parameters for one property. */
export function runs(numRuns = RUNS): fc.Parameters<unknown> {
  return { numRuns, seed: SEED, endOnFailure: false };
}

/** Vitest timeout for a property of `RUNS` cases (generous: a loaded CI machine runs several files at once). */
export const TIMEOUT = Math.max(20_000, RUNS * 12);

/** A single decoder call slower than this counts as a hang (every input here is at most a few KiB). */
const SLOW_MS = 2_000;

/**
 * The property: `fn` returns, or throws an error for which `isKServeError` is true; anything else (TypeError,
 * RangeError, a plain Error, a stack overflow) fails the case with the original error as its cause. A call that
 * takes seconds on a few KiB of input fails too (a near-hang: quadratic or worse work).
 *
 * @returns the result, or undefined when a KServeError was thrown
 */
export function resultOrKServeError<T>(fn: () => T): T | undefined {
  const started = performance.now();
  try {
    return fn();
  } catch (error) {
    if (!isKServeError(error)) {
      const shown = error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
      throw new Error(`expected a result or a KServeError, got ${shown}`, { cause: error });
    }
    return undefined;
  } finally {
    const ms = performance.now() - started;
    if (ms > SLOW_MS) throw new Error(`a decoder call took ${Math.round(ms)} ms on a small input`);
  }
}

/** What `fn` throws (undefined if it returns). */
export function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** The same for async entry points. */
export async function resultOrKServeErrorAsync<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    if (!isKServeError(error)) {
      const shown = error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
      throw new Error(`expected a result or a KServeError, got ${shown}`, { cause: error });
    }
    return undefined;
  }
}

/**
 * What every decoded tensor must be, whatever the input: a Tensor with a non-empty name, a known datatype, a
 * shape of non-negative safe integers, data of the datatype's own kind holding exactly numel(shape) elements,
 * BOOL bytes 0 or 1. A decoder that returns anything else returned wrong data.
 */
export function expectWellFormed(tensor: Tensor): void {
  expect(tensor).toBeInstanceOf(Tensor);
  expect(typeof tensor.name === "string" && tensor.name.length > 0).toBe(true);
  expect(isDatatype(tensor.datatype)).toBe(true);
  let count = 1;
  for (const dim of tensor.shape) {
    expect(Number.isSafeInteger(dim) && dim >= 0).toBe(true);
    count *= dim;
  }
  const data = tensor.data as ArrayLike<unknown>;
  expect(data.length).toBe(count);
  if (tensor.datatype === "BYTES") {
    expect(Array.isArray(data)).toBe(true);
    for (let i = 0; i < data.length; i++) expect(data[i]).toBeInstanceOf(Uint8Array);
  } else {
    expect(data).toBeInstanceOf(DATA_KIND[tensor.datatype]);
    expect((data as unknown as ArrayBufferView).byteLength).toBe(count * elementByteSize(tensor.datatype)!);
  }
  if (tensor.datatype === "BOOL")
    for (let i = 0; i < data.length; i++) expect(data[i] === 0 || data[i] === 1).toBe(true);
}

// ---------------------------------------------------------------------------------------------------------
// Arbitraries

/** Datatype strings: every real one, near misses (case, spaces, Triton-only names) and arbitrary text. */
export const datatypeText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...DATATYPES) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "fp32",
      "Fp32",
      " FP32",
      "FP32 ",
      "INT128",
      "FP8",
      "STRING",
      "BYTE",
      "",
      "__proto__",
      "constructor",
      "toString",
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);

/**
 * A dimension: mostly small, sometimes 0, huge (1e12, 2^53 - 1, 2^53), negative, fractional or not a number
 * at all. Decoders must refuse the impossible ones and never allocate for the huge ones.
 */
export const dimension: fc.Arbitrary<number> = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 4 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(1e12, 2 ** 32, 2 ** 31, 2 ** 53 - 1, 2 ** 53, 1e300, -1, -0, 0.5, NaN, Infinity),
  },
);

/** Number spellings that stress an exact JSON parser and every range check after it. */
export const NUMBER_TOKENS = [
  "0",
  "-0",
  "-0.0",
  "1",
  "-1",
  "2",
  "3",
  "24",
  "48",
  "166",
  "0.5",
  "1.5",
  "-1.5",
  "1e3",
  "1E+2",
  "1e-7",
  "1e400",
  "-1e400",
  "255",
  "256",
  "-129",
  "65536",
  "2147483648",
  "4294967296",
  "-2147483649",
  "9007199254740991",
  "9007199254740992",
  "9007199254740993",
  "-9007199254740993",
  "9223372036854775807",
  "9223372036854775808",
  "-9223372036854775808",
  "-9223372036854775809",
  "18446744073709551615",
  "18446744073709551616",
  "99999999999999999999999999",
  "1000000000000",
  "1e12",
  "NaN",
  "Infinity",
  "-Infinity",
  "00",
  "01",
  "-",
  "1.",
  ".5",
  "1e",
  "+1",
  "0x10",
];

/** JSON tokens to insert or swap in: punctuation, literals, datatypes, field names of the protocol. */
const OTHER_TOKENS = [
  "{",
  "}",
  "[",
  "]",
  ",",
  ":",
  "null",
  "true",
  "false",
  '""',
  '"x"',
  "[]",
  "{}",
  "[[1]]",
  '"FP32"',
  '"INT64"',
  '"BYTES"',
  '"BOOL"',
  '"FP16"',
  '"BF16"',
  '"UINT64"',
  '"INT8"',
  '"NOPE"',
  '"outputs"',
  '"inputs"',
  '"data"',
  '"shape"',
  '"datatype"',
  '"name"',
  '"parameters"',
  '"binary_data_size"',
  '"predictions"',
  '"model_name"',
  '"__proto__"',
  '"\\u0000"',
  '"\\ud800"',
  '"\\x"',
  '"\u00e9"',
];

const TOKEN = /"(?:[^"\\]|\\.)*"|-?(?:Infinity|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|NaN|true|false|null|[{}[\]:,]|\s+/gy;

/** The JSON tokens of `text` (whitespace and anything unrecognised kept as tokens too, so joining gives it back). */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (m === null || m[0].length === 0) {
      out.push(text[at]!);
      at++;
    } else {
      out.push(m[0]);
      at += m[0].length;
    }
  }
  return out;
}

const isNumberToken = (t: string) => /^-?(?:Infinity|\d)|^NaN$/.test(t);

/** One token-level edit of a JSON text. */
type TokenEdit =
  | { kind: "swap"; a: number; b: number }
  | { kind: "delete"; at: number }
  | { kind: "duplicate"; at: number }
  | { kind: "insert"; at: number; token: string }
  | { kind: "number"; nth: number; token: string }
  | { kind: "replace"; at: number; token: string };

const tokenEdit: fc.Arbitrary<TokenEdit> = fc.oneof(
  fc.record({ kind: fc.constant("swap" as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    token: fc.constantFrom(...OTHER_TOKENS, ...NUMBER_TOKENS),
  }),
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("number" as const),
      nth: fc.nat(),
      token: fc.constantFrom(...NUMBER_TOKENS),
    }),
  },
  fc.record({
    kind: fc.constant("replace" as const),
    at: fc.nat(),
    token: fc.constantFrom(...OTHER_TOKENS, ...NUMBER_TOKENS),
  }),
);

function applyTokenEdit(tokens: string[], edit: TokenEdit): void {
  const n = tokens.length;
  if (n === 0) {
    if (edit.kind === "insert") tokens.push(edit.token);
    return;
  }
  switch (edit.kind) {
    case "swap": {
      const a = edit.a % n;
      const b = edit.b % n;
      [tokens[a], tokens[b]] = [tokens[b]!, tokens[a]!];
      return;
    }
    case "delete":
      tokens.splice(edit.at % n, 1);
      return;
    case "duplicate":
      tokens.splice(edit.at % n, 0, tokens[edit.at % n]!);
      return;
    case "insert":
      tokens.splice(edit.at % (n + 1), 0, edit.token);
      return;
    case "number": {
      const numbers = tokens.flatMap((t, i) => (isNumberToken(t) ? [i] : []));
      if (numbers.length > 0) tokens[numbers[edit.nth % numbers.length]!] = edit.token;
      return;
    }
    case "replace":
      tokens[edit.at % n] = edit.token;
  }
}

/** `text` with 1 to 3 token-level edits: swapped tokens, dropped or repeated ones, numbers respelled. */
export function mutatedJsonText(text: string): fc.Arbitrary<string> {
  const tokens = tokenize(text);
  return fc.array(tokenEdit, { minLength: 1, maxLength: 3 }).map((edits) => {
    const copy = tokens.slice();
    for (const edit of edits) applyTokenEdit(copy, edit);
    return copy.join("");
  });
}

/** One byte-level edit. */
type ByteEdit =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "set"; at: number; value: number }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "delete"; at: number; count: number }
  | { kind: "truncate"; at: number };

const byteEdit: fc.Arbitrary<ByteEdit> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.nat(7) }) },
  fc.record({
    kind: fc.constant("set" as const),
    at: fc.nat(),
    value: fc.constantFrom(0, 1, 0x22, 0x2c, 0x30, 0x5b, 0x5d, 0x7b, 0x7d, 0x7f, 0x80, 0xc0, 0xff),
  }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
);

function applyByteEdit(bytes: Uint8Array, edit: ByteEdit): Uint8Array {
  const n = bytes.length;
  switch (edit.kind) {
    case "flip":
    case "set": {
      if (n === 0) return bytes;
      const out = bytes.slice();
      const at = edit.at % n;
      out[at] = edit.kind === "flip" ? out[at]! ^ (1 << edit.bit) : edit.value;
      return out;
    }
    case "insert": {
      const at = edit.at % (n + 1);
      const out = new Uint8Array(n + edit.bytes.length);
      out.set(bytes.subarray(0, at));
      out.set(edit.bytes, at);
      out.set(bytes.subarray(at), at + edit.bytes.length);
      return out;
    }
    case "delete": {
      if (n === 0) return bytes;
      const at = edit.at % n;
      const out = new Uint8Array(n - Math.min(edit.count, n - at));
      out.set(bytes.subarray(0, at));
      out.set(bytes.subarray(at + edit.count), at);
      return out;
    }
    case "truncate":
      return bytes.slice(0, edit.at % (n + 1));
  }
}

/** `bytes` with 1 to 4 byte-level edits: bit flips, overwritten, inserted or deleted bytes, a cut. */
export function mutatedBytes(bytes: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.array(byteEdit, { minLength: 1, maxLength: 4 }).map((edits) => edits.reduce(applyByteEdit, bytes));
}

/** `bytes` cut at every position class: empty, inside the first token, mid-body, one byte short, whole. */
export function truncations(bytes: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.nat(bytes.length).map((cut) => bytes.slice(0, cut)),
    fc.constantFrom(0, 1, bytes.length - 1, bytes.length).map((cut) => bytes.slice(0, Math.max(0, cut))),
  );
}

/** Arbitrary bytes, skewed towards what JSON decoders look at first (braces, quotes, digits, UTF-8 lead bytes). */
export const arbitraryBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 96 }),
  fc
    .array(
      fc.constantFrom(
        ...Array.from('{}[]",:0123456789-.eE \ntrufalsnNI\\', (c) => c.charCodeAt(0)),
        0x80,
        0xc3,
        0xa9,
        0xff,
      ),
      { maxLength: 96 },
    )
    .map((a) => Uint8Array.from(a)),
);

/** Arbitrary text, JSON-ish or not. */
export const arbitraryText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 64 }),
  fc.string({ unit: "binary", maxLength: 32 }),
  fc.array(fc.constantFrom(...OTHER_TOKENS, ...NUMBER_TOKENS, " "), { maxLength: 24 }).map((t) => t.join("")),
);

/** `Inference-Header-Content-Length` values: the right one, near it, and ones that are no length at all. */
export function headerLengthValue(right: number, bodyLength: number): fc.Arbitrary<string | number | undefined> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(String(right)) },
    { weight: 3, arbitrary: fc.integer({ min: -3, max: 3 }).map((d) => String(right + d)) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.integer({ min: -2, max: bodyLength + 2 }) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        "",
        "0",
        "-1",
        "-166",
        " 166",
        "166 ",
        "1e2",
        "0x10",
        "abc",
        "NaN",
        "Infinity",
        "1.5",
        "+166",
        "99999999999999999999",
        String(bodyLength),
        String(bodyLength + 1),
        "\u0661\u0666\u0666",
      ),
    },
  );
}

export const utf8 = new TextEncoder();
