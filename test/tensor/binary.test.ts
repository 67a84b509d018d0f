import { describe, expect, it } from "vitest";
import {
  decodeTensorBody,
  encodeJsonTensor,
  encodeTensorBody,
  ProtocolError,
  Tensor,
  ValidationError,
} from "kserve-client/tensor";
import { bodyBytes, kserveFixture } from "../fixtures.js";
import { concat, expectDatatype, thrown } from "../helpers.js";

const utf8 = (s: string) => new TextEncoder().encode(s);

describe("decodeTensorBody on real KServe 0.14.1 bodies", () => {
  it("decodes the chunked binary response to INT64 [0n, 1n, 2n] from its unaligned offset", () => {
    const exchange = kserveFixture("v2-infer-binary-out");
    const body = bodyBytes(exchange.response.body);
    const headerLength = exchange.response.headers["inference-header-content-length"];
    expect(headerLength).toBe("166");
    expect(166 % 8).not.toBe(0); // the INT64 section cannot be viewed in place

    const { fields, tensors } = decodeTensorBody(body, { key: "outputs", headerLength });
    expect(fields).toEqual({ id: "req-2", model_name: "iris-classifier", model_version: null });
    expect(tensors).toHaveLength(1);
    const [out] = tensors;
    expectDatatype(out, "INT64");
    expect(out.name).toBe("output-0");
    expect(out.shape).toEqual([3]);
    expect(out.data).toBeInstanceOf(BigInt64Array);
    expect(Array.from(out.data)).toEqual([0n, 1n, 2n]);
    expect(out.data.buffer).not.toBe(body.buffer); // copied once, because unaligned
    expect(out.parameters).toBeUndefined(); // binary_data_size is framing, not a tensor parameter
  });

  it("decodes the binary requests the real server accepted", () => {
    for (const [name, shape] of [
      ["v2-infer-binary-in-json-out", [1, 4]],
      ["v2-infer-binary-out", [3, 4]],
    ] as const) {
      const request = kserveFixture(name).request;
      const { fields, tensors } = decodeTensorBody(bodyBytes(request.body), {
        key: "inputs",
        headerLength: request.headers["inference-header-content-length"],
      });
      const [input] = tensors;
      expectDatatype(input, "FP32");
      expect(input.shape).toEqual(shape);
      expect(Array.from(input.data).slice(0, 4)).toEqual([5.1, 3.5, 1.4, 0.2].map(Math.fround));
      if (name === "v2-infer-binary-out") {
        expect(fields).toEqual({ id: "req-2", outputs: [{ name: "output-0", parameters: { binary_data: true } }] });
      }
    }
  });

  it("reproduces the real server's accepted binary request byte for byte", () => {
    const request = kserveFixture("v2-infer-binary-in-json-out").request;
    const encoded = encodeTensorBody([Tensor.fp32("input-0", [1, 4], [5.1, 3.5, 1.4, 0.2])], { key: "inputs" });
    expect(String(encoded.headerLength)).toBe(request.headers["inference-header-content-length"]);
    expect(Buffer.from(concat(encoded.chunks))).toEqual(Buffer.from(bodyBytes(request.body)));
  });

  it("decodes a plain JSON response when there is no header length", () => {
    const response = kserveFixture("v2-infer-json").response;
    const { fields, tensors } = decodeTensorBody(bodyBytes(response.body), { key: "outputs" });
    expect(fields).toEqual({ model_name: "iris-classifier", model_version: null, id: "req-1", parameters: null });
    const [out] = tensors;
    expectDatatype(out, "INT64");
    expect(Array.from(out.data)).toEqual([0n, 1n]);
  });
});

