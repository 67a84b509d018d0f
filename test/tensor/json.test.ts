import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseJson, ProtocolError, stringifyJson, ValidationError } from "kserve-client/tensor";
import { cases } from "../sampling.js";

describe("parseJson", () => {
  it("returns the same value as JSON.parse for ordinary JSON", () => {
    const text = '{"a":[1,2.5,-3e2,true,null,"s\\u00e9\\n"],"b":{"c":{}},"d":[]}';
    expect(parseJson(text)).toEqual(JSON.parse(text));
  });

  it("keeps integers beyond 2^53 exact as bigint, and safe ones as numbers", () => {
    const value = parseJson(
      '{"data":[-9223372036854775808,9223372036854775807,18446744073709551615,9007199254740993,5]}',
    );
    expect(value).toEqual({
      data: [-9223372036854775808n, 9223372036854775807n, 18446744073709551615n, 9007199254740993n, 5],
    });
  });

  it("keeps exact integers at the boundary as numbers", () => {
    expect(parseJson("[9007199254740991,-9007199254740991,1234567890123456]")).toEqual([
      9007199254740991, -9007199254740991, 1234567890123456,
    ]);
    expect(parseJson("[9007199254740992]")).toEqual([9007199254740992n]);
  });

  it("reads any integer exactly, inside and beyond 64 bits, signed or not", () => {
    const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), fc.integer({ min: 0, max: 3 }), (value, shift) => {
        // Shifting toward the 2^63 / 2^64 edges makes the boundaries likely, not just reachable.
        const v = shift === 0 ? value : value >> BigInt(shift * 8);
        const parsed = parseJson(`[${v},1.5]`) as (number | bigint)[];
        expect(parsed[0]).toStrictEqual(v >= -MAX_SAFE && v <= MAX_SAFE ? Number(v) : v);
      }),
      { numRuns: cases(5000) },
    );
    for (const v of [
      2n ** 63n - 1n,
      2n ** 63n,
      2n ** 64n - 1n,
      2n ** 64n,
      -(2n ** 63n),
      -(2n ** 63n) - 1n,
      10n ** 19n,
      -(10n ** 19n) + 1n,
    ]) {
      expect(parseJson(`{"a":[0,${v}]}`)).toEqual({ a: [0, v] });
    }
  });

  it("keeps floating-point tokens as numbers even when large", () => {
    expect(parseJson("[1e300, 12345678901234567890.5, -0, -0.0]")).toEqual([1e300, 12345678901234567890.5, -0, -0]);
    expect(Object.is((parseJson("[-0.0]") as number[])[0], -0)).toBe(true);
  });

  it("accepts Triton's bare NaN, Infinity and -Infinity tokens", () => {
    expect(parseJson('{"data":[NaN, Infinity, -Infinity, 1]}')).toEqual({ data: [NaN, Infinity, -Infinity, 1] });
  });

  it("finds big integers nested in objects inside arrays", () => {
    expect(parseJson('[{"x":{"y":[12345678901234567890]}}]')).toEqual([{ x: { y: [12345678901234567890n] } }]);
  });

  it("keeps a __proto__ key as data, as JSON.parse does", () => {
    const value = parseJson('{"__proto__":{"polluted":1},"n":12345678901234567890}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["__proto__", "n"]);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it.each([
    ["", "expected a value"],
    ["{", "expected a property name"],
    ['{"a" 1}', "expected ':'"],
    ["[1,]", "expected a value"],
    ["[1 2]", "expected ',' or ']'"],
    ['"abc', "unterminated string"],
    ['"a\\x"', "invalid escape"],
    ["01", "unexpected text after the JSON value"],
    ["-", "expected a digit"],
    ["1.", "expected a digit after '.'"],
    ["1e", "expected a digit in the exponent"],
    ["nul", "expected a value"],
    ['"a\u0001"', "control character in string"],
    ["[1] x", "unexpected text after the JSON value"],
  ])("rejects %j with a ProtocolError naming the position (%s)", (text, problem) => {
    let error: unknown;
    try {
      parseJson(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).message).toContain(problem);
    expect((error as ProtocolError).message).toMatch(/at position \d+/);
  });

  it("rejects nesting deeper than 512 levels rather than overflowing the stack", () => {
    expect(() => parseJson(`${"[".repeat(600)}NaN${"]".repeat(600)}`)).toThrow(ProtocolError);
  });

  it("draws the nesting limit at the same depth whichever path parses the text (a long integer elsewhere sends it to the exact parser)", () => {
    // Found by fuzzing: 513 nested containers around a string were read by the JSON.parse path but refused by the
    // exact parser, so the same document was accepted or refused depending on an unrelated field.
    for (const [open, close] of [
      ["[", "]"],
      ['{"a":', "}"],
    ] as const) {
      for (const inner of ['"s"', "1", "NaN", "[1.5]"]) {
        for (const n of [512, 513, 514]) {
          const nested = `${open.repeat(n)}${inner}${close.repeat(n)}`;
          const outcome = (text: string) => {
            try {
              parseJson(text);
              return "read";
            } catch (error) {
              expect(error).toBeInstanceOf(ProtocolError);
              return "refused";
            }
          };
          const alone = outcome(`[${nested}]`);
          const withLongInteger = outcome(`[12345678901234567890,${nested}]`);
          expect(withLongInteger, `${n} × ${open} around ${inner}`).toBe(alone);
        }
      }
    }
    // 513 arrays in all (depths 0 to 512) are read on both paths; 514 are refused on both.
    expect(() => parseJson(`[1,${"[".repeat(512)}"s"${"]".repeat(512)}]`)).not.toThrow();
    expect(() => parseJson(`[12345678901234567890,${"[".repeat(512)}"s"${"]".repeat(512)}]`)).not.toThrow();
    expect(() => parseJson(`[1,${"[".repeat(513)}"s"${"]".repeat(513)}]`)).toThrow(/nesting deeper than 512 levels/);
    expect(() => parseJson(`[12345678901234567890,${"[".repeat(513)}"s"${"]".repeat(513)}]`)).toThrow(
      /nesting deeper than 512 levels/,
    );
  });
});

