/**
 * The binary framing, pinned (issue 30): what `decodeTensorBody` keeps and drops of a binary tensor's parameters,
 * every null it can meet (header length, binary_data_size, the whole header), the header length's spellings, and
 * each refusal's exact message and details.
 */
import { describe, expect, it } from "vitest";
import {
  decodeTensorBody,
  encodeTensorBody,
  ProtocolError,
  Tensor,
  ValidationError,
  type DecodeTensorBodyOptions,
} from "kserve-client/tensor";
import { concat, thrown } from "../helpers.js";

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** A body of `header` (JSON text) followed by `tail`, with the right header length. */
function framed(header: string, tail: readonly number[] = []): { bytes: Uint8Array; headerLength: number } {
  const head = utf8(header);
  return { bytes: concat([head, Uint8Array.from(tail)]), headerLength: head.byteLength };
}

/** One output entry as JSON text. */
const entry = (fields: Record<string, unknown>) =>
  JSON.stringify({ name: "x", shape: [2], datatype: "UINT8", ...fields });

function refusal(bytes: Uint8Array, options: DecodeTensorBodyOptions): { message: string; details: object } {
  const err = thrown(ProtocolError, () => decodeTensorBody(bytes, options));
  return { message: err.message, details: err.details };
}

describe("decodeTensorBody keeps a binary tensor's other parameters", () => {
  it("drops binary_data_size only, every other parameter kept as sent, in order", () => {
    const { bytes, headerLength } = framed(
      `{"outputs":[${entry({ parameters: { content_type: "np", binary_data_size: 2, shm: null, n: [1, { a: true }] } })}]}`,
      [7, 9],
    );
    const [t] = decodeTensorBody(bytes, { key: "outputs", headerLength }).tensors;
    expect(t).toBeInstanceOf(Tensor);
    expect(t!.parameters).toEqual({ content_type: "np", shm: null, n: [1, { a: true }] });
    expect(Object.keys(t!.parameters!)).toEqual(["content_type", "shm", "n"]);
    expect([t!.name, t!.datatype, t!.shape, Array.from(t!.data as Uint8Array)]).toEqual(["x", "UINT8", [2], [7, 9]]);
  });

  it("a tensor whose only parameter is binary_data_size has no parameters", () => {
    const { bytes, headerLength } = framed(`{"outputs":[${entry({ parameters: { binary_data_size: 2 } })}]}`, [1, 2]);
    const [t] = decodeTensorBody(bytes, { key: "outputs", headerLength }).tensors;
    expect(t!.parameters).toBeUndefined();
  });

  it("keeps the parameters of each binary tensor with its own section, JSON ones between them", () => {
    const header = `{"outputs":[${[
      entry({ name: "a", parameters: { binary_data_size: 2, tag: "a" } }),
      entry({ name: "j", data: [3, 4], parameters: { tag: "j" } }),
      entry({ name: "b", shape: [1], parameters: { tag: "b", binary_data_size: 1 } }),
    ].join(",")}]}`;
    const { bytes, headerLength } = framed(header, [1, 2, 5]);
    const tensors = decodeTensorBody(bytes, { key: "outputs", headerLength }).tensors;
    expect(tensors.map((t) => [t.name, t.shape, Array.from(t.data as Uint8Array), t.parameters])).toEqual([
      ["a", [2], [1, 2], { tag: "a" }],
      ["j", [2], [3, 4], { tag: "j" }],
      ["b", [1], [5], { tag: "b" }],
    ]);
  });

  it("round-trips parameters: encode adds binary_data_size, decode removes it", () => {
    const t = Tensor.int16("x", [2], [-1, 300], { content_type: "np", priority: 2, nested: { deep: [null] } });
    const body = encodeTensorBody([t], { key: "inputs" });
    expect(text(body.chunks[0]!)).toBe(
      '{"inputs":[{"name":"x","shape":[2],"datatype":"INT16","parameters":{"content_type":"np","priority":2,"nested":{"deep":[null]},"binary_data_size":4}}]}',
    );
    const [back] = decodeTensorBody(concat(body.chunks), { key: "inputs", headerLength: body.headerLength }).tensors;
    expect(back!.parameters).toEqual({ content_type: "np", priority: 2, nested: { deep: [null] } });
    expect(Array.from(back!.data as Int16Array)).toEqual([-1, 300]);
  });
});

