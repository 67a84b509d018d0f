import { describe, expect, it } from "vitest";
import {
  encodeJsonData,
  encodeJsonTensor,
  parseJson,
  ProtocolError,
  Tensor,
  tensorFromJson,
  ValidationError,
  type JsonValue,
} from "kserve-client/tensor";
import { kserveFixture } from "../fixtures.js";
import { expectDatatype, thrown } from "../helpers.js";

describe("encodeJsonData", () => {
  it("writes every datatype in its JSON form, flat and row-major", () => {
    expect(
      encodeJsonData(
        Tensor.bool(
          "b",
          [2, 2],
          [
            [true, false],
            [false, true],
          ],
        ),
      ),
    ).toBe("[true,false,false,true]");
    expect(encodeJsonData(Tensor.uint8("u", [2], [0, 255]))).toBe("[0,255]");
    expect(encodeJsonData(Tensor.int16("i", [2], [-32768, 7]))).toBe("[-32768,7]");
    expect(encodeJsonData(Tensor.uint32("u", [1], [4294967295]))).toBe("[4294967295]");
    expect(encodeJsonData(Tensor.fp32("f", [2], [6.8, 0.5]))).toBe("[6.8,0.5]"); // the float32 6.800000190734863
    expect(encodeJsonData(Tensor.fp64("d", [2], [0.1, 1e300]))).toBe("[0.1,1e+300]");
    expect(encodeJsonData(Tensor.fp16("h", [2], [6.8, -2]))).toBe("[6.8,-2]"); // the FP16 6.80078125
    expect(encodeJsonData(Tensor.bf16("h", [2], [1.5, 3.14]))).toBe("[1.5,3.14]"); // the BF16 3.140625
    expect(encodeJsonData(Tensor.bytes("s", [2], ['say "hi"', "naïve"]))).toBe('["say \\"hi\\"","naïve"]');
    expect(encodeJsonData(Tensor.fp32("e", [0], []))).toBe("[]");
  });

  it("writes INT64 and UINT64 digit for digit, never through Number", () => {
    expect(
      encodeJsonData(Tensor.int64("i", [3], [-9223372036854775808n, 9223372036854775807n, 9007199254740993n])),
    ).toBe("[-9223372036854775808,9223372036854775807,9007199254740993]");
    expect(encodeJsonData(Tensor.uint64("u", [1], [18446744073709551615n]))).toBe("[18446744073709551615]");
  });

  it("writes -0 as -0.0 so that every parser reads a negative zero", () => {
    expect(encodeJsonData(Tensor.fp32("z", [3], [-0, 0, 1.5]))).toBe("[-0.0,0,1.5]");
    expect(encodeJsonData(Tensor.fp16("z", [1], [-0]))).toBe("[-0.0]");
    // Between them, runs long and short (those over 16 go to JSON.stringify whole), at the ends and side by side.
    const values = Array.from({ length: 120 }, (_, i) => ([0, 17, 18, 36, 53, 54, 55, 119].includes(i) ? -0 : i + 0.5));
    const expected = `[${values.map((x) => (Object.is(x, -0) ? "-0.0" : String(x))).join(",")}]`;
    expect(encodeJsonData(Tensor.fp32("z", [120], values))).toBe(expected);
    expect(encodeJsonData(Tensor.fp64("z", [120], values))).toBe(expected);
    expect(encodeJsonData(Tensor.fp64("z", [3], [-0, -0, -0]))).toBe("[-0.0,-0.0,-0.0]");
  });

  it.each([NaN, Infinity, -Infinity])("refuses %s with a ValidationError that suggests binary mode", (bad) => {
    for (const t of [
      Tensor.fp32("x", [2], [1, bad]),
      Tensor.fp64("x", [2], [1, bad]),
      Tensor.fp16("x", [2], [1, bad]),
    ]) {
      let error: unknown;
      try {
        encodeJsonData(t);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).details).toMatchObject({ tensor: "x", path: "data[1]", received: String(bad) });
      expect((error as ValidationError).message).toContain("binary");
    }
  });

  it("refuses BYTES that are not UTF-8, pointing to the binary extension", () => {
    let error: unknown;
    try {
      encodeJsonData(Tensor.bytes("img", [2], ["ok", new Uint8Array([0xff, 0xfe])]));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toMatchObject({
      tensor: "img",
      path: "data[1]",
      expected: "UTF-8 text",
    });
    expect((error as ValidationError).message).toContain("binary tensor extension");
  });
});

describe("BYTES and the byte-order mark", () => {
  it("keeps a leading BOM through JSON both ways", () => {
    const t = Tensor.bytes("b", [2], [new Uint8Array([0xef, 0xbb, 0xbf, 0x41]), "\ufeffB"]);
    const back = tensorFromJson(parseJson(encodeJsonTensor(t)));
    expect(back.data).toEqual(t.data);
    expectDatatype(back, "BYTES");
    expect(Array.from(back.data[0]!)).toEqual([0xef, 0xbb, 0xbf, 0x41]);
  });
});

describe("encodeJsonTensor", () => {
  it("writes the protocol's tensor object, parameters only when set, bigints exact", () => {
    expect(encodeJsonTensor(Tensor.fp32("input-0", [1, 2], [1, 2]))).toBe(
      '{"name":"input-0","shape":[1,2],"datatype":"FP32","data":[1,2]}',
    );
    expect(encodeJsonTensor(Tensor.int64("ids", [1], [1n], { content_type: "np", seed: 12345678901234567890n }))).toBe(
      '{"name":"ids","shape":[1],"datatype":"INT64","parameters":{"content_type":"np","seed":12345678901234567890},"data":[1]}',
    );
  });
});

