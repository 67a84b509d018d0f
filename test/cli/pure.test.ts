/**
 * Issue 24: the command line's pure parts — flags to tensors and bodies, answers to exact JSON and tables, signatures
 * to TypeScript, failures to stderr text and exit codes. The bin itself is spawned in test/dist/cli.test.ts.
 */
import { describe, expect, it } from "vitest";
import {
  type AnyTensor,
  ConnectionError,
  createModelClient,
  type InferResult,
  KServeError,
  Tensor,
  type V2Client,
  ValidationError,
} from "kserve-client";
import { parseJson } from "kserve-client/tensor";
import { colorsFor } from "../../src/cli/colors.js";
import { connectionFrom, integerFlag } from "../../src/cli/connection.js";
import { parseShape, tensorFromFlags, v1BodyFromJson, v2RequestFromBody } from "../../src/cli/input.js";
import { v2ResultJson, v2ResultTable } from "../../src/cli/output.js";
import { exportName, signatureFromSample, signatureModule } from "../../src/cli/typegen.js";
import { describeFailure, EXIT, exitCodeOf, UsageError } from "../../src/cli/usage.js";
import { thrown } from "../helpers.js";

const result = (outputs: Tensor[]): InferResult => ({
  modelName: "m",
  modelVersion: undefined,
  id: "r1",
  parameters: undefined,
  outputs: outputs as AnyTensor[],
  output: (() => outputs[0]!) as InferResult["output"],
});

describe("flags to what infer sends", () => {
  it("builds one tensor from --data, --datatype, --name and --shape; INT64 exact; shape from nesting", () => {
    const ids = tensorFromFlags({ data: "[9007199254740993, -1]", datatype: "int64", name: "ids" });
    expect(ids.datatype).toBe("INT64");
    expect(ids.data).toEqual(new BigInt64Array([9007199254740993n, -1n]));
    const rows = tensorFromFlags({ data: "[[1,2],[3,4]]", datatype: "FP32", name: "x" });
    expect(rows.shape).toEqual([2, 2]);
    const reshaped = tensorFromFlags({ data: "[1,2,3,4]", datatype: "FP32", name: "x", shape: "[2, 2]" });
    expect(reshaped.shape).toEqual([2, 2]);
  });

  it("refuses a datatype that is not V2's, a bad shape and JSON that does not parse, as usage errors", () => {
    expect(thrown(UsageError, () => tensorFromFlags({ data: "[1]", datatype: "float", name: "x" })).message).toContain(
      "--datatype float: expected one of",
    );
    expect(thrown(UsageError, () => parseShape("1,x")).message).toBe(
      "--shape 1,x: expected non-negative integers separated by commas, such as 1,4.",
    );
    expect(parseShape("[]")).toEqual([]);
    expect(thrown(UsageError, () => tensorFromFlags({ data: "[1,", datatype: "FP32", name: "x" })).message).toMatch(
      /^--data is not JSON: /,
    );
    // The tensor's own checks still say what is wrong with the data.
    expect(() => tensorFromFlags({ data: "[1,2,3]", datatype: "FP32", name: "x", shape: "2,2" })).toThrow(
      ValidationError,
    );
  });

  it("reads whole V2 and V1 bodies, exactly", () => {
    const body = parseJson(
      '{"id":"a","inputs":[{"name":"ids","datatype":"INT64","shape":[1],"data":[9223372036854775807]}],"outputs":[{"name":"ids"}]}',
    );
    const request = v2RequestFromBody(body);
    expect(request.inputs[0]!.data).toEqual(new BigInt64Array([9223372036854775807n]));
    expect(request.outputs).toEqual([{ name: "ids" }]);
    expect(request.id).toBe("a");
    expect(() => v2RequestFromBody(parseJson('{"instances":[1]}'))).toThrow(UsageError);
    expect(v1BodyFromJson(parseJson('{"instances":[[1,2]]}'))).toEqual({ instances: [[1, 2]] });
    expect(() => v1BodyFromJson(parseJson("[1]"))).toThrow(UsageError);
  });
});

describe("connection flags", () => {
  it("takes the URL, host and token from the environment when the flags do not give them", () => {
    const c = connectionFrom(
      {},
      { KSERVE_URL: "http://a:1", KSERVE_HOST: "m.example.com", KSERVE_TOKEN: "t" },
      () => {},
    );
    expect(c).toMatchObject({
      url: "http://a:1",
      host: "m.example.com",
      protocol: "v2",
      options: { auth: { bearer: "t" } },
    });
    expect(connectionFrom({ url: "http://b:2", retries: "0" }, {}, () => {}).options.retry).toBe(false);
  });
  it("refuses no URL, an unknown protocol, and a timeout that is not a whole number", () => {
    expect(thrown(UsageError, () => connectionFrom({}, {}, () => {})).message).toBe(
      "No server: pass --url http://host:port (or set KSERVE_URL).",
    );
    expect(() => connectionFrom({ url: "http://a", protocol: "v3" }, {}, () => {})).toThrow(UsageError);
    expect(thrown(UsageError, () => integerFlag("1.5", "--timeout", 1)).message).toBe(
      "--timeout 1.5: expected a whole number of at least 1.",
    );
  });
});

