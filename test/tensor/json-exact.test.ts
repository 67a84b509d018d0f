/**
 * The exact JSON parser (json-parse.ts), which runs only where JSON.parse could be wrong: a 16+ digit integer in the
 * first 4 KiB, the bare NaN / Infinity tokens, a rounded integer in JSON.parse's result, or text JSON.parse refuses.
 * Each text here is made to take that path (by a 16+ digit integer or a NaN somewhere in it), and its result pinned
 * exactly: values, bigint versus number, -0 by Object.is, and the whole message of each refusal.
 */
import { describe, expect, it } from "vitest";
import { parseJson, ProtocolError } from "kserve-client/tensor";
import { parseJsonText } from "../../src/tensor/json-parse.js";
import { PackedIntegers, unpackAll } from "../../src/tensor/packed.js";
import { thrown } from "../helpers.js";

/** 2^53 + 1: a 16-digit integer, which sends any text holding it to the exact parser. */
const BIG = "9007199254740993";

/** The text as parseJson reads it; asked for packed arrays, the exact parser gives the same once unpacked. */
function exact(text: string): unknown {
  const value = parseJson(text);
  const packed = parseJsonText(text, true);
  expect(packed.packed ? unpackAll(packed.value) : packed.value).toStrictEqual(value);
  return value;
}

