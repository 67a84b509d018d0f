/**
 * Writing JSON that keeps 64-bit integers exact: `JSON.stringify` throws on bigint, and the body writers need to
 * refuse what JSON cannot carry, saying where. The reader is json-parse.ts.
 */
import { describeProblem, ValidationError } from "./errors.js";
import { MAX_JSON_DEPTH } from "./json-parse.js";

/**
 * `JSON.stringify` for JSON values that may hold bigint: bigints are written exactly as JSON integers.
 * Otherwise it behaves like `JSON.stringify`: non-finite numbers become `null`, `undefined` properties are
 * left out, `toJSON()` is honoured.
 *
 * @throws {ValidationError} on a cycle (naming where it closes), or nesting deeper than 512 levels
 */
export function stringifyJson(value: unknown): string {
  return stringifyJsonAt(value, { path: "" });
}

/** Where a value sits in a body, and what a writer must refuse in it, for {@link stringifyJsonAt}. Internal. */
export interface JsonPlace {
  /** The value's path in the body (`parameters`, `inputs[0].parameters`); "" for the body itself. */
  path: string;
  /** The tensor the value belongs to, for the error's `tensor`. */
  tensor?: string | undefined;
  /**
   * Called with every value about to be written (before and after `toJSON`) to throw for one the caller will not let
   * JSON change or drop; `at()` is its path, built only when asked for, `inArray` whether it is an element.
   */
  refuse?: ((value: unknown, at: () => string, inArray: boolean) => void) | undefined;
}

/**
 * {@link stringifyJson} for a value at `place` in a body, so that a cycle, too deep a nesting, or anything
 * `place.refuse` throws for is reported where it is, in one pass. Internal.
 */
export function stringifyJsonAt(value: unknown, place: JsonPlace): string {
  const { path, tensor, refuse } = place;
  // The containers being written, outermost first, and the key of the child being written in each: enough
  // to name the place of a problem without building a path for every value.
  const ancestors: object[] = [];
  const keys: (string | number)[] = [];
  // The path of the value being written: called only while it is, so ancestors and keys lead to it.
  const at = () => pathOf(path, keys.slice(0, ancestors.length));
  const write = (value: unknown, key: string | number): string | undefined => {
    let v = value;
    if (typeof v === "object" && v !== null && typeof (v as { toJSON?: unknown }).toJSON === "function") {
      // Both the value and what it turns into: a Buffer's toJSON makes {type, data} of bytes meant as bytes.
      refuse?.(v, at, typeof key === "number");
      v = (v as { toJSON: (key: string) => unknown }).toJSON(String(key));
    }
    refuse?.(v, at, typeof key === "number");
    switch (typeof v) {
      case "string":
        return JSON.stringify(v);
      case "number":
        return Number.isFinite(v) ? String(v) : "null";
      case "bigint":
        return v.toString();
      case "boolean":
        return v ? "true" : "false";
      case "object": {
        if (v === null) return "null";
        // Boxed primitives are written as their value, as JSON.stringify does.
        if (v instanceof Number || v instanceof String || v instanceof Boolean) return write(v.valueOf(), key);
        const level = ancestors.length;
        const back = ancestors.indexOf(v);
        if (back !== -1 || level > MAX_JSON_DEPTH)
          throw nestingError(
            pathOf(path, keys.slice(0, level)),
            back === -1 ? undefined : pathOf(path, keys.slice(0, back)),
            tensor,
          );
        ancestors.push(v);
        let text: string;
        if (Array.isArray(v)) {
          const parts = new Array<string>(v.length);
          for (let i = 0; i < v.length; i++) {
            keys[level] = i;
            parts[i] = write(v[i], i) ?? "null"; // holes too
          }
          text = `[${parts.join(",")}]`;
        } else {
          const parts: string[] = [];
          for (const k of Object.keys(v)) {
            keys[level] = k;
            const s = write((v as Record<string, unknown>)[k], k);
            if (s !== undefined) parts.push(`${JSON.stringify(k)}:${s}`);
          }
          text = `{${parts.join(",")}}`;
        }
        ancestors.pop();
        return text;
      }
      default:
        return undefined; // undefined, functions and symbols are skipped, as JSON.stringify does
    }
  };
  return write(value, "") ?? "null";
}

/** `base` followed by `keys` as `.name` and `[index]`. */
function pathOf(base: string, keys: readonly (string | number)[]): string {
  let path = base;
  for (const key of keys) path += typeof key === "number" ? `[${key}]` : path ? `.${key}` : key;
  return path;
}

/**
 * The error for the value at `path` that is one of its own containers, the one at `target`, or (`target`
 * undefined) that nests past MAX_JSON_DEPTH.
 */
function nestingError(path: string, target: string | undefined, tensor?: string): ValidationError {
  const base = tensor === undefined ? { path } : { tensor, path };
  if (target !== undefined) {
    const details = {
      ...base,
      expected: "a tree of JSON values (no cycles)",
      received: `a reference back to ${target || "the value itself"}`,
    };
    return new ValidationError(
      describeProblem("a cycle, which JSON cannot carry", details, "Send a copy without the back reference."),
      details,
    );
  }
  const details = { ...base, expected: `at most ${MAX_JSON_DEPTH} levels of nesting`, received: "more" };
  // Hundreds of levels make a path too long to read: the message shows its first steps, details hold all of it.
  const cut = Math.max(path.lastIndexOf(".", 100), path.lastIndexOf("[", 100));
  const shown = path.length > 100 ? `${path.slice(0, cut > 0 ? cut : 100)}…` : path;
  return new ValidationError(describeProblem("nested too deep", { ...details, path: shown }), details);
}
