/** createV1Batcher: V1 `instances` joined and `predictions` cut back, against the mock KServe on loopback. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpError, KServeError } from "../../src/core/errors.js";
import { createNodeHttpClient, type NodeHttpClient } from "../../src/node/http-client.js";
import { startMockKServe, type MockKServe } from "../../src/testing/index.js";
import { createV1Client } from "../../src/v1/client.js";
import type { V1Client } from "../../src/v1/types.js";
import { createV1Batcher } from "kserve-client/v1";
import { Tensor } from "kserve-client/tensor";
import { addRecorder, FOREVER, IRIS_ROWS, recordingModel, settled } from "../batching.js";

let mock: MockKServe;
let http: NodeHttpClient;
let client: V1Client;

beforeAll(async () => {
  mock = await startMockKServe({ cluster: false, grpc: false });
  http = createNodeHttpClient();
  client = createV1Client({ baseUrl: mock.url, httpClient: http });
});
afterAll(async () => {
  await http.close();
  await mock.close();
});

/** The iris classifier under a name of its own, recording the instances of each request. */
const iris = (name: string) => addRecorder(mock.models, name, mock.models.get("iris")!.infer);
const ROWS = IRIS_ROWS.slice(0, 3);

describe("createV1Batcher", () => {
  it("joins raw instances into one request; each caller gets its own predictions, as if alone", async () => {
    const model = iris("iris-v1");
    const batcher = createV1Batcher(client, "iris-v1", { maxBatchSize: 4, maxDelayMs: FOREVER });
    const requests = [{ instances: [ROWS[0]!] }, { instances: [ROWS[1]!, ROWS[2]!] }, { instances: [ROWS[0]!] }];
    const results = await Promise.all(requests.map((request) => batcher.predict(request)));
    expect(model.rows).toEqual([4]);
    for (const [i, request] of requests.entries()) {
      const alone = await client.predict("iris-v1", request);
      expect(results[i]!.predictions).toEqual(alone.predictions);
      expect(results[i]!.body).toEqual(alone.body);
      expect(results[i]!.tensor().toArray()).toEqual(alone.tensor().toArray());
    }
    expect(results.map((r) => r.predictions)).toEqual([[1], [0, 2], [1]]);
  });

  it("joins tensor instances of the same datatype and trailing dimensions", async () => {
    const model = iris("iris-v1-tensor");
    const batcher = createV1Batcher(client, "iris-v1-tensor", { maxBatchSize: 3, maxDelayMs: FOREVER });
    const results = await Promise.all(ROWS.map((r) => batcher.predict({ instances: Tensor.fp32("x", [1, 4], r) })));
    expect(model.rows).toEqual([3]);
    expect(results.map((r) => Array.from(r.tensor({ datatype: "INT64" }).data))).toEqual([[1n], [0n], [2n]]);
  });

  it("keeps apart calls whose other fields differ, tensors from raw lists, and sends the columnar form alone", async () => {
    const model = iris("iris-v1-groups");
    const batcher = createV1Batcher(client, "iris-v1-groups", { maxBatchSize: 2, maxDelayMs: FOREVER });
    const signed = { instances: [ROWS[0]!], signature_name: "serving_default" };
    const calls = [
      batcher.predict(signed),
      batcher.predict({ instances: [ROWS[1]!] }),
      batcher.predict({ instances: Tensor.fp64("x", [1, 4], ROWS[2]!) }),
      batcher.predict(signed),
      batcher.predict({ instances: [ROWS[2]!] }),
      batcher.predict({ instances: Tensor.fp64("x", [1, 4], ROWS[0]!) }),
    ];
    const results = await Promise.all(calls);
    expect(model.rows).toEqual([2, 2, 2]);
    expect(results.map((r) => r.predictions)).toEqual([[1], [0], [2], [1], [2], [1]]);
    // TF Serving's columnar form (which KServe's runtimes refuse): sent as it is, its answer as it is.
    const columnar = await settled(batcher.predict({ inputs: { x: Tensor.fp32("x", [1, 4], ROWS[0]!) } }));
    const alone = await settled(
      client.predict("iris-v1-groups", { inputs: { x: Tensor.fp32("x", [1, 4], ROWS[0]!) } }),
    );
    expect((columnar as { error: HttpError }).error.message).toBe((alone as { error: HttpError }).error.message);
  });

  it("a bad instance fails only its caller, with the error it gets alone", async () => {
    const model = iris("iris-v1-picky");
    const batcher = createV1Batcher(client, "iris-v1-picky", { maxBatchSize: 3, maxDelayMs: FOREVER });
    const outcomes = await Promise.all(
      [[ROWS[0]!], [[1, 2, 3]], [ROWS[2]!]].map((instances) => settled(batcher.predict({ instances }))),
    );
    const alone = await settled(client.predict("iris-v1-picky", { instances: [[1, 2, 3]] }));
    expect(outcomes[1]).toEqual({ error: expect.any(HttpError) });
    expect((outcomes[1] as { error: HttpError }).error.message).toBe((alone as { error: HttpError }).error.message);
    expect((outcomes[1] as { error: HttpError }).error.message).toContain("X has 3 features");
    expect(outcomes.map((o) => ("value" in o ? o.value.predictions : "failed"))).toEqual([[1], "failed", [2]]);
    // The joined request is ragged (the model fails on it), then each call goes alone: 1 + 3, then the comparison.
    expect(batcher.stats()).toMatchObject({ batches: 4, retriedAlone: 3 });
    expect(model.rows).toEqual([1, 1, 1, 1]); // the ragged batch failed before the classifier counted it
  });

  it("fails every caller with a clear error when the answer has not one prediction per instance", async () => {
    mock.models.add(
      recordingModel("v1-summary", (inputs) => [Tensor.fp64("total", [1], [inputs[0]!.shape[0]!])]).model,
    );
    const batcher = createV1Batcher(client, "v1-summary", { maxBatchSize: 2, maxDelayMs: FOREVER });
    const outcomes = await Promise.all([[[1]], [[2]]].map((instances) => settled(batcher.predict({ instances }))));
    for (const outcome of outcomes) {
      const error = (outcome as { error: KServeError }).error;
      expect(error.code).toBe("failed_precondition");
      expect(error.message).toContain(
        'Model "v1-summary" cannot be batched: its answer has 1 predictions for a batch of 2 instances',
      );
    }
  });

  it("close() sends what waits and refuses later calls; limits are checked at creation", async () => {
    const model = iris("iris-v1-close");
    const batcher = createV1Batcher(client, "iris-v1-close", { maxBatchSize: 10, maxDelayMs: FOREVER });
    const waiting = batcher.predict({ instances: [ROWS[1]!] });
    await batcher.close();
    expect((await waiting).predictions).toEqual([0]);
    expect(model.rows).toEqual([1]);
    await expect(batcher.predict({ instances: [ROWS[1]!] })).rejects.toMatchObject({ code: "failed_precondition" });
    expect(() => createV1Batcher(client, "iris", { maxQueuedRows: 0 })).toThrow(
      'createV1Batcher("iris"): maxQueuedRows must be a whole number of at least 1, got 0.',
    );
    expect(() => createV1Batcher({} as V1Client, "iris")).toThrow("needs a V1 client");
  });
});
