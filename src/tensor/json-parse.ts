/**
 * Reading JSON that keeps 64-bit integers exact. `JSON.parse` rounds integers beyond 2^53 and rejects the bare
 * `NaN`/`Infinity` tokens Triton writes; this parser keeps both, and stays close to the native speed on the common
 * path (JSON.parse first, the exact parser only where that could have rounded). The writer is json-write.ts.
 */
import { ProtocolError } from "./errors.js";
import { PackedIntegers } from "./packed.js";
import { LOW_WORD, readSafeInteger, TWO_32, writeSafeInteger } from "./words.js";
import type { JsonValue } from "./json-value.js";

/**
 * Parse JSON text, keeping every integer exact: integers beyond ±(2^53 - 1) come back as `bigint`.
 * Also accepts the bare tokens `NaN`, `Infinity` and `-Infinity` (Triton writes them).
 *
 * Native `JSON.parse` does the work whenever it can be exact. The exact parser runs instead when an integer
 * of 16 or more digits shows in the first 4 KiB, when `JSON.parse`'s result holds an integer it may have
 * rounded, or when the text uses the non-standard tokens.
 *
 * @throws {ProtocolError} if the text is not JSON
 */
export function parseJson(text: string): JsonValue {
  return parseJsonText(text, false).value;
}

/**
 * {@link parseJson}, where `packIntegers` lets the exact parser return arrays that hold integers beyond 2^53
 * as {@link PackedIntegers} (see packed.ts); `packed` says whether it did. Internal: only the tensor decoder
 * asks for that.
 */
export function parseJsonText(text: string, packIntegers: boolean): { value: JsonValue; packed: boolean } {
  // Where big integers are, they are usually tensor data near the start: then JSON.parse would be wasted work.
  if (!LONG_INTEGER.test(text.length > PEEK ? text.slice(0, PEEK) : text)) {
    let value: JsonValue | undefined;
    try {
      value = JSON.parse(text) as JsonValue;
    } catch {
      // Not standard JSON (NaN, Infinity) or not JSON at all: the exact parser accepts the one, explains the other.
    }
    // A short text (2 · MAX_JSON_DEPTH < PEEK) was scanned whole and is too short to nest past MAX_JSON_DEPTH:
    // nothing left to check.
    if (value !== undefined && (text.length <= 2 * MAX_JSON_DEPTH || !needsExactParse(value)))
      return { value, packed: false };
  }
  const parser = new ExactParser(text, packIntegers);
  return { value: parser.parseDocument(), packed: parser.packed };
}

/** 16 or more digits not after a '.': an integer that may be beyond 2^53 (up to 15 digits never is). */
const LONG_INTEGER = /(?:^|[^.\d])\d{16}/;
const PEEK = 4096;
/** Deeper nesting is refused by both paths alike; real bodies are a handful of levels deep. */
export const MAX_JSON_DEPTH = 512;

/**
 * True if `value` (from JSON.parse) holds an integer too large to be exact, or nests deeper than the exact
 * parser allows (so that both paths accept the same texts).
 */
