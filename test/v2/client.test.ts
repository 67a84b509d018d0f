/** The V2 REST client over a scripted HttpClient that answers with what a real KServe 0.14.1 server sent. */
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  AbortError,
  ConfigError,
  ConnectionError,
  HttpError,
  KServeError,
  TimeoutError,
} from "../../src/core/errors.js";
import type { HttpClient, HttpRequest, HttpResponse } from "../../src/core/http.js";
import { createV2Client } from "../../src/v2/client.js";
import { decodeTensorBody, ProtocolError, Tensor, ValidationError } from "kserve-client/tensor";
import { bodyBytes, kserveFixture } from "../fixtures.js";
import { concat, thrown } from "../helpers.js";
import { bodyOf, recorded, scripted, status, textOf } from "../scripted.js";

const jsonOf = (request: HttpRequest) => JSON.parse(textOf(request)) as Record<string, unknown>;
const iris = (rows: number[][]) => Tensor.fp32("input-0", [rows.length, 4], rows);
const client = (http: HttpClient, extra = {}) =>
  createV2Client({ baseUrl: "http://127.0.0.1:8080", httpClient: http, retry: false, ...extra });

afterEach(() => {
  vi.useRealTimers();
});

describe("infer, JSON", () => {
  it("sends exactly application/json and decodes KServe's answer (INT64 class ids, explicit nulls)", async () => {
    const http = scripted(recorded("v2-infer-json"));
    const res = await client(http).infer(
      "iris-classifier",
      {
        inputs: [
          iris([
            [5.1, 3.5, 1.4, 0.2],
            [6.2, 2.9, 4.3, 1.3],
          ]),
        ],
        id: "req-1",
      },
      { binary: "never" },
    );
    const sent = http.requests[0]!;
    expect(sent.method).toBe("POST");
    expect(sent.url).toBe("http://127.0.0.1:8080/v2/models/iris-classifier/infer");
    expect(sent.headers["content-type"]).toBe("application/json");
    expect(jsonOf(sent)).toEqual({
      id: "req-1",
      // The shortest decimals of the float32 values (not 5.099999904632568, …), which read back as the same float32s.
      inputs: [{ name: "input-0", shape: [2, 4], datatype: "FP32", data: [5.1, 3.5, 1.4, 0.2, 6.2, 2.9, 4.3, 1.3] }],
    });
    expect(res).toMatchObject({
      modelName: "iris-classifier",
      modelVersion: undefined,
      id: "req-1",
      parameters: undefined,
    });
    expect(Array.from(res.output("output-0", "INT64").data)).toEqual([0n, 1n]);
  });

  it("output(name) names the outputs that did come back", async () => {
    const res = await client(scripted(recorded("v2-infer-json"))).infer("iris-classifier", {
      inputs: [iris([[1, 2, 3, 4]])],
    });
    const err = thrown(KServeError, () => res.output("probabilities"));
    expect(err.code).toBe("not_found");
    expect(err.message).toContain('returned "output-0"');
  });

  it("output(name, datatype) returns the output of that datatype, or a ProtocolError naming what came", async () => {
    const res = await client(scripted(recorded("v2-infer-json"))).infer("iris-classifier", {
      inputs: [iris([[1, 2, 3, 4]])],
    });
    expect(res.output("output-0", "INT64")).toBe(res.output("output-0"));
    expect(Array.from(res.output("output-0", "INT64").data)).toEqual([0n, 1n]); // the recorded answer
    const err = thrown(ProtocolError, () => res.output("output-0", "FP32"));
    expect(err).toMatchObject({ code: "internal", model: "iris-classifier" });
    expect(err.details).toEqual({ tensor: "output-0", path: "datatype", expected: "FP32", received: "INT64" });
    expect(err.message).toBe(
      '[internal] Model "iris-classifier" output "output-0": expected datatype FP32, got INT64. Ask for INT64, or take output(name) and check its datatype.',
    );
    expect(thrown(KServeError, () => res.output("probabilities", "FP32")).code).toBe("not_found"); // a missing output is still not_found
  });

  it("auto: all JSON while the server is not known to speak binary; binary outputs once it is", async () => {
    const http = scripted(recorded("v2-infer-json"), recorded("v2-infer-binary-out"), recorded("v2-infer-json"));
    const c = client(http);
    await c.infer("iris-classifier", { inputs: [iris([[1, 2, 3, 4]])] });
    expect(jsonOf(http.requests[0]!)["parameters"]).toBeUndefined();
    // An FP16 input must go binary; asking for binary outputs is then safe, and the answer teaches the client.
    await c.infer("iris-classifier", { inputs: [Tensor.fp16("h", [1], [1])] });
    const second = decodeTensorBody(bodyOf(http.requests[1]!), {
      key: "inputs",
      headerLength: http.requests[1]!.headers["inference-header-content-length"],
    });
    expect(second.fields["parameters"]).toEqual({ binary_data_output: true });
    await c.infer("iris-classifier", { inputs: [iris([[1, 2, 3, 4]])] });
    expect(jsonOf(http.requests[2]!)["parameters"]).toEqual({ binary_data_output: true });
  });

  it("auto: server metadata listing binary_tensor_data is enough to know", async () => {
    const http = scripted(
      status(200, '{"name":"triton","version":"2","extensions":["binary_tensor_data"]}'),
      recorded("v2-infer-json"),
    );
    const c = client(http);
    await c.serverMetadata();
    await c.infer("m", { inputs: [iris([[1, 2, 3, 4]])] });
    expect(jsonOf(http.requests[1]!)["parameters"]).toEqual({ binary_data_output: true });
  });

  it("per listed output: binary_data (binary_data_output does not reach listed outputs), the caller's own parameter, classification", async () => {
    const http = scripted(recorded("v2-infer-json"));
    await client(http, { binary: "always" }).infer("iris-classifier", {
      inputs: [iris([[1, 2, 3, 4]])],
      outputs: [
        { name: "output-0" },
        { name: "scores", binary: false, classCount: 3 },
        { name: "raw", parameters: { binary_data: false } },
      ],
    });
    const sent = http.requests[0]!;
    const { fields } = decodeTensorBody(bodyOf(sent), {
      key: "inputs",
      headerLength: sent.headers["inference-header-content-length"],
    });
    expect(fields["parameters"]).toBeUndefined();
    expect(fields["outputs"]).toEqual([
      { name: "output-0", parameters: { binary_data: true } },
      { name: "scores", parameters: { binary_data: false, classification: 3 } },
      { name: "raw", parameters: { binary_data: false } },
    ]);
  });
});