describe("tensorFromJson", () => {
  it("decodes the real KServe 0.14.1 JSON response (INT64 class ids, explicit nulls)", () => {
    const exchange = kserveFixture("v2-infer-json");
    const body = parseJson((exchange.response.body as { text: string }).text) as { outputs: JsonValue[] };
    const out = tensorFromJson(body.outputs[0]!, "outputs[0]");
    expect(out.name).toBe("output-0");
    expectDatatype(out, "INT64");
    expect(out.shape).toEqual([2]);
    expect(out.data).toBeInstanceOf(BigInt64Array);
    expect(Array.from(out.data)).toEqual([0n, 1n]);
    expect(out.parameters).toBeUndefined(); // "parameters": null is read as absent
  });

  it("keeps INT64 and UINT64 beyond 2^53 exact end to end", () => {
    const text =
      '{"outputs":[{"name":"a","shape":[2],"datatype":"INT64","data":[-9223372036854775808,9223372036854775807]},' +
      '{"name":"b","shape":[1],"datatype":"UINT64","data":[18446744073709551615]}]}';
    const body = parseJson(text) as { outputs: JsonValue[] };
    const [a, b] = body.outputs.map((entry) => tensorFromJson(entry));
    expectDatatype(a, "INT64");
    expectDatatype(b, "UINT64");
    expect(Array.from(a.data)).toEqual([-9223372036854775808n, 9223372036854775807n]);
    expect(Array.from(b.data)).toEqual([18446744073709551615n]);
  });

  it("reads null as NaN for floats (KServe, MLServer) and Triton's bare tokens", () => {
    const body = parseJson(
      '[{"name":"f","shape":[4],"datatype":"FP32","data":[null,NaN,Infinity,-Infinity]}]',
    ) as JsonValue[];
    const floats = tensorFromJson(body[0]!);
    expectDatatype(floats, "FP32");
    expect(Array.from(floats.data)).toEqual([NaN, NaN, Infinity, -Infinity]);
    const half = tensorFromJson({ name: "h", shape: [1], datatype: "FP16", data: [null] });
    expect(half.at(0)).toBeNaN();
  });

  it("accepts nested data (custom models, MLServer) and flattens it", () => {
    const t = tensorFromJson({
      name: "n",
      shape: [2, 2],
      datatype: "FP64",
      data: [
        [1, 2],
        [3, 4],
      ],
    });
    expectDatatype(t, "FP64");
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4]);
  });

  it("decodes BOOL and BYTES", () => {
    const bools = tensorFromJson({ name: "b", shape: [2], datatype: "BOOL", data: [true, false] });
    const words = tensorFromJson({ name: "s", shape: [1], datatype: "BYTES", data: ["héllo"] });
    expectDatatype(bools, "BOOL");
    expectDatatype(words, "BYTES");
    expect(Array.from(bools.data)).toEqual([1, 0]);
    expect(words.strings()).toEqual(["héllo"]);
  });

  it("reports server inconsistencies as ProtocolError naming tensor and place", () => {
    expect(
      thrown(ProtocolError, () => tensorFromJson({ name: "o", shape: [3], datatype: "INT64", data: [1, 2] })).details,
    ).toMatchObject({
      tensor: "o",
      expected: "3 elements (shape [3])",
      received: "2",
    });
    expect(
      thrown(ProtocolError, () => tensorFromJson({ name: "o", shape: [1], datatype: "INT64", data: [1.5] })).details
        .path,
    ).toBe("data[0]");
    expect(
      thrown(ProtocolError, () => tensorFromJson({ name: "o", shape: [1], datatype: "UINT8", data: [256] })).details
        .expected,
    ).toBe("an integer in [0, 255]");
    expect(
      thrown(ProtocolError, () => tensorFromJson({ name: "o", shape: [1], datatype: "FLOAT", data: [1] }, "outputs[2]"))
        .details,
    ).toMatchObject({
      path: "outputs[2].datatype",
      received: '"FLOAT"',
    });
    expect(
      thrown(ProtocolError, () => tensorFromJson({ name: "o", shape: [1], datatype: "FP32" }, "outputs[0]")).details
        .path,
    ).toBe("outputs[0].data");
    expect(
      thrown(ProtocolError, () => tensorFromJson({ shape: [1], datatype: "FP32", data: [1] }, "outputs[0]")).details
        .path,
    ).toBe("outputs[0].name");
    expect(
      thrown(ProtocolError, () => tensorFromJson({ name: "o", shape: [-1], datatype: "FP32", data: [] })).details.path,
    ).toBe("shape[0]");
    expect(thrown(ProtocolError, () => tensorFromJson([1, 2], "outputs[1]")).details.path).toBe("outputs[1]");
    expect(
      thrown(ProtocolError, () =>
        tensorFromJson({ name: "o", shape: [1], datatype: "FP32", data: [1], parameters: [] }),
      ).details.path,
    ).toBe("parameters");
    expect(
      thrown(ProtocolError, () => tensorFromJson({ name: "o", shape: [1], datatype: "FP32", data: ["1"] })).details
        .received,
    ).toBe('"1"');
  });
});