function needsExactParse(value: JsonValue): boolean {
  const stack: JsonValue[] = [];
  const depths: number[] = [];
  // True for a number JSON.parse may have rounded; containers are queued rather than recursed into.
  const check = (v: JsonValue, depth: number): boolean => {
    if (typeof v === "number")
      return (v > Number.MAX_SAFE_INTEGER || v < -Number.MAX_SAFE_INTEGER) && Number.isInteger(v);
    if (v !== null && typeof v === "object") {
      stack.push(v);
      depths.push(depth);
    }
    return false;
  };
  if (check(value, 0)) return true;
  while (stack.length > 0) {
    const v = stack.pop()!;
    const depth = depths.pop()!;
    if (depth > MAX_JSON_DEPTH) return true;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (check(v[i]!, depth + 1)) return true;
    } else {
      for (const key in v as { [key: string]: JsonValue })
        if (check((v as { [key: string]: JsonValue })[key]!, depth + 1)) return true;
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
  /** Whether any array came out as PackedIntegers. */
  packed = false;
  constructor(
    private readonly text: string,
    private readonly packIntegers: boolean,
  ) {}

  parseDocument(): JsonValue {
    const value = this.parseValue(0);
    this.skipSpace();
    if (this.pos < this.text.length) this.error("unexpected text after the JSON value");
    return value;
  }

  private error(problem: string): never {
    const found = this.pos < this.text.length ? JSON.stringify(this.text.slice(this.pos, this.pos + 12)) : "the end";
    throw new ProtocolError(`Body is not valid JSON: ${problem} at position ${this.pos} (found ${found}).`, {
      path: `position ${this.pos}`,
    });
  }

  private skipSpace(): void {
    const t = this.text;
    let c = t.charCodeAt(this.pos);
    while (c === Char.Space || c === Char.Newline || c === Char.Return || c === Char.Tab) c = t.charCodeAt(++this.pos);
  }

  private parseValue(depth: number): JsonValue {
    this.skipSpace();
    const c = this.text.charCodeAt(this.pos);
    // Containers are what nest: the limit counts them alone, as needsExactParse does on JSON.parse's result.
    if ((c === Char.OpenBracket || c === Char.OpenBrace) && depth > MAX_JSON_DEPTH)
      this.error(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
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
    const integers = this.parseIntegerArray();
    if (integers instanceof PackedIntegers) {
      if (!this.packIntegers) return integers.unpack();
      this.packed = true;
      return integers as unknown as JsonValue[]; // only decodeTensorBody asks for, and sees, these
    }
    if (integers !== undefined) return integers;
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
      Object.defineProperty(out, key, {
        value: this.parseValue(depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
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
        this.pos = Math.min(i, t.length); // past the end after a final backslash
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
    if (!integer) return Number(t.slice(start, i));
    const negative = intStart !== start;
    if (intDigits <= 15) {
      const value = decimal(t, intStart, i); // below 10^15 < 2^53: exact, and no substring allocated
      return negative ? -value : value;
    }
    if (intDigits <= 20) {
      const magnitudeHigh = writeInt64(t, intStart, i, negative, scratchWords, 0);
      if (magnitudeHigh >= 0) {
        // Reading a 64-bit element makes one bigint straight from the words: no substring, no decimal parse.
        const big = negative ? scratchSigned[0]! : scratchUnsigned[0]!;
        return magnitudeHigh < SAFE_HIGH ? Number(big) : big;
      }
    }
    return BigInt(t.slice(start, i)); // beyond 64 bits: arbitrary precision
  }

  /**
   * An array made only of integers, in one tight pass: as PackedIntegers when some are beyond 2^53, else as
   * numbers. Returns undefined, with the position back at the first element, for anything else (floats,
   * -0, literals, nesting, a mix of negative values and values of 2^63 or more, syntax errors), which the
   * general loop then parses.
   */
  private parseIntegerArray(): PackedIntegers | number[] | undefined {
    const t = this.text;
    const first = this.pos;
    let i = first;
    let words = new Uint32Array(64);
    let n = 0;
    let hasNegative = false;
    let hasHigh = false;
    let hasUnsafe = false;
    for (;;) {
      let c = t.charCodeAt(i);
      const negative = c === Char.Minus;
      if (negative) c = t.charCodeAt(++i);
      const digitsStart = i;
      // Accumulate while scanning: exact up to 15 digits, and the longer ones are re-read below.
      let value = 0;
      if (c === Char.Zero) c = t.charCodeAt(++i);
      else if (c > Char.Zero && c <= Char.Nine) {
        do {
          value = value * 10 + (c - Char.Zero);
          c = t.charCodeAt(++i);
        } while (c >= Char.Zero && c <= Char.Nine);
      } else return this.rewind(first);
      const digits = i - digitsStart;
      if (2 * n === words.length) {
        const grown = new Uint32Array(words.length * 2);
        grown.set(words);
        words = grown;
      }
      if (digits <= 15) {
        if (negative && value === 0) return this.rewind(first); // -0 is a float; keep it one
        writeSafeInteger(words, n, negative ? -value : value);
        if (negative) hasNegative = true;
      } else {
        const magnitudeHigh = digits <= 20 ? writeInt64(t, digitsStart, i, negative, words, n) : -1;
        if (magnitudeHigh < 0) return this.rewind(first);
        if (magnitudeHigh >= SAFE_HIGH) hasUnsafe = true;
        if (negative) hasNegative = true;
        else if (magnitudeHigh >= 0x80000000) hasHigh = true;
      }
      n++;
      while ((c = t.charCodeAt(i)) === Char.Space || c === Char.Newline || c === Char.Return || c === Char.Tab) i++;
      if (c === Char.CloseBracket) break;
      if (c !== Char.Comma) return this.rewind(first);
      while ((c = t.charCodeAt(++i)) === Char.Space || c === Char.Newline || c === Char.Return || c === Char.Tab);
    }
    this.pos = i + 1;
    if (!hasUnsafe) {
      const numbers = new Array<number>(n);
      for (let k = 0; k < n; k++) numbers[k] = readSafeInteger(words, k);
      return numbers;
    }
    if (hasNegative && hasHigh) return this.rewind(first);
    return new PackedIntegers(words.buffer.slice(0, n * 8), n, hasNegative, hasHigh);
  }

  private rewind(position: number): undefined {
    this.pos = position;
    return undefined;
  }
}

const TWO_16 = 65536;
/** A magnitude whose high word is at least this is 2^53 or more: not a safe integer. */
const SAFE_HIGH = 0x200000;
const scratchSigned = new BigInt64Array(1);
const scratchUnsigned = new BigUint64Array(scratchSigned.buffer);
const scratchWords = new Uint32Array(scratchSigned.buffer);

function decimal(t: string, from: number, to: number): number {
  let value = 0;
  for (let k = from; k < to; k++) value = value * 10 + (t.charCodeAt(k) - Char.Zero);
  return value;
}

/**
 * Write the integer spelled by the digits `t[from, to)` (16 to 20 of them, sign apart) as a 64-bit two's
 * complement into `words[2·index …]`, in host order. Returns the high 32-bit word of its magnitude, or -1 if it
 * is outside [-2^63, 2^64 - 1].
 */
function writeInt64(t: string, from: number, to: number, negative: boolean, words: Uint32Array, index: number): number {
  // value = high · 10^9 + low, where high has at most 11 digits and low 9; every product below stays under 2^53.
  const high = decimal(t, from, to - 9);
  const low = decimal(t, to - 9, to);
  const h0 = high % TWO_16;
  const h1 = (high - h0) / TWO_16;
  const p1 = h1 * 1e9; // < 2^51
  const r = p1 % TWO_16;
  const b = r * TWO_16 + h0 * 1e9 + low; // < 2^48
  let lo = b % TWO_32;
  let hi = (p1 - r) / TWO_16 + (b - lo) / TWO_32; // value = hi · 2^32 + lo
  if (hi >= TWO_32 || (negative && (hi > 0x80000000 || (hi === 0x80000000 && lo !== 0)))) return -1;
  const magnitudeHigh = hi;
  if (negative) {
    // Two's complement of (hi, lo).
    lo = TWO_32 - lo;
    hi = lo === TWO_32 ? TWO_32 - hi : TWO_32 - hi - 1;
  }
  words[2 * index + LOW_WORD] = lo % TWO_32;
  words[2 * index + 1 - LOW_WORD] = hi % TWO_32;
  return magnitudeHigh;
}