describe("infer, binary extension", () => {
  it("sends octet-stream with the header length and decodes the chunked binary answer from its unaligned offset", async () => {
    const http = scripted(recorded("v2-infer-binary-out"));
    const res = await client(http).infer(
      "iris-classifier",
      {
        inputs: [
          iris([
            [6.8, 3.5, 1.4, 0.2],
            [5.1, 3.5, 1.4, 0.2],
            [7.7, 3.0, 6.1, 2.3],
          ]),
        ],
        outputs: [{ name: "output-0" }],
        id: "req-2",
      },
      { binary: "always" },
    );
    const sent = http.requests[0]!;
    expect(sent.headers["content-type"]).toBe("application/octet-stream");
    const { fields, tensors } = decodeTensorBody(bodyOf(sent), {
      key: "inputs",
      headerLength: sent.headers["inference-header-content-length"],
    });
    expect(fields).toEqual({ id: "req-2", outputs: [{ name: "output-0", parameters: { binary_data: true } }] });
    expect(tensors[0]!.shape).toEqual([3, 4]);
    expect(Array.isArray(sent.body)).toBe(true); // chunks, never concatenated by the client
    expect(Array.from(res.output("output-0", "INT64").data)).toEqual([0n, 1n, 2n]);
  });

  it("auto: FP16, NaN and non-UTF-8 BYTES go binary because JSON cannot carry them", async () => {
    for (const input of [
      Tensor.fp16("h", [1], [1.5]),
      Tensor.fp32("f", [2], [1, NaN]),
      Tensor.bytes("b", [1], [new Uint8Array([0xff])]),
    ]) {
      const http = scripted(recorded("v2-infer-json"));
      await client(http).infer("m", { inputs: [input, Tensor.int64("small", [1], [1n])] });
      const sent = http.requests[0]!;
      expect(sent.headers["content-type"]).toBe("application/octet-stream");
      const { tensors } = decodeTensorBody(bodyOf(sent), {
        key: "inputs",
        headerLength: sent.headers["inference-header-content-length"],
      });
      expect(tensors[0]!.toArray()).toEqual(input.toArray());
    }
  });

  it("auto: a large input goes binary only once the server has answered in binary", async () => {
    const http = scripted(recorded("v2-infer-json"), recorded("v2-infer-binary-out"), recorded("v2-infer-json"));
    const c = client(http);
    const big = Tensor.fp32("input-0", [16384, 4], new Float32Array(65536));
    await c.infer("m", { inputs: [big] });
    expect(http.requests[0]!.headers["content-type"]).toBe("application/json");
    await c.infer("m", { inputs: [iris([[1, 2, 3, 4]])] }, { binary: "always" }); // answered in binary: now it is known
    await c.infer("m", { inputs: [big] });
    expect(http.requests[2]!.headers["content-type"]).toBe("application/octet-stream");
  });

  it("never: FP16 is a ValidationError before anything is sent", async () => {
    const http = scripted(recorded("v2-infer-json"));
    const err = await client(http, { binary: "never" })
      .infer("m", { inputs: [Tensor.fp16("h", [1], [1])] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).message).toContain('binary: "auto"');
    expect(http.requests).toHaveLength(0);
  });
});