describe("nulls in the framing", () => {
  it("headerLength null means no header length: the whole body is JSON", () => {
    const body = utf8(`{"id":"r","outputs":[${entry({ data: [1, 2] })}]}`);
    const decoded = decodeTensorBody(body, { key: "outputs", headerLength: null });
    expect(decoded.fields).toEqual({ id: "r" });
    expect(decoded.tensors.map((t) => [t.name, Array.from(t.data as Uint8Array)])).toEqual([["x", [1, 2]]]);
    expect(decoded).toEqual(decodeTensorBody(body, { key: "outputs" }));
  });

  it("headerLength null with a binary tensor: binary_data_size without a header length", () => {
    const { bytes } = framed(`{"outputs":[${entry({ parameters: { binary_data_size: 2 } })}]}`, [1, 2]);
    // Read whole as JSON, the body has a tail that is not JSON.
    expect(thrown(ProtocolError, () => decodeTensorBody(bytes, { key: "outputs", headerLength: null }))).toBeInstanceOf(
      ProtocolError,
    );
    const header = utf8(`{"outputs":[${entry({ parameters: { binary_data_size: 2 } })}]}`);
    expect(refusal(header, { key: "outputs", headerLength: null })).toEqual({
      message:
        '[internal] Tensor "x" outputs[0].parameters.binary_data_size: binary_data_size without Inference-Header-Content-Length: expected an Inference-Header-Content-Length header, got none.',
      details: {
        tensor: "x",
        path: "outputs[0].parameters.binary_data_size",
        expected: "an Inference-Header-Content-Length header",
        received: "none",
      },
    });
  });

  it("binary_data_size null is no binary_data_size: the tensor is read from JSON data, the null parameter kept", () => {
    const body = utf8(`{"outputs":[${entry({ data: [1, 0], parameters: { binary_data_size: null, a: 1 } })}]}`);
    const [t] = decodeTensorBody(body, { key: "outputs" }).tensors;
    expect(Array.from(t!.data as Uint8Array)).toEqual([1, 0]);
    expect(t!.parameters).toEqual({ binary_data_size: null, a: 1 });
    // Also with a header length: nothing of the body is a section.
    expect(decodeTensorBody(body, { key: "outputs", headerLength: body.byteLength }).tensors[0]!.parameters).toEqual({
      binary_data_size: null,
      a: 1,
    });
  });

  it("binary_data_size null and no data: missing data", () => {
    const body = utf8(`{"outputs":[${entry({ parameters: { binary_data_size: null } })}]}`);
    expect(refusal(body, { key: "outputs" })).toEqual({
      message:
        '[internal] Tensor "x" outputs[0].data: missing data: expected a data array or parameters.binary_data_size, got neither.',
      details: {
        tensor: "x",
        path: "outputs[0].data",
        expected: "a data array or parameters.binary_data_size",
        received: "neither",
      },
    });
  });

  it("data null next to binary_data_size is no data: the section is read", () => {
    const { bytes, headerLength } = framed(
      `{"outputs":[${entry({ data: null, parameters: { binary_data_size: 2 } })}]}`,
      [4, 5],
    );
    const [t] = decodeTensorBody(bytes, { key: "outputs", headerLength }).tensors;
    expect(Array.from(t!.data as Uint8Array)).toEqual([4, 5]);
  });

  it("a JSON null as the whole header, or any other non-object", () => {
    for (const [json, got] of [
      ["null", "null"],
      ["[1,2]", "an array of length 2"],
      ['"outputs"', '"outputs"'],
      ["5", "5"],
      ["true", "true"],
    ] as const) {
      expect(refusal(utf8(json), { key: "outputs" }), json).toEqual({
        message: `[internal] Expected a JSON object as the body, got ${got}.`,
        details: { expected: "a JSON object", received: got },
      });
      expect(refusal(utf8(json), { key: "outputs", headerLength: json.length }).details).toEqual({
        expected: "a JSON object",
        received: got,
      });
    }
  });

  it("a tensor array that is null or not an array", () => {
    for (const [json, got] of [
      ["null", "null"],
      ["{}", "an object"],
      ['"x"', '"x"'],
      ["1", "1"],
    ]) {
      expect(refusal(utf8(`{"outputs":${json}}`), { key: "outputs" })).toEqual({
        message: `[internal] outputs: expected an array of tensors, got ${got}.`,
        details: { path: "outputs", expected: "an array of tensors", received: got },
      });
    }
    expect(refusal(utf8('{"inputs":3}'), { key: "inputs" }).details).toEqual({
      path: "inputs",
      expected: "an array of tensors",
      received: "3",
    });
  });

  it("tensor parameters null are absent; a tensor entry null is refused", () => {
    const [t] = decodeTensorBody(utf8(`{"outputs":[${entry({ data: [1, 1], parameters: null })}]}`), {
      key: "outputs",
    }).tensors;
    expect(t!.parameters).toBeUndefined();
    expect(refusal(utf8('{"outputs":[null]}'), { key: "outputs" })).toEqual({
      message:
        "[internal] outputs[0]: invalid tensor: expected an object with name, datatype, shape and data, got null.",
      details: { path: "outputs[0]", expected: "an object with name, datatype, shape and data", received: "null" },
    });
  });
});

