/**
 * Shortest decimals for FP32, FP16 and BF16 values written as JSON numbers: the fewest significant digits that
 * give the value back, whether a reader parses a double and rounds it to the datatype (Python's json, numpy) or
 * rounds the decimal itself (strtof, Go's ParseFloat(s, 32)); of several that short, the nearest (the even one at
 * a tie). The float32 nearest 5.1 is 5.099999904632568 as a double, which `String` writes at double precision;
 * `shortestFloat32` gives the double 5.1 instead.
 *
 * Each function returns the double nearest that decimal, so that `String` and `JSON.stringify` write exactly its
 * digits (a shorter text for that double would be a shorter answer). -0 stays -0; NaN and ±Infinity pass through.
 */
import { bf16FromNumber, bf16ToNumber, fp16FromNumber, fp16ToNumber } from "./float16.js";

// Mutation testing (RELIABILITY.md): each `Stryker disable` below turns off a mutant that gives the same answers
// by another way, and names why. A comment names mutators, not mutants, so it also turns off the other replacements
// of those mutators on its line; those change answers, and the tests kill each of them (a run without the comments).

// minNormal only moves where the search starts: from one digit, as for subnormals, it finds the same decimal, later.
// Stryker disable UnaryOperator: 2 ** +126 as minNormal gives the same decimals, slower

/** `v`, a float32 value, as the double of its shortest decimal: 5.099999904632568 → 5.1. */
export function shortestFloat32(v: number): number {
  return shortest(v, 7, 9, 2 ** -126, Math.fround);
}

/** `v`, an FP16 value, as the double of its shortest decimal: 6.80078125 → 6.8. */
export function shortestFloat16(v: number): number {
  return shortest(v, 3, 5, 2 ** -14, (x) => fp16ToNumber(fp16FromNumber(x)));
}

/** `v`, a BF16 value, as the double of its shortest decimal: 3.140625 → 3.14. */
export function shortestBFloat16(v: number): number {
  return shortest(v, 2, 4, 2 ** -126, (x) => bf16ToNumber(bf16FromNumber(x)));
}
// Stryker restore UnaryOperator

/** 10^0 … 10^22, each exact (10^22 = 2^22 · 5^22 and 5^22 < 2^53), so dividing by one rounds correctly. */
const POW10: number[] = [1];
for (let i = 1; i <= 22; i++) POW10.push(POW10[i - 1]! * 10);
/** By the float32 exponent b of a: floor((b - 126) · log10 2), which is e or e + 1 for 10^e ≤ a < 10^(e+1). */
const DECADE = new Int8Array(256).map((_, b) => Math.floor((b - 126) * 0.3010299956639812));
const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);

/**
 * The search. With d significant digits the decimals near a are n · 10^-k, k = d - 1 - e (d - 1 digits when e is
 * one too high: see below): the nearest n, and for a at a power of two (where what rounds to a reaches half as far
 * below as above) its other neighbour. Levels d = start, start + 1, … are tried in turn, and the first with a
 * decimal that reads back as a (`readsBack`) holds the answer: no decimal there ends in 0, or it would read back
 * at the level before. Of two, the nearer (the even one at a tie, as for doubles in Number::toString).
 *
 * `start` skips the levels below it: at it, what rounds to a normal a reaches less than one step of 10^-k either
 * side (for float32 at d = 7 all of it spans ulp < 10^7 · 2^-23 ≈ 1.19 steps, at most 2/3 of that on one side),
 * so only the two neighbours can round back, and a shorter decimal is one of them, the one ending in 0. Subnormals
 * are coarser and start at one digit. `digits` is the most a value of the datatype needs.
 */