describe("infer, bad requests and bad answers", () => {
  it("refuses malformed requests before sending", async () => {
    const http = scripted(recorded("v2-infer-json"));
    const c = client(http);
    for (const [request, path] of [
      [{ inputs: [] }, "inputs"],
      [{ inputs: [{ name: "x" }] }, "inputs[0]"],
      [{ inputs: [Tensor.fp32("a", [1], [1]), Tensor.fp32("a", [1], [2])] }, "inputs[1].name"],
      // Many inputs take another path to find the duplicate.
      [
        {
          inputs: [
            ...Array.from({ length: 20 }, (_, i) => Tensor.fp32(`x${i}`, [1], [i])),
            Tensor.fp32("x3", [1], [0]),
          ],
        },
        "inputs[20].name",
      ],
      [{ inputs: [Tensor.fp32("a", [1], [1])], outputs: [{ name: "o", classCount: 0 }] }, "outputs[0].classCount"],
      [{ inputs: [Tensor.fp32("a", [1], [1])], id: 7 }, "id"],
    ] as const) {
      const err = await c.infer("m", request as never).catch((e: unknown) => e);
      expect(err, path).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).details.path).toBe(path);
    }
    expect(
      (await c.infer("", { inputs: [Tensor.fp32("a", [1], [1])] }).catch((e: unknown) => e)) as ValidationError,
    ).toBeInstanceOf(ValidationError);
    expect(http.requests).toHaveLength(0);
  });

  it("maps the real server's errors: unknown model, versioned path, schema-invalid body", async () => {
    const unknown = await client(scripted(recorded("v2-unknown-model")))
      .infer("no-such-model", { inputs: [iris([[1, 2, 3, 4]])] })
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(HttpError);
    expect(unknown).toMatchObject({ code: "not_found", status: 404, model: "no-such-model" });
    expect((unknown as HttpError).message).toContain("Model with name no-such-model does not exist.");

    const http = scripted(recorded("v2-versioned-path-501"));
    const versioned = await client(http)
      .infer("iris-classifier", { inputs: [iris([[1, 2, 3, 4]])] }, { version: "1" })
      .catch((e: unknown) => e);
    expect(http.requests[0]!.url).toBe("http://127.0.0.1:8080/v2/models/iris-classifier/versions/1/infer");
    expect(versioned).toMatchObject({ code: "unimplemented", status: 501 });

    const invalid = await client(scripted(recorded("v2-missing-inputs-422")))
      .infer("iris-classifier", { inputs: [iris([[1, 2, 3, 4]])] })
      .catch((e: unknown) => e);
    expect(invalid).toMatchObject({ code: "invalid_argument", status: 422 });
  });

  it("a 200 whose body is not an inference response is a ProtocolError that says what is missing", async () => {
    const err = await client(scripted(status(200, '{"outputs":[]}')))
      .infer("m", { inputs: [iris([[1, 2, 3, 4]])] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).message).toContain("model_name");
    expect(
      await client(scripted(status(200, "<html>")))
        .infer("m", { inputs: [iris([[1, 2, 3, 4]])] })
        .catch((e: unknown) => e),
    ).toBeInstanceOf(ProtocolError);
  });

  it("a ProtocolError about an answer says whose answer it was, with the model, request id and decoder's error as cause", async () => {
    const answer = {
      ...status(200, '{"model_name":"m","outputs":[{"name":"y","datatype":"FP32","shape":[3],"data":[1,2]}]}'),
      headers: { "x-request-id": "req-42" },
    };
    const err = (await client(scripted(answer))
      .infer("m", { inputs: [iris([[1, 2, 3, 4]])] })
      .catch((e: unknown) => e)) as ProtocolError;
    expect(err).toBeInstanceOf(ProtocolError);
    expect(err.message).toMatch(
      /^\[internal\] Tensor "y" outputs\[0\]\.data: .*expected 3 elements.*got 2 \(in the answer of model "m" to POST http:\/\/127\.0\.0\.1:8080\/v2\/models\/m\/infer\)\.$/,
    );
    expect(err).toMatchObject({ model: "m", requestId: "req-42", details: { tensor: "y", path: "outputs[0].data" } });
    expect(err.cause).toBeInstanceOf(ProtocolError);
  });

  it("URL-encodes model names and versions", async () => {
    const http = scripted(recorded("v2-infer-json"));
    await client(http).infer("a b/c", { inputs: [iris([[1, 2, 3, 4]])] }, { version: "v 1" });
    expect(http.requests[0]!.url).toBe("http://127.0.0.1:8080/v2/models/a%20b%2Fc/versions/v%201/infer");
  });
});