describe("the tensor array and the other fields", () => {
  it("takes the tensors from the key asked for and leaves the other array among the fields", () => {
    const body = utf8(
      `{"model_name":"m","inputs":[${entry({ name: "i", data: [1, 2] })}],"outputs":[${entry({ name: "o", data: [3, 4] })}],"id":"7"}`,
    );
    const asResponse = decodeTensorBody(body, { key: "outputs" });
    expect(asResponse.tensors.map((t) => t.name)).toEqual(["o"]);
    expect(Object.keys(asResponse.fields)).toEqual(["model_name", "inputs", "id"]);
    expect(asResponse.fields["inputs"]).toEqual([{ name: "i", shape: [2], datatype: "UINT8", data: [1, 2] }]);
    const asRequest = decodeTensorBody(body, { key: "inputs" });
    expect(asRequest.tensors.map((t) => t.name)).toEqual(["i"]);
    expect(Object.keys(asRequest.fields)).toEqual(["model_name", "outputs", "id"]);
  });

  it("an empty tensor array gives no tensors and the fields", () => {
    expect(decodeTensorBody(utf8('{"outputs":[],"x":[1]}'), { key: "outputs" })).toEqual({
      fields: { x: [1] },
      tensors: [],
    });
  });

  it("a __proto__ field keeps its value as an own, enumerable, writable field", () => {
    const { fields } = decodeTensorBody(utf8('{"__proto__":[1,2],"outputs":[]}'), { key: "outputs" });
    expect(Object.getOwnPropertyDescriptor(fields, "__proto__")).toEqual({
      value: [1, 2],
      enumerable: true,
      writable: true,
      configurable: true,
    });
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
  });

  it("fields with big integers come back as bigints even when no tensor has any", () => {
    const { fields } = decodeTensorBody(utf8('{"id":12345678901234567890,"p":{"a":[9007199254740993]},"outputs":[]}'), {
      key: "outputs",
    });
    expect(fields).toEqual({ id: 12345678901234567890n, p: { a: [9007199254740993n] } });
  });
});

