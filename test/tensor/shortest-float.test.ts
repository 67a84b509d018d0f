/**
 * The shortest decimals FP32, FP16 and BF16 values are written with in JSON, against a slow reference in exact
 * (bigint) arithmetic: random float32 bit patterns (subnormals included), the neighbours of every power of ten
 * and of two, and every FP16 and BF16 bit pattern. A decimal "reads back" when both kinds of reader get the value:
 * one that parses a double and rounds it (Python's json, numpy) and one that rounds the decimal itself (strtof,
 * Go's ParseFloat(s, 32)).
 */
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { bf16FromNumber, bf16ToNumber, fp16FromNumber, fp16ToNumber } from "kserve-client/tensor";
import { shortestBFloat16, shortestFloat16, shortestFloat32 } from "../../src/tensor/shortest-float.js";
import { BIT_PATTERNS_16, cases } from "../sampling.js";

// Exhaustive and property runs: seconds of CPU each, past vitest's 5 s default on a loaded 2-core machine (the runtime
// matrix runs them on three Nodes besides). A limit against hangs, not a measure of speed.
vi.setConfig({ testTimeout: 60_000 });

const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const f64Bits = new BigUint64Array(f64.buffer);

/** A datatype: its rounding from a double, and its values by bit pattern (positive ones here). */
interface Format {
  round: (x: number) => number;
  bits: (value: number) => number;
  value: (bits: number) => number;
  /** What Infinity stands for as the neighbour of the largest value: where rounding to Infinity begins, twice over. */
  overflow: number;
}

const FP32: Format = {
  round: Math.fround,
  bits: (value) => ((f32[0] = value), f32Bits[0]!),
  value: (bits) => ((f32Bits[0] = bits), f32[0]!),
  overflow: 2 ** 128,
};
const FP16: Format = {
  round: (x) => fp16ToNumber(fp16FromNumber(x)),
  bits: fp16FromNumber,
  value: fp16ToNumber,
  overflow: 2 ** 16,
};
const BF16: Format = {
  round: (x) => bf16ToNumber(bf16FromNumber(x)),
  bits: bf16FromNumber,
  value: bf16ToNumber,
  overflow: 2 ** 128,
};

/** A positive double as m · 2^e exactly. */
function dyadic(x: number): { m: bigint; e: bigint } {
  f64[0] = x;
  const bits = f64Bits[0]!;
  const exponent = (bits >> 52n) & 0x7ffn;
  const fraction = bits & 0xfffffffffffffn;
  return exponent === 0n ? { m: fraction, e: -1074n } : { m: fraction | (1n << 52n), e: exponent - 1075n };
}

/** x · 10^k as num / den, exactly. */
function scaled(x: number, k: number): { num: bigint; den: bigint } {
  const { m, e } = dyadic(x);
  const ten = 10n ** BigInt(Math.abs(k));
  return {
    num: m * (e > 0n ? 1n << e : 1n) * (k > 0 ? ten : 1n),
    den: (e < 0n ? 1n << -e : 1n) * (k < 0 ? ten : 1n),
  };
}

/** The sign of n · 10^-k - x, exactly. */
function compare(n: bigint, k: number, x: number): number {
  const { num, den } = scaled(x, k); // x · 10^k
  const d = n * den - num;
  return d > 0n ? 1 : d < 0n ? -1 : 0;
}

/**
 * Whether the decimal n · 10^-k (n > 0) reads back as a > 0 for both readers: its double rounds to a, and so does
 * the decimal itself (strictly between the midpoints to a's neighbours, or on one with a even, ties to even).
 */
function readsBack(n: bigint, k: number, a: number, format: Format): boolean {
  if (format.round(parseFloat(`${n}e${-k}`)) !== a) return false;
  const bits = format.bits(a);
  const above = format.value(bits + 1);
  const low = (a + format.value(bits - 1)) / 2; // exact: the datatypes have at most 24 bits
  const high = (a + (above === Infinity ? format.overflow : above)) / 2;
  const [fromLow, toHigh] = [compare(n, k, low), compare(n, k, high)];
  if (fromLow === 0 || toHigh === 0) return bits % 2 === 0;
  return fromLow > 0 && toHigh < 0;
}

/** Significant digits of a decimal's text ("0.00123" → 3, "1.5e+38" → 2, "120" → 2). */
function significantDigits(text: string): number {
  const digits = text.replace(/^-/, "").split("e")[0]!.replace(".", "").replace(/^0+/, "").replace(/0+$/, "");
  return Math.max(digits.length, 1);
}

/** A number's text (as String writes it) as the decimal n · 10^-k. */
function decimalOf(x: number): { n: bigint; k: number } {
  const [mantissa, exp = "0"] = String(Math.abs(x)).split("e");
  const [int, frac = ""] = mantissa!.split(".");
  return { n: BigInt(int! + frac), k: frac.length - Number(exp) };
}