describe("answers from other servers", () => {
  it("Triton: no id, a string model_version, NaN tokens, outputs in the model's order", async () => {
    const body =
      '{"model_name":"m","model_version":"1","outputs":[{"name":"b","datatype":"FP32","shape":[2],"data":[NaN,-Infinity]},' +
      '{"name":"a","datatype":"INT64","shape":[1],"data":[9223372036854775807]}]}';
    const res = await client(scripted(status(200, body))).infer("m", {
      inputs: [iris([[1, 2, 3, 4]])],
      outputs: [{ name: "a" }, { name: "b" }],
    });
    expect(res).toMatchObject({ id: undefined, modelVersion: "1" });
    expect(Array.from(res.output("b", "FP32").data)).toEqual([NaN, -Infinity]);
    expect(Array.from(res.output("a", "INT64").data)).toEqual([9223372036854775807n]);
  });

  it("MLServer: outputs with content_type parameters, nested data, an extra output", async () => {
    const body =
      '{"model_name":"m","id":"x","outputs":[{"name":"p","datatype":"FP64","shape":[2,1],"parameters":{"content_type":"np"},"data":[[0.25],[0.75]]},' +
      '{"name":"extra","datatype":"BYTES","shape":[1],"data":["hi"]}]}';
    const res = await client(scripted(status(200, body))).infer("m", { inputs: [iris([[1, 2, 3, 4]])] });
    expect(res.output("p").toArray()).toEqual([[0.25], [0.75]]);
    expect(res.output("p").parameters).toEqual({ content_type: "np" });
    expect(res.output("extra", "BYTES").strings()).toEqual(["hi"]);
  });
});

describe("health and metadata", () => {
  it("health: 2xx is true; 400, 404 and 503 are false; other statuses and transport failures are errors", async () => {
    expect(await client(scripted(recorded("v2-live"))).serverLive()).toBe(true);
    expect(await client(scripted(recorded("v2-ready"))).serverReady()).toBe(true);
    expect(await client(scripted(recorded("v2-model-ready"))).modelReady("iris-classifier")).toBe(true);
    for (const code of [400, 404, 503])
      expect(await client(scripted(status(code, '{"error":"no"}'))).modelReady("m")).toBe(false);
    expect(
      await client(scripted(status(500)))
        .serverLive()
        .catch((e: unknown) => e),
    ).toBeInstanceOf(HttpError);
    expect(
      await client(scripted(new ConnectionError("refused")))
        .serverLive()
        .catch((e: unknown) => e),
    ).toBeInstanceOf(ConnectionError);
    const http = scripted(status(200));
    await client(http).modelReady("m", { version: "3" });
    expect(http.requests[0]!.url).toBe("http://127.0.0.1:8080/v2/models/m/versions/3/ready");
  });

  it("server metadata and model metadata from the real server, nulls read as empty", async () => {
    expect(await client(scripted(recorded("v2-server-metadata"))).serverMetadata()).toMatchObject({
      name: "kserve",
      extensions: expect.any(Array),
    });
    expect(await client(scripted(recorded("v2-model-metadata"))).modelMetadata("iris-classifier")).toEqual({
      name: "iris-classifier",
      versions: [],
      platform: "",
      inputs: [],
      outputs: [],
    });
    const bad = await client(scripted(status(200, '{"name":1}')))
      .serverMetadata()
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ProtocolError);
  });
});

