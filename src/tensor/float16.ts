/**
 * FP16 (IEEE 754 binary16) and BF16 (bfloat16, the upper half of a float32) conversions.
 * Numbers are rounded to nearest, ties to even, straight from the float64 value (no double rounding
 * through float32).
 */

import { HOST_LITTLE_ENDIAN } from "./words.js";

const f64 = new Float64Array(1);
const f64Words = new Uint32Array(f64.buffer);
const F64_HIGH = HOST_LITTLE_ENDIAN ? 1 : 0;
const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);

function roundHalfEven(v: number): number {
  const floor = Math.floor(v);
  const rest = v - floor;
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Round `x` to a float with `exponentBits` and `mantissaBits`, returning its bit pattern. */
function toSmallFloatBits(x: number, exponentBits: number, mantissaBits: number): number {
  const bias = (1 << (exponentBits - 1)) - 1;
  const maxExponent = (1 << exponentBits) - 1;
  const infinity = maxExponent << mantissaBits;
  if (x !== x) return infinity | (1 << (mantissaBits - 1)); // canonical quiet NaN
  f64[0] = x;
  const sign = f64Words[F64_HIGH]! >>> 31 ? 1 << (exponentBits + mantissaBits) : 0;
  const a = Math.abs(x);
  if (a < 2 ** (1 - bias)) {
    // Subnormal (or zero): the value is m · 2^(1 - bias - mantissaBits); scaling by a power of two is exact.
    // A result of 2^mantissaBits is the smallest normal number, whose bit pattern is exactly that.
    return sign | roundHalfEven(a * 2 ** (bias - 1 + mantissaBits));
  }
  f64[0] = a;
  let exponent = ((f64Words[F64_HIGH]! >>> 20) & 0x7ff) - 1023;
  let mantissa = roundHalfEven((a / 2 ** exponent - 1) * 2 ** mantissaBits);
  if (mantissa === 2 ** mantissaBits) {
    mantissa = 0;
    exponent += 1;
  }
  if (exponent > bias) return sign | infinity; // Infinity too (its exponent is 1024)
  return sign | ((exponent + bias) << mantissaBits) | mantissa;
}

/** The FP16 bit pattern nearest to `x` (ties to even; beyond ±65504 rounds to ±Infinity). */
export function fp16FromNumber(x: number): number {
  return toSmallFloatBits(x, 5, 10);
}

/** The exact value of an FP16 bit pattern. */
export function fp16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1024 + mantissa) * 2 ** (exponent - 25);
}

/** The BF16 bit pattern nearest to `x` (ties to even). */
export function bf16FromNumber(x: number): number {
  return toSmallFloatBits(x, 8, 7);
}

/** The exact value of a BF16 bit pattern: the float32 whose upper 16 bits these are. */
export function bf16ToNumber(bits: number): number {
  f32Bits[0] = bits << 16; // only the low 16 bits survive the shift
  return f32[0]!;
}