describe("stringifyJson", () => {
  it("writes bigints exactly", () => {
    expect(stringifyJson({ a: 18446744073709551615n, b: [-9223372036854775808n, 1] })).toBe(
      '{"a":18446744073709551615,"b":[-9223372036854775808,1]}',
    );
  });

  it("behaves like JSON.stringify otherwise", () => {
    const value = {
      s: 'q"\u0001',
      n: 1.5,
      t: true,
      z: null,
      u: undefined,
      nan: NaN,
      arr: [undefined, 1],
      nested: { d: new Date(0) },
    };
    expect(stringifyJson(value)).toBe(JSON.stringify(value));
    expect(stringifyJson(undefined)).toBe("null");
  });

  it("calls toJSON once per value, with its key, as JSON.stringify does", () => {
    const keys: string[] = [];
    const value = {
      self: {
        toJSON() {
          return this;
        },
      },
      list: [{ toJSON: (key: string) => (keys.push(key), key) }],
      named: { toJSON: (key: string) => (keys.push(key), key) },
    };
    expect(stringifyJson(value)).toBe(JSON.stringify(value));
    expect(stringifyJson(value)).toBe('{"self":{},"list":["0"],"named":"named"}');
    expect(keys).toEqual(["0", "named", "0", "named", "0", "named"]); // three writes above
  });

  it("writes array holes as null and boxed primitives as their values, as JSON.stringify does", () => {
    // eslint-disable-next-line no-sparse-arrays
    const value = { holes: [1, , 3], boxed: [new Number(3), new String("s"), new Boolean(false)] };
    expect(stringifyJson(value)).toBe(JSON.stringify(value));
    expect(stringifyJson(value)).toBe('{"holes":[1,null,3],"boxed":[3,"s",false]}');
  });

  it("cannot be fooled by strings that look like integers", () => {
    expect(stringifyJson(["\u0001123", "123"])).toBe(JSON.stringify(["\u0001123", "123"]));
  });

  it("refuses cycles with a ValidationError", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    expect(() => stringifyJson(cyclic)).toThrow(ValidationError);
  });

  it("round-trips through parseJson", () => {
    const value = { id: "r", parameters: { big: 12345678901234567890n, small: 3, flag: false, text: "x" } };
    expect(parseJson(stringifyJson(value))).toEqual(value);
  });
});
