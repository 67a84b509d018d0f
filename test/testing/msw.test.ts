/** The msw handlers: the same fake models and V2/V1 behaviour, intercepted in-process (here through fetch). */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConnectionError, HttpError } from "../../src/core/errors.js";
import { createFetchHttpClient } from "../../src/core/fetch-client.js";
import { createFakeModels, createKServeHandlers } from "../../src/testing/index.js";
import { createV1Client } from "../../src/v1/client.js";
import { createV2Client } from "../../src/v2/client.js";
import { Tensor } from "kserve-client/tensor";
import { bodyBytes, kserveFixture } from "../fixtures.js";

const baseUrl = "http://kserve.test";
const models = createFakeModels();
const server = setupServer(...createKServeHandlers(models, { baseUrl }));

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  models.get("faulty")!.faults.length = 0;
});
afterAll(() => server.close());

// fetch is looked up per call, so msw's patched global fetch is the one used.
const client = (extra = {}) =>
  createV2Client({ baseUrl, httpClient: createFetchHttpClient(), retry: { initialDelayMs: 5 }, ...extra });

describe("createKServeHandlers", () => {
  it("serves iris and echo, JSON and binary", async () => {
    const iris = await client().infer("iris-classifier", {
      inputs: [
        Tensor.fp32(
          "input-0",
          [2, 4],
          [
            [5.1, 3.5, 1.4, 0.2],
            [7.7, 3.0, 6.1, 2.3],
          ],
        ),
      ],
    });
    expect(Array.from(iris.output("output-0", "INT64").data)).toEqual([0n, 2n]);
    const ids = Tensor.int64("ids", [2], [9007199254740993n, -1n]);
    const echo = await client({ binary: "always" }).infer("echo", { inputs: [ids, Tensor.fp16("h", [1], [6.8])] });
    expect(Array.from(echo.output("ids", "INT64").data)).toEqual([9007199254740993n, -1n]);
    expect(echo.output("h").toArray()).toEqual([6.80078125]);
  });

  it("plays the faulty model's script: a 503 retried, a reset retried, a cut body a ConnectionError, a 500 not retried", async () => {
    const faulty = models.get("faulty")!;
    const input = { inputs: [Tensor.fp32("x", [1], [1])] };
    faulty.faults.push({ status: 503, headers: { "retry-after-ms": "5" } }, { reset: true });
    expect((await client().infer("faulty", input)).outputs).toHaveLength(1);
    faulty.faults.push({ truncateAt: 5 }, { truncateAt: 5 }, { truncateAt: 5 });
    expect(
      await client()
        .infer("faulty", input)
        .catch((e: unknown) => e),
    ).toBeInstanceOf(ConnectionError);
    faulty.faults.length = 0;
    faulty.faults.push({ status: 500, body: '{"error":"boom"}' });
    expect(
      await client()
        .infer("faulty", input)
        .catch((e: unknown) => e),
    ).toMatchObject({ status: 500, code: "internal" });
    expect(
      await client({ retry: false })
        .infer("nope", input)
        .catch((e: unknown) => e),
    ).toBeInstanceOf(HttpError);
  });

  it("serves V1 too: predict, ready, list, live", async () => {
    const v1 = createV1Client({ baseUrl, httpClient: createFetchHttpClient() });
    const res = await v1.predict("iris-classifier", {
      instances: Tensor.fp32(
        "x",
        [2, 4],
        [
          [5.1, 3.5, 1.4, 0.2],
          [7.7, 3.0, 6.1, 2.3],
        ],
      ),
    });
    expect(res.predictions).toEqual([0, 2]);
    expect(await v1.modelReady("iris-classifier")).toBe(true);
    expect(await v1.listModels()).toContain("echo");
    expect(await v1.serverLive()).toBe(true);
  });

  it("answers every recorded V2 and V1 request with the real server's status", async () => {
    const names = readdirSync(fileURLToPath(new URL("../fixtures/kserve-0.14.1/", import.meta.url))).filter(
      (f) => f.startsWith("v2-") || f.startsWith("v1-"),
    );
    expect(names.length).toBeGreaterThanOrEqual(19);
    for (const file of names) {
      const { request, response } = kserveFixture(file.replace(/\.json$/, ""));
      const body = request.body ? bodyBytes(request.body) : null;
      const res = await fetch(`${baseUrl}${request.path}`, {
        method: request.method,
        headers: request.headers,
        body: body as BodyInit | null,
      });
      expect(res.status, file).toBe(response.status);
      expect(res.headers.get("inference-header-content-length"), file).toBe(
        response.headers["inference-header-content-length"] ?? null,
      );
      const got = new Uint8Array(await res.arrayBuffer());
      if (response.body && "base64" in response.body)
        expect(Buffer.from(got).equals(Buffer.from(bodyBytes(response.body))), file).toBe(true);
    }
  });
});