describe("header length spellings", () => {
  const body = framed(`{"outputs":[${entry({ parameters: { binary_data_size: 2 } })}]}`, [8, 9]);
  const n = body.headerLength;
  const decode = (headerLength: DecodeTensorBodyOptions["headerLength"]) =>
    decodeTensorBody(body.bytes, { key: "outputs", headerLength }).tensors.map((t) => Array.from(t.data as Uint8Array));

  it.each([n, String(n), ` ${n}`, `${n} `, `\t${n}\r\n`, `  ${n}  `, `0${n}`])("%j is the length", (value) => {
    expect(decode(value)).toEqual([[8, 9]]);
  });

  it.each([
    [`${n}x`, `"${n}x"`],
    [`x${n}`, `"x${n}"`],
    [`${String(n)[0]} ${String(n).slice(1)}`, `"${String(n)[0]} ${String(n).slice(1)}"`],
    [`-${n}`, `"-${n}"`],
    [`+${n}`, `"+${n}"`],
    [`${n}.0`, `"${n}.0"`],
    ["", '""'],
    [" ", '" "'],
    ["0", '"0"'],
    [0, "0"],
    [-1, "-1"],
    [n + 0.5, String(n + 0.5)],
    [Number.NaN, "NaN"],
    [body.bytes.byteLength + 1, String(body.bytes.byteLength + 1)],
    [String(body.bytes.byteLength + 1), `"${body.bytes.byteLength + 1}"`],
    [2 ** 53, String(2 ** 53)],
  ] as const)("%j is refused", (value, received) => {
    expect(refusal(body.bytes, { key: "outputs", headerLength: value })).toEqual({
      message: `[internal] inference-header-content-length: invalid Inference-Header-Content-Length: expected an integer from 1 to the body length (${body.bytes.byteLength}), got ${received}.`,
      details: {
        path: "inference-header-content-length",
        expected: `an integer from 1 to the body length (${body.bytes.byteLength})`,
        received,
      },
    });
  });

  it("1 and the whole body length are in range", () => {
    const json = utf8("{}");
    expect(decodeTensorBody(json, { key: "outputs", headerLength: 2 })).toEqual({ fields: {}, tensors: [] });
    expect(decodeTensorBody(json, { key: "outputs", headerLength: "2" })).toEqual({ fields: {}, tensors: [] });
    // A header length of 1 cuts "{}" to "{", which is not JSON: refused by the parser, not the range check.
    const err = thrown(ProtocolError, () => decodeTensorBody(json, { key: "outputs", headerLength: 1 }));
    expect(err.details.path).not.toBe("inference-header-content-length");
  });
});

