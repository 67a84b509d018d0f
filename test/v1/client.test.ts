/** The V1 REST client over a scripted HttpClient that answers with what a real KServe 0.14.1 server sent. */
import { describe, expect, it } from "vitest";
import { ConfigError, HttpError, ProtocolError, Tensor, ValidationError, createV1Client } from "kserve-client";
import type { HttpClient } from "../../src/core/http.js";
import { kserveFixture } from "../fixtures.js";
import { expectDatatype, rejection, thrown } from "../helpers.js";
import { recorded, scripted, status, textOf } from "../scripted.js";

const client = (http: HttpClient, extra = {}) =>
  createV1Client({ baseUrl: "http://127.0.0.1:8080", httpClient: http, retry: false, ...extra });
const rows = [
  [5.1, 3.5, 1.4, 0.2],
  [6.2, 2.9, 4.3, 1.3],
  [7.7, 3, 6.1, 2.3],
];

describe("predict", () => {
  it("sends the real server's request byte for byte from an FP64 tensor, and reads its answer", async () => {
    const http = scripted(recorded("v1-predict"));
    const res = await client(http).predict("iris-classifier", { instances: Tensor.fp64("x", [3, 4], rows) });
    const sent = http.requests[0]!;
    const fixture = kserveFixture("v1-predict").request;
    expect(sent.method).toBe("POST");
    expect(sent.url).toBe("http://127.0.0.1:8080/v1/models/iris-classifier:predict");
    expect(sent.headers["content-type"]).toBe("application/json"); // exactly: with a charset KServe hands the model raw bytes
    expect(textOf(sent)).toBe(fixture.body && "text" in fixture.body ? fixture.body.text : "");
    expect(res.predictions).toEqual([0, 1, 2]);
    expect(res.body).toEqual({ predictions: [0, 1, 2] });
    const tensor = res.tensor();
    expectDatatype(tensor, "INT64");
    expect(tensor.shape).toEqual([3]);
    expect(Array.from(tensor.data)).toEqual([0n, 1n, 2n]);
  });

  it("writes FP32 rows as the shortest decimals that read back as the same float32 values", async () => {
    const http = scripted(recorded("v1-predict"));
    await client(http).predict("m", { instances: Tensor.fp32("x", [1, 3], [0.1, -0, 3.4028234663852886e38]) });
    expect(textOf(http.requests[0]!)).toBe('{"instances":[[0.1,-0.0,3.4028235e+38]]}'); // not 0.10000000149011612
    const [row] = (JSON.parse(textOf(http.requests[0]!)) as { instances: number[][] }).instances;
    expect(row!.map(Math.fround)).toEqual([Math.fround(0.1), -0, 3.4028234663852886e38]);
  });

  it("writes FP16 and BF16 columns as the shortest decimals that read back as the same values", async () => {
    const http = scripted(recorded("v1-predict"));
    const h = Tensor.fp16("h", [2], [6.8, 65504]); // the FP16 6.80078125 and the largest
    const b = Tensor.bf16("b", [2], [3.14, -0]); // the BF16 3.140625
    await client(http).predict("m", { inputs: { h, b } });
    expect(textOf(http.requests[0]!)).toBe('{"inputs":{"h":[6.8,65500],"b":[3.14,-0.0]}}');
  });

  it("nests rows by the remaining dimensions and keeps INT64 beyond 2^53 exact", async () => {
    const http = scripted(status(200, '{"predictions":[9223372036854775807,1]}'));
    const big = 9223372036854775807n;
    const res = await client(http).predict("m", { instances: Tensor.int64("x", [2, 2, 1], [big, -1n, 3n, 4n]) });
    expect(textOf(http.requests[0]!)).toBe('{"instances":[[[9223372036854775807],[-1]],[[3],[4]]]}');
    expect(res.predictions).toEqual([big, 1]);
    const tensor = res.tensor();
    expectDatatype(tensor, "INT64");
    expect(Array.from(tensor.data)).toEqual([big, 1n]);
  });

  it("writes BOOL as true/false and BYTES as text, or {b64} when not UTF-8", async () => {
    const http = scripted(status(200, '{"predictions":[]}'));
    await client(http).predict("m", { instances: Tensor.bool("b", [2], [true, false]) });
    await client(http).predict("m", {
      instances: Tensor.bytes("s", [3], ["héllo", new Uint8Array([0xff, 0x00, 0x10]), ""]),
    });
    expect(textOf(http.requests[0]!)).toBe('{"instances":[true,false]}');
    expect(textOf(http.requests[1]!)).toBe('{"instances":["héllo",{"b64":"/wAQ"},""]}');
  });

  it("writes the columnar form with the other fields first", async () => {
    const http = scripted(status(200, '{"outputs":{"scores":[[0.5,0.5]],"labels":[1]}}'));
    const res = await client(http).predict("m", {
      signature_name: "serving_default",
      inputs: { a: Tensor.fp64("a", [1, 2], [1.5, 2]), b: Tensor.int32("b", [1], [7]) },
    });
    expect(textOf(http.requests[0]!)).toBe('{"signature_name":"serving_default","inputs":{"a":[[1.5,2]],"b":[7]}}');
    expect(res.predictions).toBeUndefined();
    expect(res.tensor({ output: "scores" }).toArray()).toEqual([[0.5, 0.5]]);
    expect(res.tensor({ output: "scores" }).datatype).toBe("FP64");
    expect(res.tensor({ output: "labels", datatype: "INT32" }).data).toEqual(new Int32Array([1]));
    expect(thrown(ValidationError, () => res.tensor({ output: "nope" })).message).toContain('"scores", "labels"');
  });

  it("passes a raw body through, bigints exact", async () => {
    const http = scripted(status(200, '{"predictions":[[0.1,0.9]]}'));
    const res = await client(http).predict("m", { instances: [{ text: "hi", id: 12345678901234567890n }] });
    expect(textOf(http.requests[0]!)).toBe('{"instances":[{"text":"hi","id":12345678901234567890}]}');
    expect(res.tensor().toArray()).toEqual([[0.1, 0.9]]);
  });

  it("refuses bad bodies before sending, naming what is wrong", async () => {
    const http = scripted(status(200, "{}"));
    const c = client(http);
    const cases: [unknown, string, string][] = [
      [{}, "body", "neither"],
      [{ instances: [1], inputs: [1] }, "body", "both"],
      [{ instances: Tensor.fp32("s", [], [1]) }, "instances", "no batch dimension"],
      [
        { inputs: { a: Tensor.fp32("a", [2, 1], [1, 2]), b: Tensor.fp32("b", [3], [1, 2, 3]) } },
        "inputs.b.shape[0]",
        "batch size 3 but inputs.a has 2",
      ],
      [{ inputs: { a: Tensor.fp32("a", [1], [1]), b: [1] } }, "inputs.b", "mixes tensors"],
      [{ instances: Tensor.fp32("x", [1, 2], [1, NaN]) }, "data[1]", "NaN"],
      [{ instances: [[1, Infinity]] }, "instances[0][1]", "Infinity"],
      [{ instances: "rows" }, "instances", "a Tensor or a list"],
      [{ instances: [Tensor.fp32("x", [1], [1])] }, "instances[0]", "Tensor inside a raw body"],
      [{ instances: [new Float32Array([5.1, 3.5])] }, "instances[0]", "Float32Array"],
      [{ instances: [{ image: new Uint8Array([1, 2]) }] }, "instances[0].image", "b64"],
      [{ instances: [new Map([["a", 1]])] }, "instances[0]", "Map"],
      [{ instances: [1, undefined] }, "instances[1]", "undefined"],
    ];
    for (const [body, path, words] of cases) {
      const err = await rejection(c.predict("m", body as never));
      expect(err, path).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).details.path, path).toBe(path);
      expect((err as ValidationError).message, path).toContain(words);
    }
    expect(await rejection(c.predict("", { instances: [1] }))).toBeInstanceOf(ValidationError);
    expect(((await rejection(c.explain("m", {} as never))) as ValidationError).message).toContain(
      'explain("m") needs exactly one',
    );
    // Undefined properties are left out, as JSON.stringify does: not an error.
    await c.predict("m", { instances: [{ a: 1, b: undefined }], inputs: undefined });
    expect(http.requests).toHaveLength(1);
    expect(textOf(http.requests[0]!)).toBe('{"instances":[{"a":1}]}');
  });

  it("maps the real server's errors to typed errors with its message", async () => {
    const unknown = await rejection(
      client(scripted(recorded("v1-unknown-model"))).predict("no-such-model", { instances: [[1, 2, 3, 4]] }),
    );
    expect(unknown).toBeInstanceOf(HttpError);
    expect(unknown).toMatchObject({ status: 404, code: "not_found" });
    expect((unknown as HttpError).message).toContain("Model with name no-such-model does not exist.");

    const explain = await rejection(
      client(scripted(recorded("v1-explain-unsupported"))).explain("iris-classifier", {
        instances: Tensor.fp64("x", [1, 4], rows[0]!),
      }),
    );
    expect(explain).toMatchObject({ status: 501, code: "unimplemented" });
    expect((explain as HttpError).message).toContain("Could not find explainer_host.");
  });

  it("explain posts to :explain and returns the explainer's whole answer", async () => {
    const http = scripted(status(200, '{"predictions":[1],"explanations":[{"anchor":["petal width > 0.8"]}]}'));
    const res = await client(http).explain("iris", { instances: [[1, 2, 3, 4]] });
    expect(http.requests[0]!.url).toBe("http://127.0.0.1:8080/v1/models/iris:explain");
    expect(res.body["explanations"]).toEqual([{ anchor: ["petal width > 0.8"] }]);
  });

  it("answers that are not a JSON object are ProtocolErrors", async () => {
    for (const body of ["<html>oops</html>", "[1,2]", ""]) {
      const answer = { ...status(200, body), headers: { "x-request-id": "req-7" } };
      const error = await rejection(client(scripted(answer)).predict("m", { instances: [1] }));
      expect(error, body).toBeInstanceOf(ProtocolError);
      // Whose answer it was, as for V2 and gRPC: the message names the endpoint, the fields the model and request.
      expect(error, body).toMatchObject({ model: "m", requestId: "req-7" });
      expect((error as ProtocolError).message, body).toContain("POST /v1/models/m:predict");
      // Not wrapped: a cause with the same message would repeat it in every log line.
      expect(((error as ProtocolError).cause as Error | undefined)?.message, body).not.toBe(
        (error as ProtocolError).message,
      );
    }
  });

  it("tensor() explains what it cannot read", async () => {
    const read = async (body: string) =>
      (await client(scripted(status(200, body))).predict("m", { instances: [1] })).tensor();
    await expect(read('{"predictions":[[1,2],[3]]}')).rejects.toThrow(ValidationError); // ragged
    await expect(read('{"predictions":["setosa"]}')).rejects.toThrow(ValidationError);
    await expect(read('{"other":1}')).rejects.toThrow(/no predictions or outputs to read/);
    // KServe writes NaN and ±Infinity as null: they read back as NaN, as in V2.
    const withNull = await read('{"predictions":[0.5,null]}');
    expectDatatype(withNull, "FP64");
    expect(Array.from(withNull.data)).toEqual([0.5, NaN]);
    const named = await client(scripted(status(200, '{"outputs":{"a":[1]}}'))).predict("m", { instances: [1] });
    expect(thrown(ValidationError, () => named.tensor({ output: "toString" })).message).toContain(
      'no output "toString"',
    );
    expect((await read('{"predictions":[true,false]}')).datatype).toBe("BOOL");
    expect((await read('{"predictions":3.5}')).shape).toEqual([]);
  });

  it("predictions is the answer's list, or undefined when it has none (a custom model's scalar stays in body and tensor())", async () => {
    const answer = async (body: string) => client(scripted(status(200, body))).predict("m", { instances: [1] });
    expect((await answer('{"predictions":[{"label":"setosa","p":0.9},[1,2],"x",true,null]}')).predictions).toEqual([
      { label: "setosa", p: 0.9 },
      [1, 2],
      "x",
      true,
      null,
    ]);
    for (const body of [
      '{"outputs":[1]}',
      '{"predictions":3.5}',
      '{"predictions":null}',
      '{"predictions":{"a":[1]}}',
    ]) {
      const res = await answer(body);
      expect(res.predictions, body).toBeUndefined();
      expect(res.body, body).toEqual(JSON.parse(body));
    }
    expect((await answer('{"predictions":3.5}')).tensor().toArray()).toBe(3.5);
  });

  it("tensor() refuses an empty name rather than returning a Tensor the constructor would refuse", async () => {
    // Found by fuzzing: tensor({ name: "" }) returned a tensor named "", which no Tensor may be.
    const res = await client(scripted(status(200, '{"predictions":[1,2],"outputs":{"":[3]}}'))).predict("m", {
      instances: [1],
    });
    const error = thrown(ValidationError, () => res.tensor({ name: "" }));
    expect(error.details).toMatchObject({ path: "options.name", expected: "a non-empty string", received: '""' });
    expect(error.message).toContain("options.name");
    expect(thrown(ValidationError, () => res.tensor({ output: "" })).details.path).toBe("options.output");
    expect(res.tensor({ output: "", name: "x" }).name).toBe("x");
  });
});