/**
 * The reference: on grids of decimals n · 10^-k from coarse to fine, the two decimals either side of a > 0 (exact
 * floor and ceiling of a · 10^k) that read back. The shortest are on the first grid with any or, across a power of
 * ten, on the next; of those, the nearest, and at a tie the one ending in an even digit (as Number::toString picks
 * for doubles).
 */
function reference(a: number, format: Format): { digits: number; value: number } {
  const found: { n: bigint; k: number }[] = [];
  const collect = (k: number): void => {
    const { num, den } = scaled(a, k);
    const floor = num / den;
    for (const n of num % den === 0n ? [floor] : [floor, floor + 1n]) {
      if (n > 0n && readsBack(n, k, a, format)) found.push({ n, k });
    }
  };
  let k = -Math.floor(Math.log10(a)) - 2;
  for (; found.length === 0; k++) collect(k);
  collect(k);
  collect(k + 1);
  // Distances to a, all on the finest grid K: |n · 10^(K-k) · den - num| over den, where num / den = a · 10^K.
  const K = k + 1;
  const { num, den } = scaled(a, K);
  const ranked = found.map(({ n, k }) => {
    const digits = String(n).replace(/0+$/, "");
    const distance = n * 10n ** BigInt(K - k) * den - num;
    return {
      digits: digits.length,
      last: Number(digits.at(-1)),
      distance: distance < 0n ? -distance : distance,
      value: parseFloat(`${n}e${-k}`),
    };
  });
  ranked.sort(
    (x, y) =>
      x.digits - y.digits || (x.distance < y.distance ? -1 : x.distance > y.distance ? 1 : (x.last % 2) - (y.last % 2)),
  );
  return ranked[0]!;
}

/**
 * What is wrong with `shorten(v)` for the value `v` of `format`, or undefined. (A string rather than an expect()
 * per value: the sweeps check 65,536 values.)
 */
function problem(v: number, shorten: (x: number) => number, format: Format): string | undefined {
  const out = shorten(v);
  if (v === 0) return Object.is(out, v) ? undefined : `${v} gave ${out}`;
  const text = String(out);
  const a = Math.abs(v);
  const { n, k } = decimalOf(out);
  if (Math.sign(out) !== Math.sign(v) || !readsBack(n, k, a, format))
    return `${v} gave ${text}, which does not read back`;
  // No shorter decimal reads back, and of those as short, this is the nearest.
  const ref = reference(a, format);
  if (significantDigits(text) !== ref.digits || Math.abs(out) !== ref.value)
    return `${v} gave ${text}, expected ${v < 0 ? "-" : ""}${ref.value}`;
  return undefined;
}

function expectShortest(values: Iterable<number>, shorten: (x: number) => number, format: Format): void {
  const problems: string[] = [];
  for (const v of values) {
    const p = problem(v, shorten, format);
    if (p !== undefined) problems.push(p);
  }
  expect(problems).toEqual([]);
}