describe("the exact parser's values", () => {
  it("reads the exponent forms 1E2, 1E+2, 1e-2 and 2.5E1 as floats next to a long integer", () => {
    expect(exact(`[${BIG},1E2,1E+2,1e-2,2.5E1,-1E2]`)).toStrictEqual([9007199254740993n, 100, 100, 0.01, 25, -100]);
    expect(exact(`{"a":1E2,"b":${BIG}}`)).toStrictEqual({ a: 100, b: 9007199254740993n });
    expect(exact(`[NaN,[1E2]]`)).toStrictEqual([NaN, [100]]);
  });

  it("keeps -0 a negative zero in an all-integer array, wherever it stands", () => {
    const negativeZero = (x: unknown) => Object.is(x, -0);
    expect((exact(`[-0,${BIG}]`) as unknown[]).map(negativeZero)).toEqual([true, false]);
    expect((exact(`[${BIG},-0]`) as unknown[]).map(negativeZero)).toEqual([false, true]);
    expect((exact(`[NaN,[-0]]`) as unknown[][])[1]!.map(negativeZero)).toEqual([true]);
    expect((exact(`[NaN,[1,-0,2]]`) as unknown[][])[1]!.map(negativeZero)).toEqual([false, true, false]);
    expect(negativeZero((exact(`{"z":-0,"n":${BIG}}`) as { z: unknown }).z)).toBe(true);
    expect(exact(`[-0,${BIG}]`)).toStrictEqual([-0, 9007199254740993n]);
    expect(exact(`[NaN,[1,-0,2]]`)).toStrictEqual([NaN, [1, -0, 2]]);
    // 0 without a sign stays a positive zero.
    expect(Object.is((exact(`[NaN,[0]]`) as number[][])[1]![0], 0)).toBe(true);
  });

  it("reads integer arrays longer than the fast path's first buffer (32 elements) whole", () => {
    const safe = Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 1 : -1) * (i * 1_000_003 + 7));
    expect(exact(`[NaN,[${safe.join(",")}]]`)).toStrictEqual([NaN, safe]);
    const big = Array.from({ length: 100 }, (_, i) => 9007199254740993n + BigInt(i) * 123_456_789_012n);
    expect(exact(`[NaN,[${big.join(",")}]]`)).toStrictEqual([NaN, big]);
    // Exactly at the growth point: 32 and 33 elements.
    for (const n of [31, 32, 33, 64, 65]) {
      const values = Array.from({ length: n }, (_, i) => (i === n - 1 ? 9007199254740993n : i + 1));
      expect(parseJson(`[${values.join(",")}]`), `${n} elements`).toStrictEqual(values);
    }
  });

  it("packs long arrays of big integers for the tensor decoder, every element in place", () => {
    const signed = Array.from({ length: 70 }, (_, i) => (i === 69 ? -9223372036854775808n : BigInt(i) - 35n));
    const { value, packed } = parseJsonText(`[${signed.join(",")}]`, true);
    expect(packed).toBe(true);
    expect(value).toBeInstanceOf(PackedIntegers);
    const p = value as unknown as PackedIntegers;
    expect([p.length, p.hasNegative, p.hasHigh, p.buffer.byteLength]).toEqual([70, true, false, 560]);
    expect(Array.from(new BigInt64Array(p.buffer))).toEqual(signed);

    const unsigned = Array.from({ length: 40 }, (_, i) => (i === 0 ? 18446744073709551615n : BigInt(i)));
    const high = parseJsonText(`{"d":[${unsigned.join(" , ")}]}`, true);
    expect(high.packed).toBe(true);
    const q = (high.value as { d: unknown }).d as PackedIntegers;
    expect([q.length, q.hasNegative, q.hasHigh]).toEqual([40, false, true]);
    expect(Array.from(new BigUint64Array(q.buffer))).toEqual(unsigned);
    // The same texts through parseJson: plain arrays, bigint only beyond 2^53.
    expect(parseJson(`{"d":[${unsigned.join(" , ")}]}`)).toStrictEqual({
      d: unsigned.map((v) => (v < 2n ** 53n ? Number(v) : v)),
    });

    // Only an element beyond 2^53 makes an array packed; one of safe integers comes back as numbers.
    const safe = parseJsonText(`[${BIG},[9007199254740991,-9007199254740991,1]]`, true);
    expect(safe.packed).toBe(false);
    expect((safe.value as unknown[])[1]).toStrictEqual([9007199254740991, -9007199254740991, 1]);
  });

  it("packs an integer array whatever whitespace separates its elements (the fast path skips all four kinds)", () => {
    for (const ws of [" ", "\t", "\r", "\n", " \t\r\n"]) {
      const { value, packed } = parseJsonText(`[${ws}${BIG}${ws},${ws}-1${ws},2]`, true);
      expect(packed, JSON.stringify(ws)).toBe(true);
      expect(value).toBeInstanceOf(PackedIntegers);
      expect((value as unknown as PackedIntegers).unpack()).toStrictEqual([9007199254740993n, -1, 2]);
    }
    // What the fast path leaves to the general loop comes back plain: a float, -0, a nested array.
    for (const text of [`[${BIG},1.5]`, `[${BIG},-0]`, `[${BIG},[1]]`, `[${BIG},1e0]`]) {
      expect(parseJsonText(text, true).packed, text).toBe(false);
    }
  });

  it("leaves a mix of negative integers and integers of 2^63 or more to the general loop, exact", () => {
    const text = "[-1,18446744073709551615,9223372036854775808,-9223372036854775808]";
    expect(exact(text)).toStrictEqual([-1, 18446744073709551615n, 9223372036854775808n, -9223372036854775808n]);
  });

  it("reads integers beyond 64 bits, and floats, in an otherwise integer array", () => {
    expect(exact("[1,100000000000000000000,-18446744073709551616,18446744073709551616]")).toStrictEqual([
      1,
      10n ** 20n,
      -(2n ** 64n),
      2n ** 64n,
    ]);
    expect(exact(`[1,2.5,${BIG}]`)).toStrictEqual([1, 2.5, 9007199254740993n]);
    expect(exact(`[1,true,${BIG}]`)).toStrictEqual([1, true, 9007199254740993n]);
    expect(exact(`[1,[2],${BIG}]`)).toStrictEqual([1, [2], 9007199254740993n]);
    expect(exact(`[1,-Infinity,${BIG}]`)).toStrictEqual([1, -Infinity, 9007199254740993n]);
  });

  it("reads each integer size exactly outside arrays too, at the 2^53, 2^63 and 2^64 edges", () => {
    expect(
      exact(
        '{"a":9007199254740991,"b":9007199254740992,"c":-9007199254740991,"d":-9007199254740992,' +
          '"e":-9223372036854775808,"f":-9223372036854775809,"g":18446744073709551615,"h":18446744073709551616,' +
          '"i":-18446744073709551615,"j":1234567890123456,"k":-1234567890123456,"l":123456789012345,"m":-0,' +
          '"n":-9007199254740993,"o":-4294967296000000,"p":-9007199250546688}',
      ),
    ).toStrictEqual({
      a: 9007199254740991,
      b: 9007199254740992n,
      c: -9007199254740991,
      d: -9007199254740992n,
      e: -9223372036854775808n,
      f: -9223372036854775809n,
      g: 18446744073709551615n,
      h: 18446744073709551616n,
      i: -18446744073709551615n,
      j: 1234567890123456,
      k: -1234567890123456,
      l: 123456789012345,
      m: -0,
      n: -9007199254740993n,
      o: -4294967296000000,
      p: -9007199250546688,
    });
  });

  it("skips whitespace of all four kinds around every token, before and after the document", () => {
    const text = ` \t\r\n{ \t\r\n"a" \t\r\n: \t\r\n[ \t\r\n1 \t\r\n, \t\r\n${BIG} \t\r\n] \t\r\n, "b" :\n[ 1.5 ,\ttrue\r] } \t\r\n`;
    expect(exact(text)).toStrictEqual({ a: [1, 9007199254740993n], b: [1.5, true] });
    expect(exact(` [ ] `)).toStrictEqual([]);
    expect(exact(`[NaN, { } ,[ ]]`)).toStrictEqual([NaN, {}, []]);
  });

  it("reads strings with and without escapes, and the literals", () => {
    expect(exact(`["a\\"b\\u00e9\\n","",NaN,true,false,null,Infinity,-Infinity]`)).toStrictEqual([
      'a"bé\n',
      "",
      NaN,
      true,
      false,
      null,
      Infinity,
      -Infinity,
    ]);
  });

  it("makes object members plain data properties, as JSON.parse does (writable, enumerable, configurable)", () => {
    const value = exact(`{"__proto__":1,"n":${BIG}}`) as object;
    expect(Object.getOwnPropertyDescriptor(value, "__proto__")).toStrictEqual(
      Object.getOwnPropertyDescriptor(JSON.parse('{"__proto__":1}'), "__proto__"),
    );
    expect(Object.getOwnPropertyDescriptor(value, "n")).toStrictEqual({
      value: 9007199254740993n,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  });

  it("reads escaped quotes and backslashes, spaces and DEL in strings, escaped keys, and a repeated key's last value", () => {
    expect(exact(`["a\\\\","\\"",NaN," ~\u007f"]`)).toStrictEqual(["a\\", '"', NaN, " ~\u007f"]);
    expect(exact(`{"a\\u0041":NaN,"b":1,"b":${BIG}}`)).toStrictEqual({ aA: NaN, b: 9007199254740993n });
  });

  it("reads integers beyond 2^53 that JSON.parse rounded past the first 4 KiB (in arrays and objects, either sign)", () => {
    const pad = "p".repeat(5000);
    expect(parseJson(`{"pad":"${pad}","v":[1,9007199254740993]}`)).toStrictEqual({
      pad,
      v: [1, 9007199254740993n],
    });
    expect(parseJson(`{"pad":"${pad}","v":{"w":{"x":-9007199254740993}}}`)).toStrictEqual({
      pad,
      v: { w: { x: -9007199254740993n } },
    });
    expect(parseJson(`["${pad}",[[12345678901234567890]]]`)).toStrictEqual([pad, [[12345678901234567890n]]]);
    // A document that is one integer, after 5000 spaces.
    const spaces = " ".repeat(5000);
    expect(parseJson(`${spaces}9007199254740993`)).toBe(9007199254740993n);
    expect(parseJson(`${spaces}-9007199254740993 `)).toBe(-9007199254740993n);
    expect(parseJson(`${spaces}9007199254740991`)).toBe(9007199254740991);
    // Safe integers there stay numbers.
    expect(parseJson(`["${pad}",9007199254740991,-9007199254740991]`)).toStrictEqual([
      pad,
      9007199254740991,
      -9007199254740991,
    ]);
  });
});