describe("configuration", () => {
  it("refuses a baseUrl that is not an http(s) URL", () => {
    expect(thrown(ConfigError, () => createV2Client({ baseUrl: "localhost:8080" })).message).toContain(
      "absolute http(s) URL",
    );
    thrown(ConfigError, () => createV2Client({ baseUrl: "ftp://x" }));
  });

  it("refuses credentials, a query or a fragment in baseUrl, without echoing a password", () => {
    const err = thrown(ConfigError, () => createV2Client({ baseUrl: "http://admin:s3cret@127.0.0.1:8080" }));
    expect(err.message).toContain("auth: { basic");
    expect(err.message).not.toContain("s3cret");
    thrown(ConfigError, () => createV2Client({ baseUrl: "http://127.0.0.1:8080/?token=abc" }));
    thrown(ConfigError, () => createV2Client({ baseUrl: "http://127.0.0.1:8080/#x" }));
  });

  it("refuses host with the fetch client, saying what to do instead; passes it to other clients", async () => {
    const err = thrown(ConfigError, () =>
      createV2Client({ baseUrl: "http://10.0.0.1", host: "iris.default.example.com", fetch: globalThis.fetch }),
    );
    expect(err.message).toContain("baseUrl");
    thrown(ConfigError, () =>
      createV2Client({ baseUrl: "http://10.0.0.1", host: "bad host/x", httpClient: scripted(status(200)) }),
    );
    const http = scripted(status(200));
    await createV2Client({
      baseUrl: "http://127.0.0.1:1",
      host: "iris.default.example.com",
      httpClient: http,
    }).serverLive();
    expect(http.requests[0]!.host).toBe("iris.default.example.com");
  });

  it("interceptors wrap every attempt, the first outermost", async () => {
    const order: string[] = [];
    const tag =
      (name: string) =>
      (next: HttpClient): HttpClient =>
      async (req) => {
        order.push(`${name}>`);
        const res = await next({ ...req, headers: { ...req.headers, [`x-${name}`]: "1" } });
        order.push(`<${name}`);
        return res;
      };
    const http = scripted(status(200));
    await createV2Client({
      baseUrl: "http://127.0.0.1:1",
      httpClient: http,
      interceptors: [tag("a"), tag("b")],
    }).serverLive();
    expect(order).toEqual(["a>", "b>", "<b", "<a"]);
    expect(http.requests[0]!.headers).toMatchObject({ "x-a": "1", "x-b": "1" });
  });
});

describe("waitForModelReady", () => {
  it("polls with backoff through not-ready answers and failures, reporting progress, until ready", async () => {
    vi.useFakeTimers();
    const http = scripted(new ConnectionError("refused"), status(503), status(200));
    const progress: { attempt: number; error: string | undefined }[] = [];
    const done = client(http).waitForModelReady("iris", {
      timeoutMs: 30_000,
      onProgress: (p) => progress.push({ attempt: p.attempt, error: p.error?.message }),
    });
    await vi.advanceTimersByTimeAsync(1000);
    await done;
    expect(http.requests).toHaveLength(3);
    expect(progress).toEqual([
      { attempt: 1, error: "[unavailable] refused" },
      { attempt: 2, error: undefined },
    ]);
  });

  it("ends with a TimeoutError that carries the last failure", async () => {
    vi.useFakeTimers();
    const pending = client(scripted(status(503)))
      .waitForModelReady("iris", { timeoutMs: 2000 })
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(3000);
    const err = await pending;
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).message).toContain('Model "iris" was not ready within 2000 ms');
  });

  it("gives up at once on errors waiting cannot fix (bad credentials)", async () => {
    vi.useFakeTimers();
    const http = scripted(status(401, '{"error":"no token"}'));
    const pending = client(http)
      .waitForModelReady("iris", { timeoutMs: 60_000 })
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    expect(await pending).toMatchObject({ code: "unauthenticated", status: 401 });
    expect(http.requests).toHaveLength(1);
  });

  it("stops at once when the signal aborts", async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const pending = client(scripted(status(503)))
      .waitForModelReady("iris", { signal: controller.signal })
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    expect(await pending).toBeInstanceOf(AbortError);
  });
});

describe("bad model names reject, they do not throw", () => {
  it.each(["modelReady", "modelMetadata", "waitForModelReady", "infer"] as const)(
    "REST and gRPC %s('') return a rejected promise",
    async (method) => {
      const { createGrpcClient } = await import("kserve-client/grpc");
      const { createRouterTransport } = await import("@connectrpc/connect");
      const rest = createV2Client({ baseUrl: "http://127.0.0.1:1", retry: false });
      const grpc = createGrpcClient({ transport: createRouterTransport(() => {}), retry: false });
      for (const client of [rest, grpc]) {
        let promise: Promise<unknown> | undefined;
        const call = () =>
          (promise = (client[method] as (model: string, arg?: unknown) => Promise<unknown>)("", { inputs: [] }));
        expect(call).not.toThrow();
        await expect(promise).rejects.toMatchObject({ name: "ValidationError", code: "invalid_argument" });
      }
    },
  );
});
