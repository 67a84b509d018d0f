/**
 * JSON that keeps 64-bit integers exact. `JSON.parse` rounds integers beyond 2^53 and rejects the bare
 * `NaN`/`Infinity` tokens Triton writes; `JSON.stringify` throws on bigint. These two functions fix both
 * and stay close to the native speed on the common path.
 */
import { ProtocolError, ValidationError } from "./errors.js";
import type { JsonValue } from "./tensor.js";

/**
 * Parse JSON text, keeping every integer exact: integers beyond ±(2^53 - 1) come back as `bigint`.
 * Also accepts the bare tokens `NaN`, `Infinity` and `-Infinity` (Triton writes them).
 *
 * Native `JSON.parse` runs first; the exact parser runs only when its result holds an integer that
 * `JSON.parse` may have rounded, or when the text uses the non-standard tokens.
 *
 * @throws {ProtocolError} if the text is not JSON
 */
export function parseJson(text: string): JsonValue {
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch {
    return new ExactParser(text).parseDocument();
  }
  return mayBeRounded(value) ? new ExactParser(text).parseDocument() : value;
}

/** True if a number in `value` is an integer too large to be exact. */
function mayBeRounded(value: JsonValue): boolean {
  const stack: JsonValue[] = [value];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (typeof v === "number") {
      if (Number.isInteger(v) && !Number.isSafeInteger(v)) return true;
    } else if (Array.isArray(v)) {
      // Arrays of plain numbers (tensor data) are the hot case: scan them in place.
      for (let i = 0; i < v.length; i++) {
        const e = v[i]!;
        if (typeof e === "number") {
          if (Number.isInteger(e) && !Number.isSafeInteger(e)) return true;
        } else if (e !== null && typeof e === "object") {
          stack.push(e);
        }
      }
    } else if (v !== null && typeof v === "object") {
      for (const key in v) stack.push(v[key]!);
    }
  }
  return false;
}

const enum Char {
  Tab = 9,
  Newline = 10,
  Return = 13,
  Space = 32,
  Quote = 34,
  Plus = 43,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Zero = 48,
  Nine = 57,
  Colon = 58,
  UpperE = 69,
  LowerE = 101,
  OpenBracket = 91,
  Backslash = 92,
  CloseBracket = 93,
  OpenBrace = 123,
  CloseBrace = 125,
}

