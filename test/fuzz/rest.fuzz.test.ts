/**
 * Fuzzing REST answer parsing: V1 (`decodeV1Answer` and the `tensor()` reading of its predictions, `decodeReady`,
 * `decodeModels`) and V2 (`decodeInferResponse`: framing, exact JSON, the zod envelope), directly and through
 * `createV1Client` / `createV2Client` with an HttpClient that answers arbitrary statuses, headers and bodies
 * (error bodies included: the server's message is read out of them). Only a result or a KServeError is allowed.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { HttpClient, HttpResponse } from "../../src/core/http.js";
import { serverMessage } from "../../src/core/http-error.js";
import { Tensor } from "../../src/tensor/index.js";
import { createV1Client } from "../../src/v1/client.js";
import { decodeModels, decodeReady, decodeV1Answer } from "../../src/v1/result.js";
import { createV2Client } from "../../src/v2/client.js";
import { decodeInferResponse } from "../../src/v2/infer.js";
import { bodyBytes, kserveFixture } from "../fixtures.js";
import { expectDatatype } from "../helpers.js";
import {
  arbitraryBytes,
  datatypeText,
  expectWellFormed,
  headerLengthValue,
  mutatedBytes,
  mutatedJsonText,
  RUNS,
  resultOrKServeError,
  resultOrKServeErrorAsync,
  runs,
  TIMEOUT,
  truncations,
  utf8,
} from "./support.js";

const text = (name: string) => new TextDecoder().decode(bodyBytes(kserveFixture(name).response.body));

const V1_ANSWERS = ["v1-predict", "v1-explain-unsupported", "v1-unknown-model"].map(text);
const READY = text("v1-model-ready");
const MODELS = text("v1-list-models");

/** V1 predictions of every kind a model returns: nested numbers, booleans, strings, big integers, nulls, objects. */
const { value: predictionValue } = fc.letrec<{ value: unknown; leaf: unknown }>((tie) => ({
  leaf: fc.oneof(
    fc.integer({ min: -300, max: 300 }),
    fc.double(),
    fc.boolean(),
    fc.constantFrom(null, "a", 9007199254740993n, -(2n ** 63n), 2n ** 64n - 1n, 2n ** 64n, 1e308, -0),
  ),
  value: fc.oneof(
    { depthSize: "small" },
    tie("leaf"),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.array(fc.array(tie("leaf"), { minLength: 2, maxLength: 2 }), { maxLength: 3 }),
  ),
}));

