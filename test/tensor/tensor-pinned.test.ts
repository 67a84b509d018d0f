/**
 * The Tensor class pinned (issue 30): what it holds and how, at() over every index form with whole messages, the
 * readers of each datatype, strings(), the factories as properties, and the checks it shares with decoders.
 */
import { describe, expect, it } from "vitest";
import { DATATYPES, ProtocolError, Tensor, ValidationError, type Datatype } from "kserve-client/tensor";
import { checkDatatype, checkedTensor, checkName } from "../../src/tensor/tensor.js";
import { thrown } from "../helpers.js";

describe("what a tensor holds", () => {
  it("own properties in order, parameters undefined when not given", () => {
    const plain = Tensor.fp32("x", [1], [1]);
    // A class field: always an own property, as checkedTensor's objects have it (one object shape for both).
    expect(Object.keys(plain)).toEqual(["name", "datatype", "shape", "data", "parameters"]);
    expect(plain.parameters).toBeUndefined();
    const withParams = Tensor.fp32("x", [1], [1], { a: 1 });
    expect(Object.keys(withParams)).toEqual(["name", "datatype", "shape", "data", "parameters"]);
    expect(withParams.parameters).toEqual({ a: 1 });
  });

  it("size is the element count, shape a frozen copy", () => {
    expect(Tensor.fp32("x", [2, 3], new Float32Array(6)).size).toBe(6);
    expect(Tensor.fp32("x", [], [1]).size).toBe(1);
    expect(Tensor.bytes("x", [0, 2], []).size).toBe(0);
  });

  it("checkedTensor builds the same object without the checks", () => {
    const data = new Uint8Array([3]);
    const shape = [1];
    const t = checkedTensor("n", "BOOL", shape, data, undefined);
    expect(t).toBeInstanceOf(Tensor);
    expect([t.name, t.datatype, t.shape, t.data, t.parameters]).toEqual(["n", "BOOL", [1], data, undefined]);
    expect(t.data).toBe(data);
    expect(t.shape).not.toBe(shape);
    expect(Object.isFrozen(t.shape)).toBe(true);
    expect(Object.keys(t)).toEqual(["name", "datatype", "shape", "data", "parameters"]);
    expect(checkedTensor("n", "FP32", [0], new Float32Array(0), { p: true }).parameters).toEqual({ p: true });
  });

  it("toString", () => {
    expect(String(Tensor.bytes("words", [], ["a"]))).toBe("Tensor(words, BYTES, [])");
    expect(`${Tensor.int8("i", [1, 0, 2], [])}`).toBe("Tensor(i, INT8, [1, 0, 2])");
  });
});

describe("at()", () => {
  const t = Tensor.int32("m", [2, 3], [0, 1, 2, 3, 4, 5]);

  it("reads every element by positive and negative index", () => {
    const seen: number[] = [];
    for (let i = -2; i < 2; i++) for (let j = -3; j < 3; j++) seen.push(t.at(i, j) as number);
    expect(seen).toEqual([0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5, 0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5]);
    expect(Tensor.fp32("s", [], [2.5]).at()).toBe(2.5);
    expect(Tensor.fp32("v", [3], [7, 8, 9]).at(-1)).toBe(9);
  });

  it("the wrong number of indices, whole", () => {
    const err = thrown(ValidationError, () => t.at(1, 2, 0));
    expect([err.rawMessage, err.details]).toEqual([
      'Tensor "m" index: at() needs one index per dimension of shape [2, 3]: expected 2 indices, got 3.',
      { tensor: "m", path: "index", expected: "2 indices", received: "3" },
    ]);
    const v = thrown(ValidationError, () => Tensor.fp32("v", [3], [1, 2, 3]).at());
    expect([v.rawMessage, v.details]).toEqual([
      'Tensor "v" index: at() needs one index per dimension of shape [3]: expected 1 index, got 0.',
      { tensor: "v", path: "index", expected: "1 index", received: "0" },
    ]);
    expect(thrown(ValidationError, () => Tensor.fp32("s", [], [1]).at(0)).details).toEqual({
      tensor: "s",
      path: "index",
      expected: "0 indices",
      received: "1",
    });
  });

  it.each([
    [[2, 0], 0, "2", "is out of range for dimension 0 of size 2", "an integer in [-2, 1]"],
    [[-3, 0], 0, "-3", "is out of range for dimension 0 of size 2", "an integer in [-2, 1]"],
    [[0, 3], 1, "3", "is out of range for dimension 1 of size 3", "an integer in [-3, 2]"],
    [[0, -4], 1, "-4", "is out of range for dimension 1 of size 3", "an integer in [-3, 2]"],
    [[0.5, 0], 0, "0.5", "is not an integer", "an integer in [-2, 1]"],
    [[0, Number.NaN], 1, "NaN", "is not an integer", "an integer in [-3, 2]"],
    [[0, Number.POSITIVE_INFINITY], 1, "Infinity", "is not an integer", "an integer in [-3, 2]"],
  ] as const)("%j is refused at index[%d]", (index, d, shown, problem, expected) => {
    const err = thrown(ValidationError, () => t.at(...index));
    expect([err.rawMessage, err.details]).toEqual([
      `Tensor "m" index[${d}]: ${shown} ${problem}: expected ${expected}, got ${shown}.`,
      { tensor: "m", path: `index[${d}]`, expected, received: shown },
    ]);
  });

  it("a dimension of size 0 has no index", () => {
    expect(thrown(ValidationError, () => Tensor.fp32("e", [0], []).at(0)).details).toEqual({
      tensor: "e",
      path: "index[0]",
      expected: "an integer in [0, -1]",
      received: "0",
    });
  });
});

