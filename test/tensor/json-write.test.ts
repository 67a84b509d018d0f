/**
 * The JSON writer's place-aware form, stringifyJsonAt (json-write.ts): what `refuse` is shown (each value, before and
 * after toJSON, with its path and whether it is an array element), and the whole ValidationError for a cycle or too
 * deep a nesting, with the path, the tensor, and the shortened path of the message.
 */
import { describe, expect, it } from "vitest";
import { stringifyJson, ValidationError } from "kserve-client/tensor";
import { stringifyJsonAt } from "../../src/tensor/json-write.js";
import { thrown } from "../helpers.js";

/** `depth` arrays around 1: [[…[1]…]]. */
function nestedArrays(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** `depth` objects, each holding the next under `key` (or under the key `keys(level)` gives). */
function nestedObjects(depth: number, key: (level: number) => string): unknown {
  let v: unknown = 1;
  for (let level = depth - 1; level >= 0; level--) v = { [key(level)]: v };
  return v;
}

describe("stringifyJsonAt: what refuse sees", () => {
  it("is shown every value with its path and whether it is an array element, toJSON's input and output both", () => {
    const seen: string[] = [];
    const text = stringifyJsonAt(
      { a: [1, { toJSON: (key: string) => `j${key}` }], b: { c: 2n, d: undefined }, "": "e" },
      {
        path: "body",
        refuse: (v, at, inArray) => {
          seen.push(`${typeof v} ${typeof v === "object" ? "" : String(v)} @${at()} ${inArray}`);
        },
      },
    );
    expect(text).toBe('{"a":[1,"j1"],"b":{"c":2},"":"e"}');
    expect(seen).toEqual([
      "object  @body false",
      "object  @body.a false",
      "number 1 @body.a[0] true",
      "object  @body.a[1] true",
      "string j1 @body.a[1] true",
      "object  @body.b false",
      "bigint 2 @body.b.c false",
      "undefined undefined @body.b.d false",
      "string e @body. false",
    ]);
  });

  it("tells refuse that toJSON's input is a member, not an element, when it is one", () => {
    const seen: string[] = [];
    stringifyJsonAt(
      { m: { toJSON: () => 1 } },
      { path: "", refuse: (v, at, inArray) => void seen.push(`${typeof v} ${at()} ${inArray}`) },
    );
    expect(seen).toEqual(["object  false", "object m false", "number m false"]);
  });

  it("names paths from an empty base without a leading dot", () => {
    const paths: string[] = [];
    stringifyJsonAt([{ k: [true] }], { path: "", refuse: (_, at) => void paths.push(at()) });
    expect(paths).toEqual(["", "[0]", "[0].k", "[0].k[0]"]);
  });

  it("lets what refuse throws through, and writes nothing", () => {
    const refusal = new ValidationError("no");
    const refuse = (v: unknown) => {
      if (v === 3) throw refusal;
    };
    expect(() => stringifyJsonAt({ a: [1, 2, 3] }, { path: "p", refuse })).toThrow(refusal);
    expect(stringifyJsonAt({ a: [1, 2] }, { path: "p", refuse })).toBe('{"a":[1,2]}');
  });
});

describe("stringifyJsonAt: cycles", () => {
  it("names where the cycle closes and what it refers back to, with the tensor", () => {
    const c: { a: unknown[] } = { a: [1, { b: null }] };
    (c.a[1] as { b: unknown }).b = c;
    const error = thrown(ValidationError, () => stringifyJsonAt(c, { path: "parameters", tensor: "t" }));
    expect(error.message).toBe(
      '[invalid_argument] Tensor "t" parameters.a[1].b: a cycle, which JSON cannot carry: expected a tree of JSON ' +
        "values (no cycles), got a reference back to parameters. Send a copy without the back reference.",
    );
    expect(error.details).toEqual({
      tensor: "t",
      path: "parameters.a[1].b",
      expected: "a tree of JSON values (no cycles)",
      received: "a reference back to parameters",
    });
  });

  it("names an inner container as the target, and the value itself at the top", () => {
    const d: { a: unknown[] } = { a: [1, { b: null }] };
    (d.a[1] as { b: unknown }).b = d.a;
    expect(thrown(ValidationError, () => stringifyJsonAt(d, { path: "p" })).details).toStrictEqual({
      path: "p.a[1].b",
      expected: "a tree of JSON values (no cycles)",
      received: "a reference back to p.a",
    });
    const e: unknown[] = [];
    e.push(e);
    const self = thrown(ValidationError, () => stringifyJsonAt(e, { path: "" }));
    expect(self.details).toStrictEqual({
      path: "[0]",
      expected: "a tree of JSON values (no cycles)",
      received: "a reference back to the value itself",
    });
    expect(self.message).toBe(
      "[invalid_argument] [0]: a cycle, which JSON cannot carry: expected a tree of JSON values (no cycles), got a " +
        "reference back to the value itself. Send a copy without the back reference.",
    );
  });

  it("names the cycle's place by the keys that lead to it, not those of a deeper sibling written before", () => {
    const root: Record<string, unknown> = { a: { b: { c: {} } } };
    root["d"] = root;
    expect(thrown(ValidationError, () => stringifyJsonAt(root, { path: "" })).details).toStrictEqual({
      path: "d",
      expected: "a tree of JSON values (no cycles)",
      received: "a reference back to the value itself",
    });
    // stringifyJson reports from the body itself (an empty path).
    expect(thrown(ValidationError, () => stringifyJson(root)).details.path).toBe("d");
  });

  it("writes a value shared by siblings (no cycle) twice", () => {
    const shared = { x: 1 };
    expect(stringifyJsonAt({ a: shared, b: [shared, shared] }, { path: "" })).toBe(
      '{"a":{"x":1},"b":[{"x":1},{"x":1}]}',
    );
  });
});

describe("stringifyJsonAt: nesting", () => {
  it("writes 513 levels (depths 0 to 512, as the parser reads) and refuses 514", () => {
    expect(stringifyJsonAt(nestedArrays(513), { path: "" })).toBe(`${"[".repeat(513)}1${"]".repeat(513)}`);
    const error = thrown(ValidationError, () => stringifyJsonAt(nestedArrays(514), { path: "" }));
    const path = "[0]".repeat(513);
    expect(error.details).toStrictEqual({ path, expected: "at most 512 levels of nesting", received: "more" });
    // The message shows the path up to the last step that starts within its first 100 characters.
    expect(error.message).toBe(
      `[invalid_argument] ${"[0]".repeat(33)}…: nested too deep: expected at most 512 levels of nesting, got more.`,
    );
  });

  it("cuts a long path of names at a dot, and names the tensor", () => {
    const error = thrown(ValidationError, () =>
      stringifyJsonAt(
        nestedObjects(514, () => "key"),
        { path: "parameters", tensor: "x" },
      ),
    );
    const path = `parameters${".key".repeat(513)}`;
    expect(error.details).toEqual({
      tensor: "x",
      path,
      expected: "at most 512 levels of nesting",
      received: "more",
    });
    // Dots at 10, 14, …, 98: the cut is at 98.
    expect(error.message).toBe(
      `[invalid_argument] Tensor "x" parameters${".key".repeat(22)}…: nested too deep: expected at most 512 levels of nesting, got more.`,
    );
  });

  it("cuts at 100 characters where no step starts after the first character, and keeps a path of 100 whole", () => {
    const long = "k".repeat(150);
    const cut = thrown(ValidationError, () =>
      stringifyJsonAt(
        nestedObjects(514, (level) => (level === 0 ? long : "")),
        { path: "" },
      ),
    );
    expect(cut.details.path).toBe(`${long}${".".repeat(512)}`);
    expect(cut.message).toBe(
      `[invalid_argument] ${"k".repeat(100)}…: nested too deep: expected at most 512 levels of nesting, got more.`,
    );
    // Empty keys add nothing to an empty path: only the last one, 100 characters, is in it.
    const exact = "q".repeat(100);
    const whole = thrown(ValidationError, () =>
      stringifyJsonAt(
        nestedObjects(514, (level) => (level === 512 ? exact : "")),
        { path: "" },
      ),
    );
    expect(whole.details.path).toBe(exact);
    expect(whole.message).toBe(
      `[invalid_argument] ${exact}: nested too deep: expected at most 512 levels of nesting, got more.`,
    );
    // A step starting at 0 is no place to cut: a base path "[kkk…" is cut at 100 characters too.
    const bracket = thrown(ValidationError, () =>
      stringifyJsonAt(
        nestedObjects(514, () => ""),
        { path: `[${long}` },
      ),
    );
    expect(bracket.details.path).toBe(`[${long}${".".repeat(513)}`);
    expect(bracket.message).toBe(
      `[invalid_argument] [${"k".repeat(99)}…: nested too deep: expected at most 512 levels of nesting, got more.`,
    );
  });
});