describe("refusals of a binary tensor, whole", () => {
  const where = (received: string, expected = "a non-negative integer") => ({
    tensor: "x",
    path: "outputs[0].parameters.binary_data_size",
    expected,
    received,
  });

  it.each([
    ["-1", "-1"],
    ['"2"', '"2"'],
    ["1.5", "1.5"],
    ["true", "true"],
    ["[2]", "an array of length 1"],
    ["{}", "an object"],
    ["99999999999999999999", "99999999999999999999n"],
    ["9007199254740992", "9007199254740992n"],
    ["1e300", "1e+300"],
  ])("binary_data_size %s", (size, received) => {
    const { bytes, headerLength } = framed(
      `{"outputs":[{"name":"x","shape":[2],"datatype":"UINT8","parameters":{"binary_data_size":${size}}}]}`,
      [1, 2],
    );
    expect(refusal(bytes, { key: "outputs", headerLength })).toEqual({
      message: `[internal] Tensor "x" outputs[0].parameters.binary_data_size: invalid binary_data_size: expected a non-negative integer, got ${received}.`,
      details: where(received),
    });
  });

  it("binary_data_size 9007199254740991 (the largest safe integer) is a size, too large for the body", () => {
    const { bytes, headerLength } = framed(
      '{"outputs":[{"name":"x","shape":[2],"datatype":"UINT8","parameters":{"binary_data_size":9007199254740991}}]}',
      [1, 2],
    );
    expect(refusal(bytes, { key: "outputs", headerLength }).details).toEqual(
      where("2 bytes left", `9007199254740991 bytes at offset ${headerLength}`),
    );
  });

  it("both data and binary_data_size", () => {
    const { bytes, headerLength } = framed(
      `{"outputs":[${entry({ data: [], parameters: { binary_data_size: 2 } })}]}`,
      [1, 2],
    );
    expect(refusal(bytes, { key: "outputs", headerLength })).toEqual({
      message:
        '[internal] Tensor "x" outputs[0].parameters.binary_data_size: both data and binary_data_size: expected one of them, got both.',
      details: where("both", "one of them"),
    });
  });

  it("a section past the end of the body", () => {
    const { bytes, headerLength } = framed(`{"outputs":[${entry({ parameters: { binary_data_size: 3 } })}]}`, [1, 2]);
    expect(refusal(bytes, { key: "outputs", headerLength })).toEqual({
      message: `[internal] Tensor "x" outputs[0].parameters.binary_data_size: binary section runs past the end of the body: expected 3 bytes at offset ${headerLength}, got 2 bytes left.`,
      details: where("2 bytes left", `3 bytes at offset ${headerLength}`),
    });
  });

  it("the second section past the end counts from where the first ended", () => {
    const header = `{"outputs":[${entry({ name: "a", parameters: { binary_data_size: 2 } })},${entry({ name: "b", parameters: { binary_data_size: 2 } })}]}`;
    const { bytes, headerLength } = framed(header, [1, 2, 3]);
    expect(refusal(bytes, { key: "outputs", headerLength }).details).toEqual({
      tensor: "b",
      path: "outputs[1].parameters.binary_data_size",
      expected: `2 bytes at offset ${headerLength + 2}`,
      received: "1 bytes left",
    });
  });

  it("sections that do not add up to the body", () => {
    const { bytes, headerLength } = framed(
      `{"outputs":[${entry({ parameters: { binary_data_size: 2 } })}]}`,
      [1, 2, 3],
    );
    expect(refusal(bytes, { key: "outputs", headerLength })).toEqual({
      message: `[internal] binary sections do not add up to the body: expected ${headerLength + 2} bytes (header and sections), got ${headerLength + 3} bytes.`,
      details: { expected: `${headerLength + 2} bytes (header and sections)`, received: `${headerLength + 3} bytes` },
    });
    // A JSON-only body with a header length shorter than the body: the rest is bytes no section claims.
    const json = utf8('{"outputs":[]}  ');
    expect(refusal(json, { key: "outputs", headerLength: 14 }).details).toEqual({
      expected: "14 bytes (header and sections)",
      received: "16 bytes",
    });
  });

  it("a bad shape, datatype or name on a binary tensor, with its path", () => {
    const bad = (fields: Record<string, unknown>) =>
      refusal(framed(`{"outputs":[${entry({ parameters: { binary_data_size: 2 }, ...fields })}]}`, [1, 2]).bytes, {
        key: "outputs",
        headerLength: utf8(`{"outputs":[${entry({ parameters: { binary_data_size: 2 }, ...fields })}]}`).byteLength,
      });
    expect(bad({ shape: [-2] })).toEqual({
      message: '[internal] Tensor "x" outputs[0].shape[0]: invalid shape: expected a non-negative integer, got -2.',
      details: { tensor: "x", path: "outputs[0].shape[0]", expected: "a non-negative integer", received: "-2" },
    });
    expect(bad({ shape: "2" }).details).toEqual({
      tensor: "x",
      path: "outputs[0].shape",
      expected: "an array of non-negative integers",
      received: '"2"',
    });
    expect(bad({ datatype: "uint8" })).toEqual({
      message: '[internal] Tensor "x" outputs[0].datatype: unknown datatype: expected a known datatype, got "uint8".',
      details: { tensor: "x", path: "outputs[0].datatype", expected: "a known datatype", received: '"uint8"' },
    });
    expect(bad({ name: "" })).toEqual({
      message: '[internal] outputs[0].name: invalid tensor name: expected a non-empty string, got "".',
      details: { path: "outputs[0].name", expected: "a non-empty string", received: '""' },
    });
    expect(bad({ name: 7 }).details).toEqual({
      path: "outputs[0].name",
      expected: "a non-empty string",
      received: "7",
    });
    expect(bad({ parameters: [2] })).toEqual({
      message:
        '[internal] Tensor "x" outputs[0].parameters: invalid parameters: expected an object or null, got an array of length 1.',
      details: {
        tensor: "x",
        path: "outputs[0].parameters",
        expected: "an object or null",
        received: "an array of length 1",
      },
    });
  });

  it("a section whose size disagrees with the shape, whole", () => {
    const { bytes, headerLength } = framed(
      `{"outputs":[${entry({ parameters: { binary_data_size: 3 } })}]}`,
      [1, 2, 3],
    );
    expect(refusal(bytes, { key: "outputs", headerLength })).toEqual({
      message:
        '[internal] Tensor "x": binary data does not match shape: expected 2 bytes (2 × 1-byte UINT8, shape [2]), got 3 bytes.',
      details: { tensor: "x", expected: "2 bytes (2 × 1-byte UINT8, shape [2])", received: "3 bytes" },
    });
  });

  it("a header that is not UTF-8, whole", () => {
    expect(refusal(new Uint8Array([0x7b, 0xff, 0x7d]), { key: "outputs" })).toEqual({
      message: "[internal] The JSON header (3 bytes) is not valid UTF-8.",
      details: { expected: "UTF-8 JSON" },
    });
    // Only the header is UTF-8: a tail that is not is no concern of the header's.
    const { bytes, headerLength } = framed(
      `{"outputs":[${entry({ parameters: { binary_data_size: 2 } })}]}`,
      [0xff, 0xfe],
    );
    expect(decodeTensorBody(bytes, { key: "outputs", headerLength }).tensors[0]!.data).toEqual(
      new Uint8Array([0xff, 0xfe]),
    );
    const badHead = concat([utf8('{"a":"'), new Uint8Array([0xc3]), utf8('"}'), new Uint8Array([1])]);
    expect(refusal(badHead, { key: "outputs", headerLength: badHead.byteLength - 1 })).toEqual({
      message: `[internal] The JSON header (${badHead.byteLength - 1} bytes) is not valid UTF-8.`,
      details: { expected: "UTF-8 JSON" },
    });
  });
});