describe("readers by datatype", () => {
  it("toArray and at give each datatype's element kind", () => {
    const cases: [Tensor, unknown[]][] = [
      [Tensor.bool("t", [3], [true, false, true]), [true, false, true]],
      [Tensor.fp16("t", [2], new Uint16Array([0x3c00, 0xc000])), [1, -2]],
      [Tensor.bf16("t", [2], new Uint16Array([0x3fc0, 0x7f80])), [1.5, Number.POSITIVE_INFINITY]],
      [Tensor.int64("t", [2], [-1n, 5n]), [-1n, 5n]],
      [Tensor.uint8("t", [2], [0, 255]), [0, 255]],
      [Tensor.fp64("t", [1], [0.1]), [0.1]],
    ];
    for (const [tensor, elements] of cases) {
      expect(tensor.toArray(), tensor.datatype).toEqual(elements);
      expect(
        elements.map((_, i) => tensor.at(i)),
        tensor.datatype,
      ).toEqual(elements);
    }
    const a = new Uint8Array([1]);
    expect(Tensor.bytes("t", [1], [a]).at(0)).toBe(a);
  });

  it("BOOL reads any nonzero byte as true (decoders check bytes first)", () => {
    expect(checkedTensor("b", "BOOL", [2], new Uint8Array([0, 7]), undefined).toArray()).toEqual([false, true]);
  });
});

describe("strings()", () => {
  it("decodes each element, and names the one that is not UTF-8", () => {
    expect(Tensor.bytes("w", [3], ["a", "", "é"]).strings()).toEqual(["a", "", "é"]);
    const err = thrown(ValidationError, () =>
      Tensor.bytes("w", [3], ["ok", "ok", new Uint8Array([0xff, 0xfe, 0xfd])]).strings(),
    );
    expect([err.rawMessage, err.details]).toEqual([
      'Tensor "w" data[2] is not valid UTF-8: expected UTF-8 text, got 3 bytes that are not UTF-8. Read it as bytes from .data.',
      { tensor: "w", path: "data[2]", expected: "UTF-8 text", received: "3 bytes that are not UTF-8" },
    ]);
  });

  it("on another datatype, whole", () => {
    const err = thrown(ValidationError, () => (Tensor.fp32("f", [1], [1]) as unknown as Tensor<"BYTES">).strings());
    expect([err.rawMessage, err.details]).toEqual([
      'Tensor "f" datatype: strings() reads BYTES tensors: expected BYTES, got FP32. Read numbers with toArray() or .data.',
      { tensor: "f", path: "datatype", expected: "BYTES", received: "FP32" },
    ]);
  });
});

describe("factories", () => {
  it("one per datatype, named in lower case, writable, configurable and not enumerable", () => {
    for (const datatype of DATATYPES) {
      const descriptor = Object.getOwnPropertyDescriptor(Tensor, datatype.toLowerCase());
      expect(descriptor).toEqual({
        value: expect.any(Function),
        writable: true,
        enumerable: false,
        configurable: true,
      });
      const data = datatype === "BYTES" ? ["x"] : datatype === "BOOL" ? [true] : [1];
      const t = (descriptor!.value as (...a: unknown[]) => Tensor)("n", [1], data, { k: 1 });
      expect([t.name, t.datatype, t.shape, t.parameters, t.size]).toEqual(["n", datatype, [1], { k: 1 }, 1]);
    }
  });
});

describe("the name and datatype checks", () => {
  it("checkName: a non-empty string, else the origin's error at the path", () => {
    expect(checkName("x", "input")).toBe("x");
    for (const [bad, received] of [
      ["", '""'],
      [1, "1"],
      [null, "null"],
      [undefined, "undefined"],
    ] as const) {
      const v = thrown(ValidationError, () => checkName(bad, "input"));
      expect([v.rawMessage, v.details]).toEqual([
        `name: invalid tensor name: expected a non-empty string, got ${received}.`,
        { path: "name", expected: "a non-empty string", received },
      ]);
    }
    expect(thrown(ProtocolError, () => checkName("", "response", "outputs[1].name")).details.path).toBe(
      "outputs[1].name",
    );
    const ctor = thrown(ValidationError, () => new Tensor(7 as unknown as string, "FP32", [1], [1]));
    expect(ctor.details).toEqual({ path: "name", expected: "a non-empty string", received: "7" });
  });

  it("checkDatatype: one of the fourteen, else the origin's error listing them", () => {
    expect(checkDatatype("BF16", "input")).toBe("BF16");
    const expected = `one of ${DATATYPES.join(", ")}`;
    const v = thrown(ValidationError, () => checkDatatype("fp32" as Datatype, "input", "t"));
    expect([v.rawMessage, v.details]).toEqual([
      `Tensor "t" datatype: unknown datatype: expected ${expected}, got "fp32".`,
      { tensor: "t", path: "datatype", expected, received: '"fp32"' },
    ]);
    expect(
      thrown(ProtocolError, () => checkDatatype(3 as unknown as Datatype, "response", "t", "o.datatype")).details,
    ).toEqual({
      tensor: "t",
      path: "o.datatype",
      expected,
      received: "3",
    });
  });

  it("the constructor checks name, then datatype, then shape, then data", () => {
    expect(thrown(ValidationError, () => new Tensor("", "NO" as Datatype, [-1], 5 as never)).details.path).toBe("name");
    expect(thrown(ValidationError, () => new Tensor("x", "NO" as Datatype, [-1], 5 as never)).details.path).toBe(
      "datatype",
    );
    expect(thrown(ValidationError, () => new Tensor("x", "FP32", [-1], 5 as never)).details.path).toBe("shape[0]");
    expect(thrown(ValidationError, () => new Tensor("x", "FP32", [1], 5 as never)).details.path).toBe("data");
  });
});