function shortest(v: number, start: number, digits: number, minNormal: number, round: (x: number) => number): number {
  const a = Math.abs(v);
  if (
    a === 0 ||
    // Stryker disable next-line ConditionalExpression,EqualityOperator: NaN, ±Infinity come through the search as is
    !(a < Infinity)
  )
    return v;
  // a is a float32 value in all three datatypes. Subnormals (b = 0) come out far below e, where text is used.
  f32[0] = a;
  // a's decade (10^e ≤ a < 10^(e+1)), or one more in the binade below a power of ten. One more starts the search a
  // level early (its decimals have a leading 0), and such values need fewer digits than the datatype's most (one
  // digit less is a step under a quarter of their ulp): the same answer.
  let e = DECADE[f32Bits[0]! >>> 23]!;
  // Scaling by 10^k is exact (so n / 10^k is what a JSON parser reads) while |k| ≤ 22.
  // Stryker disable next-line EqualityOperator: at the bounds, the other path gives the same decimal
  const fast = e >= digits - 23 && e <= 22;
  // Beyond that (float32's and BF16's largest and smallest values): decimal text, which parseFloat rounds correctly.
  // Stryker disable next-line ConditionalExpression,ArithmeticOperator: the text's e is a's decade or one more too
  if (!fast) e = exponent(a.toExponential(digits - 1));
  // Stryker disable next-line ConditionalExpression,EqualityOperator: starting at one digit gives the same, later
  const first = a < minNormal ? 1 : start;
  for (let d = first; d <= digits; d++) {
    const k = d - 1 - e;
    let n: number;
    if (fast) {
      // Stryker disable next-line EqualityOperator: at k = 0 both multiply or divide by 1
      const x = k >= 0 ? a * POW10[k]! : a / POW10[-k]!;
      n = Math.round(x);
      if (n - x === 0.5 && n % 2 !== 0) n--; // of two nearest, the even one, as Number::toString picks
    } else n = nearestDigits(a, d, e);
    const found = decimal(n, k, fast);
    // Stryker disable next-line EqualityOperator: found = a reads back; a step from it never does at the start level
    const other = found < a ? n + 1 : n - 1;
    const ok = readsBack(found, a, k, round);
    if (!ok || (d === start && other % 10 === 0)) {
      const next = decimal(other, k, fast);
      if (readsBack(next, a, k, round)) return v === a ? next : -next;
    }
    if (ok) return v === a ? found : -found;
  }
  return v; // never reached for values of the datatype; v itself is always right, only longer
}

/**
 * Whether the decimal n · 10^-k, read as the double `found`, gives a back to every reader: to those that round that
 * double (Python's json, numpy) and to those that round the decimal itself (strtof, Go's ParseFloat(s, 32)). They
 * part only where `found` lies exactly halfway between a and a neighbour and the decimal does not: 7.038531e-26
 * reads as such a midpoint, which rounds to even, 7.0385313e-26, while the decimal is nearer 7.0385307e-26. That
 * decimal is refused; one that is the midpoint itself (an integer such as 239335800) rounds to even for both.
 */
function readsBack(found: number, a: number, k: number, round: (x: number) => number): boolean {
  if (round(found) !== a) return false;
  // Exact, and a value of the datatype only if found is halfway to it. Mirrored to a's other side it is one in the
  // same cases, except at a power of two (uneven spacing), where the answers come out the same: the tests try every
  // power of two of the three datatypes.
  // Stryker disable next-line ArithmeticOperator: a - 2 * (found - a) gives the same answers, as above
  const neighbour = a + 2 * (found - a);
  return (
    found === a ||
    round(neighbour) !== neighbour ||
    // A multiple of 10^-k is the decimal itself: the double nearest the decimal (either path's) is within half an ulp
    // of it, far less than the 10^-k to the next multiple. For k > 0 or k < -22, POW10[-k] is undefined and the test
    // false (below -22 rightly: no such decimal is a float32 midpoint, whose odd part is under 2^25 < 5^23). At
    // k = 0 found is an integer, never halfway; and of the three datatypes' values, none has a halfway decimal at
    // k < 0 that is not a multiple (a float32 needs one of 2^53 or more: each such midpoint with 10 digits or fewer
    // was checked), so dropping either half of this test changes no answer.
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: no answer changes, as above
    (k <= 0 && found % POW10[-k]! === 0)
  );
}

/** The double nearest n · 10^-k. */
function decimal(n: number, k: number, fast: boolean): number {
  // Stryker disable next-line EqualityOperator: at k = 0 both multiply or divide by 1
  return fast ? (k >= 0 ? n / POW10[k]! : n * POW10[-k]!) : parseFloat(`${n}e${-k}`);
}

/**
 * n of the d-digit decimal n · 10^(e-d+1) nearest a (10^d when a rounds up to 10^(e+1)). toExponential takes the
 * larger of two nearest, but no value this far from 1 lies halfway between two decimals of at most 10 digits.
 */
function nearestDigits(a: number, d: number, e: number): number {
  const text = a.toExponential(d - 1);
  const n = Number(text.slice(0, text.indexOf("e")).replace(".", ""));
  return exponent(text) > e ? n * 10 : n;
}

function exponent(text: string): number {
  return Number(text.slice(text.indexOf("e") + 1));
}