describe("argument checks, whole", () => {
  it("a body that is not a Uint8Array", () => {
    for (const [body, received] of [
      ["{}", '"{}"'],
      [null, "null"],
      [new Uint16Array(2), "a Uint16Array"],
      [[123], "an array of length 1"],
    ] as const) {
      const err = thrown(ValidationError, () => decodeTensorBody(body as unknown as Uint8Array, { key: "outputs" }));
      expect([err.message, err.details]).toEqual([
        `[invalid_argument] decodeTensorBody needs the body as a Uint8Array, got ${received}.`,
        { path: "body", expected: "a Uint8Array", received },
      ]);
    }
    // A Buffer is a Uint8Array.
    expect(decodeTensorBody(Buffer.from("{}"), { key: "outputs" })).toEqual({ fields: {}, tensors: [] });
  });

  it("a key other than inputs or outputs", () => {
    for (const [options, received] of [
      [{ key: "output" }, '"output"'],
      [{}, "undefined"],
      [undefined, "undefined"],
      [{ key: null }, "null"],
    ] as const) {
      const err = thrown(ValidationError, () => decodeTensorBody(utf8("{}"), options as never));
      expect([err.message, err.details]).toEqual([
        `[invalid_argument] decodeTensorBody needs options.key "inputs" or "outputs", got ${received}.`,
        { path: "options.key", expected: '"inputs" or "outputs"', received },
      ]);
    }
  });
});