/** A V1 answer as a server writes it: bigints digit for digit, NaN and Infinity as bare tokens. */
function writeV1(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number")
    return Number.isNaN(value)
      ? "NaN"
      : value === Infinity
        ? "Infinity"
        : value === -Infinity
          ? "-Infinity"
          : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(writeV1).join(",")}]`;
  if (value !== null && typeof value === "object")
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${writeV1(v)}`)
      .join(",")}}`;
  return JSON.stringify(value);
}

const generatedV1Answer = fc
  .record({
    predictions: fc.option(predictionValue, { nil: undefined }),
    outputs: fc.option(fc.dictionary(fc.constantFrom("a", "b", "__proto__"), predictionValue, { maxKeys: 2 }), {
      nil: undefined,
    }),
  })
  .map((answer) => writeV1(Object.fromEntries(Object.entries(answer).filter(([, v]) => v !== undefined))));

/** Bodies for V1 answers: captured ones mutated, generated ones, arbitrary bytes. */
const v1Body: fc.Arbitrary<Uint8Array> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(...V1_ANSWERS)
      .chain(mutatedJsonText)
      .map((t) => utf8.encode(t)),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(...V1_ANSWERS)
      .map((t) => utf8.encode(t))
      .chain(mutatedBytes),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(...V1_ANSWERS)
      .map((t) => utf8.encode(t))
      .chain(truncations),
  },
  { weight: 3, arbitrary: generatedV1Answer.map((t) => utf8.encode(t)) },
  { weight: 1, arbitrary: arbitraryBytes },
);

const tensorOptions = fc.record(
  {
    output: fc.constantFrom("a", "b", "__proto__", "constructor", "", "toString"),
    datatype: datatypeText,
    name: fc.constantFrom("p", "", "é"),
  },
  { requiredKeys: [] },
);

/**
 * Error bodies nested thousands of levels deep: JSON.parse reads them, and anything that then recurses over them
 * (Array#join, String(), JSON.stringify) overflows the stack.
 */
const deepErrorBody: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(10, 600, 3000, 8000), fc.constantFrom("loc", "item", "detail", "error"))
  .map(([n, where]) => {
    const deep = `${"[".repeat(n)}${"]".repeat(n)}`;
    if (where === "loc") return `{"detail":[{"loc":${deep},"msg":"field required"}]}`;
    if (where === "item") return `{"detail":[${deep}]}`;
    if (where === "detail") return `{"detail":${deep}}`;
    return `{"error":${deep}}`;
  });

const status = fc.oneof(
  { weight: 4, arbitrary: fc.constant(200) },
  fc.constantFrom(201, 204, 299, 300, 302, 400, 401, 404, 409, 422, 429, 500, 501, 503, 504, 599, 100, 0, 999),
);

const errorBody: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc
    .constantFrom(
      text("v1-explain-unsupported"),
      text("v1-unknown-model"),
      text("v2-missing-inputs-422"),
      text("v2-model-error-500"),
      text("v2-unknown-model"),
      text("v2-versioned-path-501"),
      "",
      "  ",
      "<html>502 Bad Gateway</html>",
      '{"detail":[{"loc":["body",0],"msg":"x"},3,null,{"x":1}]}',
      '{"detail":{"a":1}}',
    )
    .chain((t) => fc.oneof(fc.constant(t), mutatedJsonText(t)))
    .map((t) => utf8.encode(t)),
  deepErrorBody.map((t) => utf8.encode(t)),
);

/** An HttpClient that answers whatever the property sets next. */
function answering(): { client: HttpClient; next: (response: HttpResponse) => void } {
  let response: HttpResponse = { status: 200, headers: {}, body: new Uint8Array(0) };
  const client: HttpClient = async () => response;
  return { client, next: (r) => (response = r) };
}

describe(`V1 answers, ${RUNS} cases per property`, () => {
  it("decodes the unmutated captured answers", () => {
    const answer = decodeV1Answer(utf8.encode(V1_ANSWERS[0]!), "POST /v1/models/iris:predict");
    const tensor = answer.tensor();
    expectDatatype(tensor, "INT64");
    expect(Array.from(tensor.data)).toEqual([0n, 1n, 2n]);
    expect(decodeReady(utf8.encode(READY), "GET /v1/models/iris")).toBe(true);
    expect(decodeModels(utf8.encode(MODELS), "GET /v1/models")).toEqual(["iris-classifier"]);
  });

  it("decodeV1Answer and tensor(): mutated, generated and arbitrary bodies, any tensor options", {
    timeout: TIMEOUT,
  }, () => {
    fc.assert(
      fc.property(v1Body, tensorOptions, (body, options) => {
        const answer = resultOrKServeError(() => decodeV1Answer(body, "POST /v1/models/m:predict"));
        if (answer === undefined) return;
        for (const opts of [{}, options]) {
          const tensor = resultOrKServeError(() => answer.tensor(opts as never));
          if (tensor !== undefined) expectWellFormed(tensor);
        }
      }),
      runs(),
    );
  });

  it("decodeReady and decodeModels: mutated and arbitrary bodies", { timeout: TIMEOUT }, () => {
    const body = fc.oneof(
      fc
        .constantFrom(READY, MODELS)
        .chain(mutatedJsonText)
        .map((t) => utf8.encode(t)),
      fc
        .constantFrom(READY, MODELS)
        .map((t) => utf8.encode(t))
        .chain(mutatedBytes),
      fc
        .constantFrom(
          '{"ready":"TRUE"}',
          '{"ready":"yes"}',
          '{"ready":1}',
          '{"models":[1]}',
          '{"models":null}',
          '{"ready":"\\u0130"}',
        )
        .map((t) => utf8.encode(t)),
      arbitraryBytes,
    );
    fc.assert(
      fc.property(body, (bytes) => {
        resultOrKServeError(() => decodeReady(bytes, "GET /v1/models/m"));
        const models = resultOrKServeError(() => decodeModels(bytes, "GET /v1/models"));
        if (models !== undefined) expect(models.every((m) => typeof m === "string")).toBe(true);
      }),
      runs(),
    );
  });

  it("createV1Client: every call, any status, any body (error bodies too)", { timeout: TIMEOUT }, async () => {
    const { client: httpClient, next } = answering();
    const v1 = createV1Client({ baseUrl: "http://model.test", httpClient, retry: false });
    const calls: (() => Promise<unknown>)[] = [
      () => v1.predict("m", { instances: [[1, 2]] }),
      () => v1.explain("m", { instances: [[1, 2]] }),
      () => v1.modelReady("m"),
      () => v1.listModels(),
      () => v1.serverLive(),
    ];
    await fc.assert(
      fc.asyncProperty(status, fc.oneof(v1Body, errorBody), fc.nat(calls.length - 1), async (code, body, call) => {
        next({ status: code, headers: { "content-type": "application/json" }, body });
        await resultOrKServeErrorAsync(calls[call]!);
      }),
      runs(Math.max(1, Math.floor(RUNS / 2))),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// V2

interface V2Answer {
  body: Uint8Array;
  headerLength: number | undefined;
}

const v2Answer = (name: string): V2Answer => {
  const { headers, body } = kserveFixture(name).response;
  const length = headers["inference-header-content-length"];
  return { body: bodyBytes(body), headerLength: length === undefined ? undefined : Number(length) };
};
const V2_ANSWERS = ["v2-infer-json", "v2-infer-binary-out", "v2-infer-binary-in-json-out"].map(v2Answer);

const v2Response: fc.Arbitrary<HttpResponse> = fc
  .constantFrom(...V2_ANSWERS)
  .chain((answer) => {
    const body = fc.oneof(
      { weight: 3, arbitrary: mutatedBytes(answer.body) },
      { weight: 1, arbitrary: truncations(answer.body) },
      {
        weight: 3,
        arbitrary:
          answer.headerLength === undefined
            ? mutatedJsonText(new TextDecoder().decode(answer.body)).map((t) => utf8.encode(t))
            : fc.constant(answer.body),
      },
      { weight: 1, arbitrary: arbitraryBytes },
    );
    return body.chain((bytes) =>
      fc.tuple(fc.constant(bytes), headerLengthValue(answer.headerLength ?? bytes.length, bytes.length), fc.boolean()),
    );
  })
  .map(([body, headerLength, sendLength]) => ({
    status: 200,
    headers:
      sendLength && headerLength !== undefined ? { "inference-header-content-length": String(headerLength) } : {},
    body,
  }));

describe(`V2 inference answers, ${RUNS} cases per property`, () => {
  it("decodes the unmutated captured answers", () => {
    for (const answer of V2_ANSWERS) {
      const headers: Record<string, string> =
        answer.headerLength === undefined ? {} : { "inference-header-content-length": String(answer.headerLength) };
      const { result } = decodeInferResponse("iris-classifier", { status: 200, headers, body: answer.body });
      expect(result.modelName).toBe("iris-classifier");
      for (const tensor of result.outputs) expectWellFormed(tensor);
    }
  });

  it("decodeInferResponse: mutated, cut and arbitrary bodies with header lengths kept, altered or missing", {
    timeout: TIMEOUT,
  }, () => {
    fc.assert(
      fc.property(v2Response, (response) => {
        const decoded = resultOrKServeError(() => decodeInferResponse("m", response));
        if (decoded === undefined) return;
        expect(typeof decoded.result.modelName).toBe("string");
        for (const tensor of decoded.result.outputs) expectWellFormed(tensor);
      }),
      runs(),
    );
  });

  it("createV2Client: infer, metadata and health calls, any status, any body", { timeout: TIMEOUT }, async () => {
    const { client: httpClient, next } = answering();
    const v2 = createV2Client({ baseUrl: "http://model.test", httpClient, retry: false });
    const input = Tensor.fp32("input-0", [1, 4], [5.1, 3.5, 1.4, 0.2]);
    const calls: (() => Promise<unknown>)[] = [
      () => v2.infer("m", { inputs: [input] }),
      () => v2.infer("m", { inputs: [input] }, { binary: "always" }),
      () => v2.modelMetadata("m"),
      () => v2.serverMetadata(),
      () => v2.modelReady("m"),
    ];
    const metadata = fc
      .constantFrom(
        text("v2-model-metadata"),
        text("v2-server-metadata"),
        '{"name":"m","inputs":[{"name":"x","datatype":"FP32","shape":[-1,4]}]}',
      )
      .chain(mutatedJsonText)
      .map((t) => ({ status: 200, headers: {}, body: utf8.encode(t) }));
    const answer = fc.oneof(
      { weight: 3, arbitrary: v2Response },
      metadata,
      fc.tuple(status, errorBody).map(([code, body]) => ({ status: code, headers: {}, body })),
    );
    await fc.assert(
      fc.asyncProperty(answer, fc.nat(calls.length - 1), async (response, call) => {
        next(response);
        await resultOrKServeErrorAsync(calls[call]!);
      }),
      runs(Math.max(1, Math.floor(RUNS / 2))),
    );
  });
});

describe("error bodies nested thousands of levels deep", () => {
  it("serverMessage reads them without overflowing the stack", () => {
    fc.assert(
      fc.property(deepErrorBody, (body) => {
        const message = serverMessage(body);
        expect(typeof message).toBe("string");
      }),
      { numRuns: 16, seed: 1 },
    );
  });
});