describe("encodeTensorBody", () => {
  const x = Tensor.fp32("x", [2], [1, 2]);
  const ids = Tensor.int64("ids", [2], [9223372036854775807n, -1n]);
  const words = Tensor.bytes("w", [2], ["a", "bc"]);

  it("returns the header and one chunk per binary tensor, the tensor bytes uncopied", () => {
    const body = encodeTensorBody([x, ids, words], {
      key: "inputs",
      fields: { id: "r1", parameters: { binary_data_output: true }, skipped: undefined },
      binary: (t) => t.datatype !== "INT64",
    });
    const header = new TextDecoder().decode(body.chunks[0]);
    expect(header).toBe(
      '{"id":"r1","parameters":{"binary_data_output":true},"inputs":[' +
        '{"name":"x","shape":[2],"datatype":"FP32","parameters":{"binary_data_size":8}},' +
        '{"name":"ids","shape":[2],"datatype":"INT64","data":[9223372036854775807,-1]},' +
        '{"name":"w","shape":[2],"datatype":"BYTES","parameters":{"binary_data_size":11}}]}',
    );
    expect(body.headerLength).toBe(body.chunks[0]!.byteLength);
    expect(body.chunks).toHaveLength(3);
    expect(body.chunks[1]!.buffer).toBe(x.data.buffer);
    expect(body.byteLength).toBe(body.headerLength + 8 + 11);
    expect(body.hasBinary).toBe(true);
  });

  it("keeps the tensor's own parameters beside binary_data_size", () => {
    const t = Tensor.fp32("x", [1], [1], { content_type: "np" });
    const header = new TextDecoder().decode(encodeTensorBody([t], { key: "outputs" }).chunks[0]);
    expect(header).toContain('"parameters":{"content_type":"np","binary_data_size":4}');
  });

  it("with no binary tensor the body is plain JSON", () => {
    const body = encodeTensorBody([x], { key: "inputs", binary: () => false });
    expect(body.hasBinary).toBe(false);
    expect(body.chunks).toHaveLength(1);
    expect(JSON.parse(new TextDecoder().decode(body.chunks[0]))).toEqual({
      inputs: [{ name: "x", shape: [2], datatype: "FP32", data: [1, 2] }],
    });
  });

  it("round-trips mixed JSON and binary tensors, sections in array order", () => {
    const tensors = [x, ids, words, Tensor.fp32("empty", [0], [])];
    const body = encodeTensorBody(tensors, { key: "outputs", fields: { model_name: "m" }, binary: (_t, i) => i !== 1 });
    const decoded = decodeTensorBody(concat(body.chunks), { key: "outputs", headerLength: body.headerLength });
    expect(decoded.fields).toEqual({ model_name: "m" });
    expect(decoded.tensors.map((t) => t.toArray())).toEqual(tensors.map((t) => t.toArray()));
  });

  it("headers stay intact while later bodies are encoded (short headers share one buffer)", () => {
    // Enough bodies to fill several shared buffers, with multi-byte text so sizes vary.
    const bodies = Array.from({ length: 2000 }, (_, i) =>
      encodeTensorBody([Tensor.bytes("w", [1], [`${"é".repeat(i % 50)}${i}`])], { key: "inputs", binary: () => false }),
    );
    bodies.forEach((body, i) => {
      const text = new TextDecoder().decode(body.chunks[0]);
      expect(JSON.parse(text).inputs[0].data).toEqual([`${"é".repeat(i % 50)}${i}`]);
      expect(body.headerLength).toBe(body.chunks[0]!.byteLength);
    });
    const long = encodeTensorBody([Tensor.bytes("w", [1], ["x".repeat(10_000)])], {
      key: "inputs",
      binary: () => false,
    });
    expect(JSON.parse(new TextDecoder().decode(long.chunks[0])).inputs[0].data[0]).toHaveLength(10_000);
  });

  it("refuses a field named like the tensor key instead of dropping it", () => {
    const err = thrown(ValidationError, () => encodeTensorBody([x], { key: "inputs", fields: { inputs: "mine" } }));
    expect(err.details).toMatchObject({ path: "fields.inputs", received: '"mine"' });
  });
});