describe("encodeTensorBody, whole", () => {
  it("no tensors: an empty array, no binary", () => {
    const body = encodeTensorBody([], { key: "outputs" });
    expect(body.chunks.map(text)).toEqual(['{"outputs":[]}']);
    expect([body.headerLength, body.byteLength, body.hasBinary]).toEqual([14, 14, false]);
  });

  it("passes each tensor and its index to binary(), in order", () => {
    const tensors = [Tensor.uint8("a", [1], [1]), Tensor.uint8("b", [1], [2]), Tensor.uint8("c", [1], [3])];
    const seen: [string, number][] = [];
    const body = encodeTensorBody(tensors, {
      key: "inputs",
      binary: (t, i) => {
        seen.push([t.name, i]);
        return i === 2;
      },
    });
    expect(seen).toEqual([
      ["a", 0],
      ["b", 1],
      ["c", 2],
    ]);
    expect(body.chunks.map((c) => Array.from(c)).slice(1)).toEqual([[3]]);
    expect(text(body.chunks[0]!)).toBe(
      '{"inputs":[{"name":"a","shape":[1],"datatype":"UINT8","data":[1]},{"name":"b","shape":[1],"datatype":"UINT8","data":[2]},{"name":"c","shape":[1],"datatype":"UINT8","parameters":{"binary_data_size":1}}]}',
    );
    expect([body.headerLength, body.byteLength, body.hasBinary]).toEqual([
      body.chunks[0]!.byteLength,
      body.chunks[0]!.byteLength + 1,
      true,
    ]);
  });

  it("an empty binary tensor still counts as binary, with a 0-byte chunk", () => {
    const body = encodeTensorBody([Tensor.fp32("e", [0], [])], { key: "outputs" });
    expect(body.chunks.map((c) => c.byteLength)).toEqual([body.headerLength, 0]);
    expect([body.byteLength, body.hasBinary]).toEqual([body.headerLength, true]);
  });

  it("writes fields in order, each as JSON, and says where a field cannot be JSON", () => {
    const body = encodeTensorBody([], {
      key: "inputs",
      fields: { id: "r", parameters: { big: 12345678901234567890n, f: 0.5 }, outputs: [{ name: "o" }] },
    });
    expect(text(body.chunks[0]!)).toBe(
      '{"id":"r","parameters":{"big":12345678901234567890,"f":0.5},"outputs":[{"name":"o"}],"inputs":[]}',
    );
    const loop: Record<string, unknown> = {};
    loop["me"] = loop;
    const err = thrown(ValidationError, () => encodeTensorBody([], { key: "inputs", fields: { parameters: loop } }));
    expect(err.details).toEqual({
      path: "parameters.me",
      expected: "a tree of JSON values (no cycles)",
      received: "a reference back to parameters",
    });
  });

  it("a field named like the tensor key, whole; undefined ones are left out, even so named", () => {
    const err = thrown(ValidationError, () => encodeTensorBody([], { key: "outputs", fields: { outputs: [1] } }));
    expect([err.message, err.details]).toEqual([
      '[invalid_argument] fields.outputs collides with the tensors, which are written as "outputs": expected no field named like the tensor key, got an array of length 1. Leave it out of fields.',
      { path: "fields.outputs", expected: "no field named like the tensor key", received: "an array of length 1" },
    ]);
    expect(text(encodeTensorBody([], { key: "outputs", fields: { outputs: undefined, a: null } }).chunks[0]!)).toBe(
      '{"a":null,"outputs":[]}',
    );
  });
});
