/**
 * Kubernetes resource quantities ("1", "500m", "2Gi", "1.5", "1e3"), as `resource.Quantity` parses them. Only
 * what a manifest check needs: is it well formed and non-negative, and roughly how big (to compare a request
 * with its limit).
 */

/** A resource amount: a quantity string, or a plain number (YAML `cpu: 1` arrives as a number and Kubernetes accepts it). */
export type Quantity = string | number;

// <sign><digits>[.<digits>]<suffix>; suffixes: binary SI (Ki…Ei), decimal SI (n u m "" k M G T P E) or an exponent.
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

const MULTIPLIERS: Readonly<Record<string, number>> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** What is wrong with `value` as a resource quantity, or `undefined` when it is one (and not negative). */
export function quantityProblem(value: unknown): string | undefined {
  const example = 'a quantity such as "1", "500m", "2Gi" or "1.5"';
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return `expected ${example}, got ${value}`;
    return value < 0 ? `must not be negative, got ${value}` : undefined;
  }
  if (typeof value !== "string") return `expected ${example}, got ${value === null ? "null" : typeof value}`;
  const match = QUANTITY.exec(value);
  if (!match) return `expected ${example}, got ${JSON.stringify(value)}`;
  if (match[1] === "-" && Number(match[2]) !== 0) return `must not be negative, got ${JSON.stringify(value)}`;
  return undefined;
}

/**
 * The amount a valid quantity stands for, as a float (exact enough to compare a request with a limit), or
 * `undefined` for anything {@link quantityProblem} rejects.
 */
export function quantityAmount(value: unknown): number | undefined {
  if (quantityProblem(value) !== undefined) return undefined;
  if (typeof value === "number") return value;
  const [, sign, digits, suffix = ""] = QUANTITY.exec(value as string)!;
  const base = Number(digits) * (sign === "-" ? -1 : 1);
  const multiplier = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : MULTIPLIERS[suffix]!;
  return base * multiplier;
}