describe("decodeTensorBody refuses inconsistent bodies with a ProtocolError", () => {
  const good = encodeTensorBody([Tensor.fp32("x", [2], [1, 2])], { key: "outputs" });
  const bytes = concat(good.chunks);

  it.each([
    ["larger than the body", String(bytes.byteLength + 1)],
    ["negative", "-1"],
    ["non-numeric", "abc"],
    ["fractional", "1.5"],
    ["zero", "0"],
    ["empty", ""],
  ])("header length %s", (_what, value) => {
    const err = thrown(ProtocolError, () => decodeTensorBody(bytes, { key: "outputs", headerLength: value }));
    expect(err.details).toMatchObject({ path: "inference-header-content-length", received: JSON.stringify(value) });
  });

  it("a section that runs past the end (truncated tail)", () => {
    const err = thrown(ProtocolError, () =>
      decodeTensorBody(bytes.subarray(0, bytes.byteLength - 1), { key: "outputs", headerLength: good.headerLength }),
    );
    expect(err.details).toMatchObject({
      tensor: "x",
      expected: `8 bytes at offset ${good.headerLength}`,
      received: "7 bytes left",
    });
  });

  it("bytes left over after the last section", () => {
    const longer = new Uint8Array(bytes.byteLength + 3);
    longer.set(bytes);
    expect(
      thrown(ProtocolError, () => decodeTensorBody(longer, { key: "outputs", headerLength: good.headerLength }))
        .rawMessage,
    ).toContain("do not add up");
  });

  it("a header length that cuts the JSON short", () => {
    thrown(ProtocolError, () => decodeTensorBody(bytes, { key: "outputs", headerLength: good.headerLength - 2 }));
  });

  it("binary_data_size without a header length", () => {
    const jsonOnly = utf8(
      '{"outputs":[{"name":"x","shape":[2],"datatype":"FP32","parameters":{"binary_data_size":8}}]}',
    );
    expect(thrown(ProtocolError, () => decodeTensorBody(jsonOnly, { key: "outputs" })).rawMessage).toContain(
      "binary_data_size without Inference-Header-Content-Length",
    );
  });

  it.each([[-1], ['"8"'], [1.5], [99999999999999999999]])("binary_data_size %s", (size) => {
    const header = utf8(
      `{"outputs":[{"name":"x","shape":[2],"datatype":"FP32","parameters":{"binary_data_size":${size}}}]}`,
    );
    const body = new Uint8Array(header.byteLength + 8);
    body.set(header);
    const err = thrown(ProtocolError, () =>
      decodeTensorBody(body, { key: "outputs", headerLength: header.byteLength }),
    );
    expect(err.details.path).toBe("outputs[0].parameters.binary_data_size");
  });

  it("a section whose size disagrees with the shape", () => {
    const header = utf8('{"outputs":[{"name":"x","shape":[3],"datatype":"FP32","parameters":{"binary_data_size":8}}]}');
    const body = new Uint8Array(header.byteLength + 8);
    body.set(header);
    expect(
      thrown(ProtocolError, () => decodeTensorBody(body, { key: "outputs", headerLength: header.byteLength })).details,
    ).toMatchObject({
      tensor: "x",
      expected: "12 bytes (3 × 4-byte FP32, shape [3])",
    });
  });

  it("both data and binary_data_size on one tensor", () => {
    const header = utf8(
      '{"outputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1],"parameters":{"binary_data_size":4}}]}',
    );
    const body = new Uint8Array(header.byteLength + 4);
    body.set(header);
    expect(
      thrown(ProtocolError, () => decodeTensorBody(body, { key: "outputs", headerLength: header.byteLength }))
        .rawMessage,
    ).toContain("both");
  });

  it("an unknown datatype on a binary tensor", () => {
    const header = utf8('{"outputs":[{"name":"x","shape":[1],"datatype":"F32","parameters":{"binary_data_size":4}}]}');
    const body = new Uint8Array(header.byteLength + 4);
    body.set(header);
    expect(
      thrown(ProtocolError, () => decodeTensorBody(body, { key: "outputs", headerLength: header.byteLength })).details
        .path,
    ).toBe("outputs[0].datatype");
  });

  it("a header that is not UTF-8, not JSON, or not an object, or whose tensors are not an array", () => {
    expect(
      thrown(ProtocolError, () => decodeTensorBody(new Uint8Array([0xff, 0xfe]), { key: "outputs" })).rawMessage,
    ).toContain("UTF-8");
    thrown(ProtocolError, () => decodeTensorBody(utf8("<html>502 Bad Gateway</html>"), { key: "outputs" }));
    thrown(ProtocolError, () => decodeTensorBody(utf8("[1,2]"), { key: "outputs" }));
    expect(thrown(ProtocolError, () => decodeTensorBody(utf8('{"outputs":{}}'), { key: "outputs" })).details.path).toBe(
      "outputs",
    );
  });

  it("a tensor entry that is not an object", () => {
    expect(
      thrown(ProtocolError, () => decodeTensorBody(utf8('{"outputs":[42]}'), { key: "outputs" })).details.path,
    ).toBe("outputs[0]");
  });

  it("keeps a __proto__ field as data, never as the prototype of fields", () => {
    const { fields } = decodeTensorBody(utf8('{"__proto__":{"polluted":true},"model_name":"m","outputs":[]}'), {
      key: "outputs",
    });
    expect(Object.keys(fields)).toEqual(["__proto__", "model_name"]);
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect((fields as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("a body with no tensor array decodes to no tensors", () => {
    expect(decodeTensorBody(utf8('{"model_name":"m"}'), { key: "outputs" })).toEqual({
      fields: { model_name: "m" },
      tensors: [],
    });
  });
});

describe("decodeTensorBody with 64-bit integers beyond 2^53 in JSON", () => {
  const decode = (text: string) => decodeTensorBody(utf8(text), { key: "outputs" });
  const out = (datatype: string, shape: number[], data: string, extra = "") =>
    `{"outputs":[{"name":"o","shape":${JSON.stringify(shape)},"datatype":"${datatype}","data":${data}${extra}}]}`;

  it("reads INT64 and UINT64 exactly, whitespace and all", () => {
    const [i64] = decode(out("INT64", [4], "[ -9223372036854775808 , 9223372036854775807,\n1,-1 ]")).tensors;
    expectDatatype(i64, "INT64");
    expect(Array.from(i64.data)).toEqual([-9223372036854775808n, 9223372036854775807n, 1n, -1n]);
    const [u64] = decode(out("UINT64", [3], "[18446744073709551615,9223372036854775808,0]")).tensors;
    expectDatatype(u64, "UINT64");
    expect(Array.from(u64.data)).toEqual([18446744073709551615n, 9223372036854775808n, 0n]);
  });

  it("reads nested rows exactly", () => {
    const t = decode(out("INT64", [2, 2], "[[9007199254740993,1],[2,-9007199254740993]]")).tensors[0]!;
    expect(t.toArray()).toEqual([
      [9007199254740993n, 1n],
      [2n, -9007199254740993n],
    ]);
    const mixedRows = decode(out("INT64", [2, 1], "[[1],[9007199254740993]]")).tensors[0]!;
    expect(mixedRows.toArray()).toEqual([[1n], [9007199254740993n]]);
  });

  it("names the element that does not fit the datatype", () => {
    expect(thrown(ProtocolError, () => decode(out("INT64", [2], "[1,9223372036854775808]"))).details).toMatchObject({
      path: "outputs[0].data[1]",
    });
    expect(thrown(ProtocolError, () => decode(out("UINT64", [2], "[18446744073709551615,-1]"))).details).toMatchObject({
      path: "outputs[0].data[1]",
    });
    expect(thrown(ProtocolError, () => decode(out("INT32", [2], "[1,9007199254740993]"))).details).toMatchObject({
      path: "outputs[0].data[1]",
    });
    expect(thrown(ProtocolError, () => decode(out("INT64", [3], "[9007199254740993,1.5,2]"))).details).toMatchObject({
      path: "outputs[0].data[1]",
    });
    expect(thrown(ProtocolError, () => decode(out("INT64", [3], "[9007199254740993,2]"))).details).toMatchObject({
      expected: "3 elements (shape [3])",
    });
    // Both a negative value and one of 2^63 or more: no 64-bit type holds both.
    expect(thrown(ProtocolError, () => decode(out("INT64", [2], "[-1,18446744073709551615]"))).details).toMatchObject({
      path: "outputs[0].data[1]",
    });
  });

  it("gives plain arrays back everywhere but tensor data", () => {
    const { fields, tensors } = decode(
      out("INT64", [1], "[9007199254740993]", ',"parameters":{"seeds":[12345678901234567890,1]}').replace(
        '{"outputs"',
        '{"parameters":{"ids":[12345678901234567890,2]},"outputs"',
      ),
    );
    expect(fields).toEqual({ parameters: { ids: [12345678901234567890n, 2] } });
    expect(tensors[0]!.parameters).toEqual({ seeds: [12345678901234567890n, 1] });
    expect(thrown(ProtocolError, () => decode(out("INT64", [9007199254740993], "[]"))).details.path).toBe(
      "outputs[0].shape[0]",
    );
  });

  it("keeps floats, -0 and literals in arrays that also hold big integers", () => {
    const [t] = decode(out("FP64", [4], "[12345678901234567890,-0,0.5,null]")).tensors;
    expectDatatype(t, "FP64");
    const values = Array.from(t.data);
    expect(values[0]).toBe(12345678901234567890);
    expect(Object.is(values[1], -0)).toBe(true);
    expect(values.slice(2)).toEqual([0.5, NaN]);
  });

  it("reports syntax errors in a big-integer array at their position", () => {
    const err = thrown(ProtocolError, () => decode(out("INT64", [2], "[9007199254740993 2]")));
    expect(err.message).toContain("expected ',' or ']'");
  });
});

describe("Triton's empty binary outputs", () => {
  it("decode without Inference-Header-Content-Length when every section is 0 bytes", () => {
    // Triton sends plain JSON, no header length, when all binary outputs are empty (ARCHITECTURE.md, wire facts: binary outputs).
    const body = utf8(
      '{"model_name":"m","outputs":[{"name":"x","shape":[0],"datatype":"FP32","parameters":{"binary_data_size":0}}]}',
    );
    const { tensors } = decodeTensorBody(body, { key: "outputs" });
    expect(tensors[0]!.shape).toEqual([0]);
    expect(tensors[0]!.data).toBeInstanceOf(Float32Array);
    expect(tensors[0]!.size).toBe(0);
  });
});

describe("stale binary_data_size in a tensor's own parameters", () => {
  it("is not written next to JSON data, and is replaced for binary data", () => {
    const t = Tensor.fp32("x", [1], [1], { binary_data_size: 999, content_type: "np" });
    const asJson = new TextDecoder().decode(encodeTensorBody([t], { key: "inputs", binary: () => false }).chunks[0]);
    expect(asJson).toBe(
      '{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","parameters":{"content_type":"np"},"data":[1]}]}',
    );
    const asBinary = new TextDecoder().decode(encodeTensorBody([t], { key: "inputs" }).chunks[0]);
    expect(asBinary).toContain('"parameters":{"content_type":"np","binary_data_size":4}');
    expect(encodeJsonTensor(Tensor.fp32("y", [1], [1], { binary_data_size: 4 }))).toBe(
      '{"name":"y","shape":[1],"datatype":"FP32","data":[1]}',
    );
  });
});