/** A strict RFC 8259 parser (plus NaN/Infinity) that turns unsafe integers into bigint. */
class ExactParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseDocument(): JsonValue {
    const value = this.parseValue(0);
    this.skipSpace();
    if (this.pos < this.text.length) this.error("unexpected text after the JSON value");
    return value;
  }

  private error(problem: string): never {
    const found = this.pos < this.text.length ? JSON.stringify(this.text.slice(this.pos, this.pos + 12)) : "the end";
    throw new ProtocolError(`Response body is not valid JSON: ${problem} at position ${this.pos} (found ${found}).`, {
      path: `position ${this.pos}`,
    });
  }

  private skipSpace(): void {
    const t = this.text;
    let c = t.charCodeAt(this.pos);
    while (c === Char.Space || c === Char.Newline || c === Char.Return || c === Char.Tab) c = t.charCodeAt(++this.pos);
  }

  private parseValue(depth: number): JsonValue {
    if (depth > 512) this.error("nesting deeper than 512 levels");
    this.skipSpace();
    const c = this.text.charCodeAt(this.pos);
    if (c === Char.OpenBracket) return this.parseArray(depth);
    if (c === Char.OpenBrace) return this.parseObject(depth);
    if (c === Char.Quote) return this.parseString();
    if (c === Char.Minus || (c >= Char.Zero && c <= Char.Nine)) return this.parseNumber();
    if (this.literal("true")) return true;
    if (this.literal("false")) return false;
    if (this.literal("null")) return null;
    if (this.literal("NaN")) return NaN;
    if (this.literal("Infinity")) return Infinity;
    return this.error("expected a value");
  }

  private literal(word: string): boolean {
    if (!this.text.startsWith(word, this.pos)) return false;
    this.pos += word.length;
    return true;
  }

  private parseArray(depth: number): JsonValue[] {
    this.pos++;
    const out: JsonValue[] = [];
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) === Char.CloseBracket) {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.parseValue(depth + 1));
      this.skipSpace();
      const c = this.text.charCodeAt(this.pos++);
      if (c === Char.CloseBracket) return out;
      if (c !== Char.Comma) {
        this.pos--;
        this.error("expected ',' or ']'");
      }
    }
  }

  private parseObject(depth: number): { [key: string]: JsonValue } {
    this.pos++;
    const out: { [key: string]: JsonValue } = {};
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) === Char.CloseBrace) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.text.charCodeAt(this.pos) !== Char.Quote) this.error("expected a property name");
      const key = this.parseString();
      this.skipSpace();
      if (this.text.charCodeAt(this.pos++) !== Char.Colon) {
        this.pos--;
        this.error("expected ':'");
      }
      // defineProperty, not assignment: a "__proto__" key must stay data, as with JSON.parse.
      Object.defineProperty(out, key, { value: this.parseValue(depth + 1), enumerable: true, writable: true, configurable: true });
      this.skipSpace();
      const c = this.text.charCodeAt(this.pos++);
      if (c === Char.CloseBrace) return out;
      if (c !== Char.Comma) {
        this.pos--;
        this.error("expected ',' or '}'");
      }
    }
  }

  private parseString(): string {
    const t = this.text;
    const start = this.pos;
    let i = start + 1;
    let escaped = false;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === Char.Quote) break;
      if (c === Char.Backslash) {
        escaped = true;
        i += 2;
      } else if (c < 0x20 || Number.isNaN(c)) {
        this.pos = i;
        this.error(Number.isNaN(c) ? "unterminated string" : "control character in string");
      } else {
        i++;
      }
    }
    this.pos = i + 1;
    if (!escaped) return t.slice(start + 1, i);
    try {
      return JSON.parse(t.slice(start, i + 1)) as string; // escapes are rare; let the native parser decode them
    } catch {
      this.pos = start;
      return this.error("invalid escape in string");
    }
  }

  private parseNumber(): number | bigint {
    const t = this.text;
    const start = this.pos;
    let i = start;
    if (t.charCodeAt(i) === Char.Minus) {
      i++;
      if (t.startsWith("Infinity", i)) {
        this.pos = i + 8;
        return -Infinity;
      }
    }
    const intStart = i;
    let c = t.charCodeAt(i);
    if (c === Char.Zero) c = t.charCodeAt(++i);
    else if (c >= Char.Zero + 1 && c <= Char.Nine) while (c >= Char.Zero && c <= Char.Nine) c = t.charCodeAt(++i);
    else {
      this.pos = i;
      this.error("expected a digit");
    }
    const intDigits = i - intStart;
    let integer = true;
    if (c === Char.Dot) {
      integer = false;
      c = t.charCodeAt(++i);
      if (!(c >= Char.Zero && c <= Char.Nine)) {
        this.pos = i;
        this.error("expected a digit after '.'");
      }
      while (c >= Char.Zero && c <= Char.Nine) c = t.charCodeAt(++i);
    }
    if (c === Char.LowerE || c === Char.UpperE) {
      integer = false;
      c = t.charCodeAt(++i);
      if (c === Char.Plus || c === Char.Minus) c = t.charCodeAt(++i);
      if (!(c >= Char.Zero && c <= Char.Nine)) {
        this.pos = i;
        this.error("expected a digit in the exponent");
      }
      while (c >= Char.Zero && c <= Char.Nine) c = t.charCodeAt(++i);
    }
    this.pos = i;
    const token = t.slice(start, i);
    // Up to 15 digits is always below 2^53; longer integers are checked exactly.
    if (!integer || intDigits <= 15) return Number(token);
    const big = BigInt(token);
    return big >= -9007199254740991n && big <= 9007199254740991n ? Number(big) : big;
  }
}

/**
 * `JSON.stringify` for JSON values that may hold bigint: bigints are written exactly as JSON integers.
 * Otherwise it behaves like `JSON.stringify`: non-finite numbers become `null`, `undefined` properties are
 * left out, `toJSON()` is honoured.
 *
 * @throws {ValidationError} on nesting deeper than 512 levels (a cycle, most likely)
 */
export function stringifyJson(value: unknown): string {
  return writeJson(value, 0) ?? "null";
}

function writeJson(v: unknown, depth: number): string | undefined {
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
      if (depth > 512) throw new ValidationError("Cannot write JSON nested deeper than 512 levels (is there a cycle?).");
      if (Array.isArray(v)) return `[${v.map((e) => writeJson(e, depth + 1) ?? "null").join(",")}]`;
      const withToJson = v as { toJSON?: () => unknown };
      if (typeof withToJson.toJSON === "function") return writeJson(withToJson.toJSON(), depth + 1);
      const parts: string[] = [];
      for (const key of Object.keys(v)) {
        const s = writeJson((v as Record<string, unknown>)[key], depth + 1);
        if (s !== undefined) parts.push(`${JSON.stringify(key)}:${s}`);
      }
      return `{${parts.join(",")}}`;
    }
    default:
      return undefined; // undefined, functions and symbols are skipped, as JSON.stringify does
  }
}
