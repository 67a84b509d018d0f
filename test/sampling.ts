/**
 * How much of an input space the heaviest tests cover. `npm test` covers all of it; `npm run test:mutation` sets
 * KSERVE_MUTATION_SAMPLE=1, since each mutant reruns, instrumented, every test that reaches it. A sample can only let
 * more mutants survive, never fewer: the score it gives is a floor.
 */
const SAMPLE = process.env["KSERVE_MUTATION_SAMPLE"] === "1";

/** Cases for a property that runs `full` of them in `npm test`: a tenth under the mutation run (at least 20). */
export function cases(full: number): number {
  return SAMPLE ? Math.max(20, Math.ceil(full / 10)) : full;
}

/** A mantissa's edges, where rounding and carries happen: its first and last values and those around half. */
function mantissaEdges(mask: number): ReadonlySet<number> {
  const half = (mask + 1) / 2;
  return new Set([0, 1, 2, half - 1, half, half + 1, mask - 1, mask]);
}
/** FP16's mantissa is 10 bits, BF16's 7. */
const FP16_EDGES = mantissaEdges(0x3ff);
const BF16_EDGES = mantissaEdges(0x7f);
const onEdge = (bits: number) => FP16_EDGES.has(bits & 0x3ff) || BF16_EDGES.has(bits & 0x7f);

/**
 * The 16-bit patterns the FP16 and BF16 tests walk: every one, 0 … 0xffff, in order. Under `npm run test:mutation`
 * (which sets KSERVE_MUTATION_SAMPLE=1) a fixed seventh of them instead, since each mutant of the float modules
 * would otherwise run the whole walk, instrumented: every 13th pattern, and every pattern at the edges of an FP16
 * or BF16 mantissa (all zeros, all ones, the halfway points and their neighbours) in every exponent and sign.
 */
export const BIT_PATTERNS_16: readonly number[] = Array.from({ length: 0x10000 }, (_, bits) => bits).filter(
  (bits) => !SAMPLE || bits % 13 === 0 || onEdge(bits),
);