describe("modelReady, listModels, serverLive", () => {
  it('reads ready as true or the string "True" KServe 0.14.1 sends; 404 and 503 are false', async () => {
    expect(await client(scripted(recorded("v1-model-ready"))).modelReady("iris-classifier")).toBe(true);
    expect(await client(scripted(status(200, '{"name":"m","ready":true}'))).modelReady("m")).toBe(true);
    expect(await client(scripted(status(200, '{"name":"m","ready":"False"}'))).modelReady("m")).toBe(false);
    expect(await client(scripted(status(404, '{"error":"Model with name m does not exist."}'))).modelReady("m")).toBe(
      false,
    );
    expect(await client(scripted(status(503, '{"error":"Model with name m is not ready."}'))).modelReady("m")).toBe(
      false,
    );
    expect(
      await rejection(client(scripted(status(200, '{"name":"m","ready":"maybe"}'))).modelReady("m")),
    ).toBeInstanceOf(ProtocolError);
    expect(await rejection(client(scripted(status(500, '{"error":"boom"}'))).modelReady("m"))).toBeInstanceOf(
      HttpError,
    );
    const http = scripted(recorded("v1-model-ready"));
    await client(http).modelReady("a/b");
    expect(http.requests[0]!.url).toBe("http://127.0.0.1:8080/v1/models/a%2Fb");
  });

  it("lists models, and checks the answer's shape", async () => {
    const http = scripted(recorded("v1-list-models"));
    expect(await client(http).listModels()).toEqual(["iris-classifier"]);
    expect(http.requests[0]!.url).toBe("http://127.0.0.1:8080/v1/models");
    const bad = await rejection(client(scripted(status(200, '{"models":"iris"}'))).listModels());
    expect(bad).toBeInstanceOf(ProtocolError);
    expect((bad as ProtocolError).message).toContain("models");
  });

  it("serverLive is GET / (KServe's liveness route): 2xx true, 503 false", async () => {
    const http = scripted(status(200, '{"status":"alive"}'));
    expect(await client(http).serverLive()).toBe(true);
    expect(http.requests[0]!.url).toBe("http://127.0.0.1:8080/");
    expect(await client(scripted(status(503))).serverLive()).toBe(false);
  });

  it("shares the core's options: bad baseUrl and host where it cannot work are ConfigErrors", () => {
    thrown(ConfigError, () => createV1Client({ baseUrl: "localhost:8080" }));
    thrown(ConfigError, () =>
      createV1Client({ baseUrl: "http://127.0.0.1:1", fetch: globalThis.fetch, host: "iris.default.example.com" }),
    );
  });

  it("retries a 503 on predict and sends auth per attempt", async () => {
    const http = scripted(status(503, '{"error":"busy"}'), recorded("v1-predict"));
    let calls = 0;
    const c = createV1Client({
      baseUrl: "http://127.0.0.1:8080",
      httpClient: http,
      retry: { initialDelayMs: 1, maxDelayMs: 1 },
      auth: async () => ({ authorization: `Bearer t${++calls}` }),
    });
    expect((await c.predict("iris-classifier", { instances: [[1, 2, 3, 4]] })).predictions).toEqual([0, 1, 2]);
    expect(http.requests.map((r) => r.headers["authorization"])).toEqual(["Bearer t1", "Bearer t2"]);
  });
});
