import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { bf16FromNumber, bf16ToNumber, fp16FromNumber, fp16ToNumber } from "kserve-client/tensor";
import { BIT_PATTERNS_16, cases } from "../sampling.js";

// Exhaustive and property runs: seconds of CPU each, past vitest's 5 s default on a loaded 2-core machine (the runtime
// matrix runs them on three Nodes besides). A limit against hangs, not a measure of speed.
vi.setConfig({ testTimeout: 60_000 });

const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);
function float32Bits(x: number): number {
  f32[0] = x;
  return f32Bits[0]!;
}

/** Nearest representable value, ties to even, found by brute force over the neighbours. */
function nearestBits(
  x: number,
  toNumber: (bits: number) => number,
  all: number[],
  overflow: { infinity: number; value: number },
): number {
  // Rounding never changes the sign, so only same-signed patterns compete (this also settles 0 versus -0).
  const signBit = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const candidates = all.filter((c) => (c & 0x8000) === signBit);
  let best = candidates[0]!;
  let bestDist = Infinity;
  for (const c of candidates) {
    // IEEE rounding treats Infinity as the next power of two past the largest finite value.
    const v = (c & 0x7fff) === overflow.infinity ? Math.sign(toNumber(c)) * overflow.value : toNumber(c);
    const d = Math.abs(v - x);
    if (d < bestDist || (d === bestDist && (c & 1) === 0)) {
      best = c;
      bestDist = d;
    }
  }
  return best;
}

describe("FP16", () => {
  it("matches the protocol's vectors (6.8 → CD 46, 2.8 → 9A 41)", () => {
    expect(fp16FromNumber(6.8)).toBe(0x46cd);
    expect(fp16FromNumber(2.8)).toBe(0x419a);
  });

  it("decodes every bit pattern exactly and encodes it back to the same bits", () => {
    for (const bits of BIT_PATTERNS_16) {
      const value = fp16ToNumber(bits);
      if (Number.isNaN(value)) {
        expect((bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0).toBe(true);
        continue;
      }
      expect(fp16FromNumber(value)).toBe(bits);
    }
  });

  it("knows its limits: max finite, smallest subnormal, overflow, signed zero", () => {
    expect(fp16ToNumber(0x7bff)).toBe(65504);
    expect(fp16ToNumber(0x0001)).toBe(2 ** -24);
    expect(fp16FromNumber(65519.99)).toBe(0x7bff);
    expect(fp16FromNumber(65520)).toBe(0x7c00); // the tie between 65504 and 2^16 goes to even: Infinity
    expect(fp16FromNumber(-Infinity)).toBe(0xfc00);
    expect(fp16FromNumber(-0)).toBe(0x8000);
    expect(Object.is(fp16ToNumber(0x8000), -0)).toBe(true);
    expect(fp16FromNumber(2 ** -25)).toBe(0); // halfway to the smallest subnormal: ties to even (0)
    expect(fp16FromNumber(2 ** -25 * 3)).toBe(2); // 1.5 ulp: ties to even (2)
    expect(Number.isNaN(fp16ToNumber(fp16FromNumber(NaN)))).toBe(true);
  });

  it("rounds to nearest, ties to even, for any number", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, min: -70000, max: 70000 }), (x) => {
        const bits = fp16FromNumber(x);
        const candidates = [bits, (bits + 1) & 0xffff, (bits - 1) & 0xffff].filter(
          (b) => !Number.isNaN(fp16ToNumber(b)),
        );
        // Also the same-magnitude neighbours on the other side of zero, for values near zero.
        candidates.push(bits ^ 0x8000, 0, 0x8000, 1, 0x8001);
        const expected = nearestBits(x, fp16ToNumber, candidates, { infinity: 0x7c00, value: 2 ** 16 });
        expect(bits).toBe(expected);
      }),
      { numRuns: cases(5000) },
    );
  });
});

describe("BF16", () => {
  it("is the upper half of the float32 for values BF16 holds exactly", () => {
    for (const x of [1, -2, 1.5, 3.140625, 6.75, -0.0078125, 2 ** 100, 2 ** -130]) {
      expect(bf16FromNumber(x)).toBe(float32Bits(x) >>> 16);
      expect(bf16ToNumber(float32Bits(x) >>> 16)).toBe(x);
    }
  });

  it("decodes every bit pattern as the float32 whose upper bits they are", () => {
    for (const bits of BIT_PATTERNS_16) {
      f32Bits[0] = bits << 16;
      const expected = f32[0]!;
      const value = bf16ToNumber(bits);
      if (Number.isNaN(expected)) {
        expect(Number.isNaN(value)).toBe(true);
        continue;
      }
      expect(Object.is(value, expected)).toBe(true);
      expect(bf16FromNumber(value)).toBe(bits);
    }
  });

  it("writes ±Infinity and NaN as their patterns, in both formats", () => {
    expect([Infinity, -Infinity, NaN, -NaN].map(bf16FromNumber)).toEqual([0x7f80, 0xff80, 0x7fc0, 0x7fc0]);
    expect([Infinity, -Infinity, NaN, -NaN].map(fp16FromNumber)).toEqual([0x7c00, 0xfc00, 0x7e00, 0x7e00]);
    expect([bf16ToNumber(0x7f80), bf16ToNumber(0xff80), fp16ToNumber(0x7c00), fp16ToNumber(0xfc00)]).toEqual([
      Infinity,
      -Infinity,
      Infinity,
      -Infinity,
    ]);
  });

  it("overflows to Infinity past the largest finite value", () => {
    expect(bf16FromNumber(1e39)).toBe(0x7f80);
    expect(bf16FromNumber(-Number.MAX_VALUE)).toBe(0xff80);
    expect(bf16ToNumber(0x7f7f)).toBe(3.3895313892515355e38);
  });

  it("rounds to nearest even instead of truncating (6.8: 0x40DA, where truncation gives 0x40D9)", () => {
    expect(float32Bits(6.8) >>> 16).toBe(0x40d9);
    expect(bf16FromNumber(6.8)).toBe(0x40da);
    expect(Math.abs(bf16ToNumber(0x40da) - 6.8)).toBeLessThan(Math.abs(bf16ToNumber(0x40d9) - 6.8));
  });

  it("rounds to nearest, ties to even, for any number", () => {
    fc.assert(
      // Past 2^129 every candidate is equally far in float64 arithmetic; overflow is checked separately.
      fc.property(fc.double({ noNaN: true, min: -(2 ** 129), max: 2 ** 129 }), (x) => {
        const bits = bf16FromNumber(x);
        const candidates = [bits, (bits + 1) & 0xffff, (bits - 1) & 0xffff, bits ^ 0x8000, 0, 0x8000, 1, 0x8001].filter(
          (b) => !Number.isNaN(bf16ToNumber(b)),
        );
        expect(bits).toBe(nearestBits(x, bf16ToNumber, candidates, { infinity: 0x7f80, value: 2 ** 128 }));
      }),
      { numRuns: cases(5000) },
    );
  });
});