describe("answers as text", () => {
  it("writes V2 JSON that reads back exactly: INT64 digit for digit, FP32 in its shortest digits", () => {
    const text = v2ResultJson(
      result([Tensor.int64("ids", [2], [9007199254740993n, -1n]), Tensor.fp32("p", [1, 2], [0.1, 5.1])]),
    );
    expect(text).toBe(
      '{"model_name":"m","model_version":null,"id":"r1","parameters":null,"outputs":[{"name":"ids","datatype":"INT64","shape":[2],"data":[9007199254740993,-1]},{"name":"p","datatype":"FP32","shape":[1,2],"data":[0.1,5.1]}]}',
    );
    expect(parseJson(text)).toMatchObject({ outputs: [{ data: [9007199254740993n, -1] }, {}] });
  });
  it("writes what JSON cannot carry as strings and base64 rather than failing", () => {
    const text = v2ResultJson(
      result([Tensor.fp32("x", [2], [Number.NaN, 1]), Tensor.bytes("b", [1], [new Uint8Array([0xff])])]),
    );
    expect(text).toContain('"data":["NaN",1]');
    expect(text).toContain('"data":[{"b64":"/w=="}]');
  });
  it("tables each output with its datatype and shape, a row per batch entry", () => {
    const text = v2ResultTable(result([Tensor.fp32("p", [2, 2], [1, 2, 3, 4])]));
    expect(text).toContain("p  FP32  [2, 2]");
    expect(text).toMatch(/│\s+1\s+│\s+3\s+│\s+4\s+│/);
    expect(text).not.toContain("\x1b[");
  });
});

describe("typegen", () => {
  it("names the export after the model", () => {
    expect(exportName("iris-classifier")).toBe("irisClassifierSignature");
    expect(exportName("3d_unet")).toBe("model3dUnetSignature");
    expect(exportName("---")).toBe("modelSignature");
  });
  it("takes a sample call's shapes with dimension 0 as the batch", () => {
    const signature = signatureFromSample(
      [Tensor.fp32("input-0", [1, 4], [1, 2, 3, 4])],
      result([Tensor.int64("output-0", [1], [0n])]),
    );
    expect(signature).toEqual({
      inputs: { "input-0": { datatype: "FP32", shape: [-1, 4] } },
      outputs: { "output-0": { datatype: "INT64", shape: [-1] } },
    });
  });
  it("writes a module whose signature createModelClient takes", async () => {
    const text = signatureModule(
      "iris",
      { inputs: { x: { datatype: "FP32", shape: [-1, 4], parameters: { content_type: "np" } } } },
      "test",
    );
    expect(text).toContain('"x": { datatype: "FP32", shape: [-1, 4], parameters: {"content_type":"np"} },');
    expect(text).toContain("} as const satisfies ModelSignature;");
    expect(text).toContain("export default irisSignature;");
    // The object literal in it is a signature createModelClient accepts (its checks run at construction).
    const literal = text.slice(text.indexOf("= {") + 2, text.indexOf(" as const"));
    const signature = new Function(`return (${literal});`)() as Parameters<typeof createModelClient>[2];
    expect(() => createModelClient({} as V2Client, "iris", signature)).not.toThrow();
  });
});

describe("failures", () => {
  it("are error[code]: message with a hint where one helps, and exit 1; usage errors exit 2", () => {
    const down = new ConnectionError("http://a/v2: could not connect.");
    expect(describeFailure(down)).toBe(
      "error[unavailable]: http://a/v2: could not connect.\nhint: Is the server running at that address? Check --url (or KSERVE_URL), and --host for an ingress.",
    );
    expect(describeFailure(new KServeError("internal", "boom."))).toBe("error[internal]: boom.");
    expect(exitCodeOf(down)).toBe(EXIT.failed);
    expect(describeFailure(new UsageError("No server."))).toBe("error[usage]: No server.");
    expect(exitCodeOf(new UsageError("x"))).toBe(EXIT.usage);
    expect(describeFailure(new Error("other"))).toBe("error: other");
  });
});

describe("colours", () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  it("are on for a terminal only, honouring NO_COLOR, FORCE_COLOR and TERM=dumb; CI alone does not turn them on", () => {
    expect(colorsFor(tty, {}).red("x")).toBe("\x1b[31mx\x1b[39m");
    expect(colorsFor(pipe, { CI: "true" }).red("x")).toBe("x");
    expect(colorsFor(tty, { NO_COLOR: "1" }).red("x")).toBe("x");
    expect(colorsFor(tty, { TERM: "dumb" }).red("x")).toBe("x");
    expect(colorsFor(pipe, { FORCE_COLOR: "1" }).red("x")).toBe("\x1b[31mx\x1b[39m");
    expect(colorsFor(tty, { FORCE_COLOR: "0" }).red("x")).toBe("\x1b[31mx\x1b[39m");
    expect(colorsFor(pipe, { FORCE_COLOR: "0" }).red("x")).toBe("x");
  });
});