describe("the exact parser's refusals", () => {
  it.each([
    ["-", "expected a digit", 1, "the end"],
    [`[${BIG},-]`, "expected a digit", 19, '"]"'],
    [`[${BIG},-x]`, "expected a digit", 19, '"x]"'],
    ["[-Inf]", "expected a digit", 2, '"Inf]"'],
    [`[NaN,-/]`, "expected a digit", 6, '"/]"'],
    [`[NaN,:]`, "expected a value", 5, '":]"'],
    [`[${BIG},1e]`, "expected a digit in the exponent", 20, '"]"'],
    [`[${BIG},1E]`, "expected a digit in the exponent", 20, '"]"'],
    [`[${BIG},1e+]`, "expected a digit in the exponent", 21, '"]"'],
    [`[${BIG},1E-x]`, "expected a digit in the exponent", 21, '"x]"'],
    [`[${BIG},1.]`, "expected a digit after '.'", 20, '"]"'],
    [`[${BIG},1.e5]`, "expected a digit after '.'", 20, '"e5]"'],
    [`[${BIG},.5]`, "expected a value", 18, '".5]"'],
    [`[${BIG},]`, "expected a value", 18, '"]"'],
    [`[NaN,tru]`, "expected a value", 5, '"tru]"'],
    [`{"a":${BIG} "b":1}`, "expected ',' or '}'", 22, '"\\"b\\":1}"'],
    [`{"a":NaN`, "expected ',' or '}'", 8, "the end"],
    [`{"a":${BIG},}`, "expected a property name", 22, '"}"'],
    [`{"a" ${BIG}}`, "expected ':'", 5, '"900719925474"'],
    [`[1 2, ${BIG}]`, "expected ',' or ']'", 3, '"2, 900719925"'],
    [`[NaN 1]`, "expected ',' or ']'", 5, '"1]"'],
    [`[NaN`, "expected ',' or ']'", 4, "the end"],
    [`[NaN,[1,2`, "expected ',' or ']'", 9, "the end"],
    [`[NaN,[1,2 3]]`, "expected ',' or ']'", 10, '"3]]"'],
    [`[01,NaN]`, "expected ',' or ']'", 2, '"1,NaN]"'],
    [`[-01,NaN]`, "expected ',' or ']'", 3, '"1,NaN]"'],
    [`["a\\q", NaN]`, "invalid escape in string", 1, '"\\"a\\\\q\\", NaN]"'],
    [`["a\u0001", NaN]`, "control character in string", 3, '"\\u0001\\", NaN]"'],
    [`["abc`, "unterminated string", 5, "the end"],
    // A backslash last: the position is the end of the text, not one past it.
    [`[NaN,"a\\`, "unterminated string", 8, "the end"],
    [`[NaN,"a\\"`, "unterminated string", 9, "the end"],
    [`["\u001f", NaN]`, "control character in string", 2, '"\\u001f\\", NaN]"'],
    [`[NaN,"\\u00"]`, "invalid escape in string", 5, '"\\"\\\\u00\\"]"'],
    [`{1:NaN}`, "expected a property name", 1, '"1:NaN}"'],
    [`[${BIG}] x`, "unexpected text after the JSON value", 19, '"x"'],
    [`[${BIG}]\n\t]`, "unexpected text after the JSON value", 20, '"]"'],
  ])("refuses %j: %s at position %i (found %s)", (text, problem, position, found) => {
    const error = thrown(ProtocolError, () => parseJson(text));
    expect(error.message).toBe(
      `[internal] Body is not valid JSON: ${problem} at position ${position} (found ${found}).`,
    );
    expect(error.details).toEqual({ path: `position ${position}` });
  });
});
