/** Comparing JSON documents the way Kubernetes does: key order does not matter, array order does. */

/** Equal as JSON documents; keys holding `undefined` count as absent (they vanish on the wire). */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    return Object.fromEntries(keys.map((k) => [k, canonical(record[k])]));
  }
  return value;
}