describe("shortestFloat32", () => {
  it.each([
    [5.1, "5.1"],
    [-5.1, "-5.1"],
    [0.1, "0.1"],
    [0.25, "0.25"],
    [1.3, "1.3"],
    [6.8, "6.8"],
    [0.3, "0.3"],
    [9.999999, "9.999999"],
    [1e-7, "1e-7"],
    [16777216, "16777216"],
    [123456789, "123456790"], // the float32 123456792
    [1717992.25, "1717992.2"], // halfway between 1717992.2 and 1717992.3: the even one
    [3.4028234663852886e38, "3.4028235e+38"], // the largest float32
    [2 ** -126, "1.1754944e-38"], // the smallest normal
    [2 ** -149, "1e-45"], // the smallest subnormal
    [2 ** -149 * 3, "4e-45"],
    [1, "1"],
    [1e10, "10000000000"],
    [1.00270236e-14, "1.00270236e-14"], // nine digits at the finest scale exact in a double: · 10^22
  ])("writes the float32 nearest %s as %s", (x, text) => {
    const v = Math.fround(x);
    expect(String(shortestFloat32(v))).toBe(text);
    expect(Math.fround(Number(text))).toBe(v);
  });

  it("takes the shorter decimal below when the nearest one above is longer (9.13156e-13, not 9.131561e-13)", () => {
    // The nearest 7-digit decimal lies above the value; the one below ends in 0, so 6 digits read back.
    for (const [bits, text] of [
      [729842666, "9.13156e-13"], // scaled by an exact power of ten
      [729865088, "9.15587e-13"],
      [33665700, "9.52869e-38"], // through decimal text
      [117444607, "9.63435e-35"],
    ] as const) {
      const v = FP32.value(bits);
      expect(String(shortestFloat32(v)), String(bits)).toBe(text);
      expect(String(shortestFloat32(-v))).toBe(`-${text}`);
      expect(Math.fround(Number(text))).toBe(v);
    }
  });

  it("keeps -0, NaN and ±Infinity as they are", () => {
    expect(Object.is(shortestFloat32(-0), -0)).toBe(true);
    expect(Object.is(shortestFloat32(0), 0)).toBe(true);
    expect(shortestFloat32(NaN)).toBeNaN();
    expect(shortestFloat32(Infinity)).toBe(Infinity);
    expect(shortestFloat32(-Infinity)).toBe(-Infinity);
  });

  it("gives the shortest, nearest decimal for random float32 bit patterns, subnormals included", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: 0xffffffff }),
          fc.integer({ min: 0, max: 0x00ffffff }), // subnormals and the smallest normals
          fc.integer({ min: 0x7e800000, max: 0x7f7fffff }), // beyond 10^37, up to the largest
        ),
        (bits) => {
          const v = FP32.value(bits);
          if (Number.isFinite(v)) expect(problem(v, shortestFloat32, FP32)).toBeUndefined();
        },
      ),
      { numRuns: cases(20_000) },
    );
  }, 30_000);

  it("gives the shortest decimal around every power of ten and of two", () => {
    const values = new Set<number>();
    for (const x of [
      ...Array.from({ length: 84 }, (_, i) => Number(`1e${i - 45}`)),
      ...Array.from({ length: 277 }, (_, i) => 2 ** (i - 149)),
    ]) {
      const bits = FP32.bits(Math.fround(x));
      for (let d = -3; d <= 3; d++) if (bits + d > 0 && bits + d < 0x7f800000) values.add(FP32.value(bits + d));
    }
    expectShortest(values, shortestFloat32, FP32);
  });

  it("writes no decimal whose double is a float32 midpoint it is not: readers that round the decimal agree", () => {
    // 7.038531e-26 reads as the double halfway between two float32s, rounded to even 7.0385313e-26 (this value); the
    // decimal itself is a little nearer 7.0385307e-26, where strtof takes it. One more digit settles it.
    const v = FP32.value(363742206);
    expect(String(shortestFloat32(v))).toBe("7.0385313e-26");
    expect(Math.fround(7.038531e-26)).toBe(v);
    expect(readsBack(7038531n, 32, v, FP32)).toBe(false);
    // A decimal that is itself the midpoint rounds to even for every reader: 239335800 lies halfway between the
    // float32s 239335792 and 239335808.
    expect(String(shortestFloat32(239335808))).toBe("239335800");
    expect(readsBack(2393358n, -2, 239335808, FP32)).toBe(true);
  });
});

describe("shortestFloat16 and shortestBFloat16", () => {
  it("write the examples", () => {
    expect(String(shortestFloat16(FP16.round(6.8)))).toBe("6.8"); // 6.80078125
    expect(String(shortestFloat16(65504))).toBe("65500"); // the largest FP16
    expect(String(shortestFloat16(2 ** -24))).toBe("6e-8"); // the smallest subnormal
    expect(String(shortestFloat16(2 ** -7))).toBe("0.007812"); // halfway between 0.007812 and 0.007813
    expect(String(shortestBFloat16(BF16.round(3.14)))).toBe("3.14"); // 3.140625
    expect(String(shortestBFloat16(bf16ToNumber(0x7f7f)))).toBe("3.39e+38"); // the largest BF16
    expect(String(shortestBFloat16(2 ** -133))).toBe("9e-41"); // the smallest subnormal: nearer than 1e-40
    expect(String(shortestBFloat16(bf16ToNumber(8173)))).toBe("1.004e-19"); // four digits, scaled by 10^22
    expect(Object.is(shortestFloat16(-0), -0)).toBe(true);
  });

  it.each([
    ["FP16", FP16, shortestFloat16, 0x400],
    ["BF16", BF16, shortestBFloat16, 0x80],
  ] as const)(
    "%s: every bit pattern gets the shortest, nearest decimal, also for a reader that goes through float32",
    (_, format, shorten, nans) => {
      let finite = 0;
      for (let bits = 0; bits < 0x10000; bits++) if (Number.isFinite(format.value(bits))) finite++;
      expect(finite).toBe(0x10000 - 2 * nans);
      const values = BIT_PATTERNS_16.map((bits) => format.value(bits)).filter(Number.isFinite);
      expectShortest(values, shorten, format);
      // A reader may round the double to float32 first and then to FP16/BF16: the same value.
      expect(values.filter((v) => v !== 0 && format.round(Math.fround(shorten(v))) !== v)).toEqual([]);
    },
    30_000,
  );
});
