/**
 * createBatcher on the V2 REST client, against the mock KServe on loopback. Nothing here measures time: a trigger
 * that did not fire leaves a call unanswered and the test fails on vitest's timeout; waits on what the server has
 * seen are polls with generous bounds.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AbortError, HttpError, KServeError, TimeoutError } from "../../src/core/errors.js";
import { createNodeHttpClient, type NodeHttpClient } from "../../src/node/http-client.js";
import { startMockKServe, type MockKServe } from "../../src/testing/index.js";
import { createV2Client } from "../../src/v2/client.js";
import type { V2Client } from "../../src/v2/types.js";
import { createBatcher } from "kserve-client/v2";
import { Tensor } from "kserve-client/tensor";
import { addRecorder, FOREVER, IRIS_ROWS, pickyModel, plain, recordingModel, settled } from "../batching.js";

let mock: MockKServe;
let http: NodeHttpClient;
let client: V2Client;

beforeAll(async () => {
  mock = await startMockKServe({ cluster: false, grpc: false });
  http = createNodeHttpClient();
  client = createV2Client({ baseUrl: mock.url, httpClient: http, retry: { initialDelayMs: 1, maxDelayMs: 1 } });
});
afterAll(async () => {
  await http.close();
  await mock.close();
});

/** A fresh recording echo under a name of its own. */
const recorder = (name: string) => addRecorder(mock.models, name);
const row = (values: number[], name = "input-0") => ({ inputs: [Tensor.fp32(name, [1, values.length], values)] });

describe("createBatcher (V2 REST)", () => {
  it("joins concurrent single-row calls into one request; each caller gets its own row, as if alone", async () => {
    const iris = addRecorder(mock.models, "iris-recorded", mock.models.get("iris")!.infer);
    const batcher = createBatcher(client, "iris-recorded", { maxBatchSize: 4, maxDelayMs: FOREVER });
    const batched = await Promise.all(IRIS_ROWS.map((r) => batcher.infer(row(r))));
    expect(iris.rows).toEqual([4]);
    for (const [i, r] of IRIS_ROWS.entries()) {
      const alone = await client.infer("iris-recorded", row(r));
      expect(plain(batched[i]!.outputs)).toEqual(plain(alone.outputs));
      expect(batched[i]!.modelName).toBe("iris-recorded");
    }
    expect(Array.from(batched.map((res) => res.output("output-0", "INT64").data[0]))).toEqual([1n, 0n, 2n, 1n]);
    expect(batcher.stats()).toEqual({
      calls: 4,
      batches: 1,
      rows: 4,
      queuedCalls: 0,
      queuedRows: 0,
      inFlight: 0,
      refused: 0,
      retriedAlone: 0,
    });
  });

  it("size trigger: a batch goes as soon as it has maxBatchSize rows; the rest wait for the next", async () => {
    const echo = recorder("size-trigger");
    const batcher = createBatcher(client, "size-trigger", { maxBatchSize: 4, maxDelayMs: FOREVER });
    const calls = [1, 2, 3, 4, 5, 6].map((x) => batcher.infer(row([x])));
    const first = await Promise.all(calls.slice(0, 4));
    expect(first.map((res) => res.output("input-0", "FP32").data[0])).toEqual([1, 2, 3, 4]);
    expect(echo.rows).toEqual([4]);
    expect(batcher.stats()).toMatchObject({ queuedCalls: 2, queuedRows: 2 });
    await batcher.close(); // sends what waits
    expect((await Promise.all(calls.slice(4))).map((res) => res.output("input-0", "FP32").data[0])).toEqual([5, 6]);
    expect(echo.rows).toEqual([4, 2]);
  });

  it("counts rows, not calls: a 3-row call and a 1-row call fill a batch of 4", async () => {
    const echo = recorder("rows-count");
    const batcher = createBatcher(client, "rows-count", { maxBatchSize: 4, maxDelayMs: FOREVER });
    const three = batcher.infer({ inputs: [Tensor.int32("input-0", [3, 2], [1, 2, 3, 4, 5, 6])] });
    const one = batcher.infer({ inputs: [Tensor.int32("input-0", [1, 2], [7, 8])] });
    expect((await three).output("input-0", "INT32").toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect((await one).output("input-0", "INT32").toArray()).toEqual([[7, 8]]);
    expect(echo.rows).toEqual([4]);
  });

  it("delay trigger: a partial batch goes maxDelayMs after its first call", async () => {
    const echo = recorder("delay-trigger");
    const batcher = createBatcher(client, "delay-trigger", { maxBatchSize: 1000, maxDelayMs: 20 });
    const answers = await Promise.all([1, 2, 3].map((x) => batcher.infer(row([x]))));
    expect(answers.map((res) => res.output("input-0", "FP32").data[0])).toEqual([1, 2, 3]);
    expect(echo.rows).toEqual([3]);
  });

  it("holds a partial batch until maxDelayMs (here: never), and close() sends it", async () => {
    const echo = recorder("held");
    const batcher = createBatcher(client, "held", { maxBatchSize: 1000, maxDelayMs: FOREVER });
    const calls = [batcher.infer(row([1])), batcher.infer(row([2]))];
    await client.serverLive(); // a round trip on the same server: the batch would have gone by now
    expect(echo.rows).toEqual([]);
    expect(batcher.stats()).toMatchObject({ batches: 0, queuedCalls: 2, queuedRows: 2 });
    await batcher.close();
    expect(echo.rows).toEqual([2]);
    await expect(Promise.all(calls)).resolves.toHaveLength(2);
  });

  it("groups by signature: names, datatypes, trailing dimensions, outputs, parameters and binary mode", async () => {
    const echo = recorder("signatures");
    // Clients of their own: one that has had a binary answer asks for binary outputs from then on, which carry
    // tensor parameters that JSON answers leave out, and the comparison below is with JSON answers.
    const json = createV2Client({ baseUrl: mock.url, httpClient: http });
    const binary = createV2Client({ baseUrl: mock.url, httpClient: http });
    const batcher = createBatcher(json, "signatures", { maxBatchSize: 2, maxDelayMs: FOREVER });
    const requests = [
      row([1, 2]),
      { inputs: [Tensor.fp64("input-0", [1, 2], [1, 2])] }, // another datatype
      row([1, 2, 3]), // other trailing dimensions
      row([1, 2], "other"), // another input name
      { ...row([1, 2]), outputs: [{ name: "input-0" }] }, // outputs asked for
      { ...row([1, 2]), parameters: { priority: 1 } }, // request parameters
      { inputs: [Tensor.fp32("input-0", [1, 2], [1, 2], { content_type: "np" })] }, // tensor parameters
    ];
    // Each request twice, interleaved: only the two of the same kind may share a request.
    const calls = [...requests, ...requests].map((request) => batcher.infer(request));
    const results = await Promise.all(calls);
    expect(echo.rows).toEqual(Array(requests.length).fill(2));
    for (const [i, request] of [...requests, ...requests].entries()) {
      const alone = await json.infer("signatures", request);
      expect(plain(results[i]!.outputs)).toEqual(plain(alone.outputs));
    }
    // The binary mode too: a call with binary "always" does not join one without.
    const modes = createBatcher(binary, "signatures", { maxBatchSize: 2, maxDelayMs: FOREVER });
    echo.rows.length = 0;
    const mixed = [modes.infer(row([1]), { binary: "always" }), modes.infer(row([2])), modes.infer(row([3]))];
    const always = modes.infer(row([4]), { binary: "always" });
    await Promise.all([...mixed, always]);
    expect(echo.rows).toEqual([2, 2]);
  });

  it("sends a call alone when it has more rows than maxBatchSize, or no shared dimension 0", async () => {
    const echo = recorder("alone");
    const batcher = createBatcher(client, "alone", { maxBatchSize: 2, maxDelayMs: FOREVER });
    const big = { inputs: [Tensor.int64("input-0", [5], [1n, 2n, 3n, 9007199254740993n, 5n])] };
    const scalar = { inputs: [Tensor.fp32("input-0", [], [7])] };
    const ragged = { inputs: [Tensor.fp32("input-0", [1], [1]), Tensor.fp32("b", [2], [1, 2])] };
    const [a, b, c] = await Promise.all([big, scalar, ragged].map((request) => batcher.infer(request)));
    expect(echo.rows.sort()).toEqual([1, 1, 5]);
    expect(plain(a!.outputs)).toEqual(plain(big.inputs));
    expect(plain(b!.outputs)).toEqual(plain(scalar.inputs));
    expect(plain(c!.outputs)).toEqual(plain(ragged.inputs));
  });

  it("gives each caller its own request id, or the batch's when it gave none", async () => {
    recorder("ids");
    const batcher = createBatcher(client, "ids", { maxBatchSize: 2, maxDelayMs: FOREVER });
    const [mine, theirs] = await Promise.all([batcher.infer({ ...row([1]), id: "caller-1" }), batcher.infer(row([2]))]);
    expect(mine.id).toBe("caller-1");
    expect(theirs.id).toMatch(/^[0-9a-f-]{36}$/); // the mock's id for the batch request
  });

  it("bounds what is in flight: batches wait (and grow) until a request answers", async () => {
    const echo = recorder("in-flight");
    mock.models.get("in-flight")!.faults.push({ hang: true });
    const batcher = createBatcher(client, "in-flight", {
      maxBatchSize: 4,
      maxDelayMs: 0,
      maxConcurrentBatches: 1,
    });
    const held = new AbortController();
    const first = settled(batcher.infer(row([1]), { signal: held.signal }));
    await vi.waitFor(() => expect(echo.rows).toEqual([1]), { timeout: 10_000 }); // the server holds it
    const later = [2, 3, 4].map((x) => batcher.infer(row([x])));
    await client.serverLive();
    expect(batcher.stats()).toMatchObject({ inFlight: 1, queuedCalls: 3 });
    expect(echo.rows).toEqual([1]);
    held.abort(); // its only caller leaves: the request is cancelled, and the slot is free
    expect(await first).toEqual({ error: expect.any(AbortError) });
    const answers = await Promise.all(later);
    expect(answers.map((res) => res.output("input-0", "FP32").data[0])).toEqual([2, 3, 4]);
    expect(echo.rows).toEqual([1, 3]);
  });

  it("refuses a call at once with resource_exhausted beyond maxQueuedRows; the queued ones carry on", async () => {
    const echo = recorder("bounded");
    const batcher = createBatcher(client, "bounded", { maxBatchSize: 4, maxQueuedRows: 4, maxDelayMs: FOREVER });
    const queued = [1, 2, 3].map((x) => batcher.infer(row([x])));
    const refused = await settled(batcher.infer({ inputs: [Tensor.fp32("input-0", [2, 1], [4, 5])] }));
    expect(refused).toEqual({ error: expect.any(KServeError) });
    const error = (refused as { error: KServeError }).error;
    expect(error.code).toBe("resource_exhausted");
    expect(error.model).toBe("bounded");
    expect(error.message).toContain('The batcher of model "bounded" has 3 rows waiting');
    expect(error.message).toContain("maxQueuedRows (4)");
    queued.push(batcher.infer(row([6]))); // fills the batch of 4
    expect((await Promise.all(queued)).map((res) => res.output("input-0", "FP32").data[0])).toEqual([1, 2, 3, 6]);
    expect(echo.rows).toEqual([4]);
    expect(batcher.stats()).toMatchObject({ calls: 4, refused: 1 });
  });

  it("a caller that aborts while queued leaves at once; the others are sent without it", async () => {
    const echo = recorder("abort-queued");
    const batcher = createBatcher(client, "abort-queued", { maxBatchSize: 10, maxDelayMs: FOREVER });
    const controller = new AbortController();
    const leaving = settled(batcher.infer(row([1]), { signal: controller.signal }));
    const staying = [2, 3].map((x) => batcher.infer(row([x])));
    controller.abort(new Error("user went away"));
    const left = await leaving;
    expect(left).toEqual({ error: expect.any(AbortError) });
    expect((left as { error: AbortError }).error.message).toContain(
      'batched call to model "abort-queued" was cancelled',
    );
    expect(batcher.stats()).toMatchObject({ queuedCalls: 2, queuedRows: 2 });
    await batcher.close();
    expect((await Promise.all(staying)).map((res) => res.output("input-0", "FP32").data[0])).toEqual([2, 3]);
    expect(echo.rows).toEqual([2]);
  });

  it("a caller whose timeout passes while queued fails with a TimeoutError; the others are untouched", async () => {
    const echo = recorder("timeout-queued");
    const batcher = createBatcher(client, "timeout-queued", { maxBatchSize: 10, maxDelayMs: FOREVER });
    const late = settled(batcher.infer(row([1]), { timeoutMs: 20 }));
    const patient = batcher.infer(row([2]));
    const outcome = await late;
    expect(outcome).toEqual({ error: expect.any(TimeoutError) });
    expect((outcome as { error: TimeoutError }).error.message).toBe(
      '[deadline_exceeded] No answer from model "timeout-queued" within 20 ms (waiting to be sent).',
    );
    await batcher.close();
    expect((await patient).output("input-0", "FP32").data[0]).toBe(2);
    expect(echo.rows).toEqual([1]);
  });

  it("a caller that aborts while its batch is in flight leaves at once; the batch carries on for the others", async () => {
    const echo = recorder("abort-in-flight");
    mock.models.get("abort-in-flight")!.faults.push({ delayMs: 300 });
    const batcher = createBatcher(client, "abort-in-flight", { maxBatchSize: 2, maxDelayMs: FOREVER });
    const controller = new AbortController();
    const leaving = settled(batcher.infer(row([1]), { signal: controller.signal }));
    const staying = batcher.infer(row([2]));
    await vi.waitFor(() => expect(echo.rows).toEqual([2]), { timeout: 10_000 });
    controller.abort();
    expect(await leaving).toEqual({ error: expect.any(AbortError) });
    expect((await staying).output("input-0", "FP32").data[0]).toBe(2);
    expect(echo.rows).toEqual([2]); // the same request, not sent again
  });

  it("a caller whose timeout passes in flight fails alone; the batch runs until the latest caller's deadline", async () => {
    const echo = recorder("timeout-in-flight");
    mock.models.get("timeout-in-flight")!.faults.push({ delayMs: 300 });
    const batcher = createBatcher(client, "timeout-in-flight", { maxBatchSize: 2, maxDelayMs: FOREVER });
    const short = settled(batcher.infer(row([1]), { timeoutMs: 50 }));
    const long = batcher.infer(row([2]), { timeoutMs: 60_000 });
    expect(await short).toEqual({ error: expect.any(TimeoutError) });
    expect(((await short) as { error: TimeoutError }).error.message).toContain("waiting for its batch's answer");
    expect((await long).output("input-0", "FP32").data[0]).toBe(2);
    expect(echo.rows).toEqual([2]);
  });

  it("a bad row fails only its caller, with the error it gets alone; the batch is sent again call by call", async () => {
    const picky = pickyModel("picky");
    mock.models.add(picky.model);
    const batcher = createBatcher(client, "picky", { maxBatchSize: 4, maxDelayMs: FOREVER });
    const outcomes = await Promise.all([[1], [2], [-3], [4]].map((r) => settled(batcher.infer(row(r)))));
    const alone = await settled(client.infer("picky", row([-3])));
    expect(outcomes[2]).toEqual({ error: expect.any(HttpError) });
    const [error, aloneError] = [outcomes[2], alone].map((o) => (o as { error: HttpError }).error);
    expect(error!.status).toBe(500);
    expect(error!.message).toBe(aloneError!.message);
    for (const i of [0, 1, 3]) {
      const value = (outcomes[i] as { value: Awaited<ReturnType<typeof batcher.infer>> }).value;
      expect(value.output("input-0", "FP32").data[0]).toBe(i + 1);
    }
    expect(picky.rows).toEqual([4, 1, 1, 1, 1, 1]); // the batch, each call alone, then the alone comparison
    expect(batcher.stats()).toMatchObject({ batches: 5, retriedAlone: 4 });
  });

  it("fails every caller with a clear error when the model does not keep the batch dimension", async () => {
    const summary = recordingModel("summary", (inputs) => [
      Tensor.fp32("total", [1], [(inputs[0]!.data as Float32Array).reduce((a, b) => a + b, 0)]),
    ]);
    mock.models.add(summary.model);
    const batcher = createBatcher(client, "summary", { maxBatchSize: 3, maxDelayMs: FOREVER });
    const outcomes = await Promise.all([1, 2, 3].map((x) => settled(batcher.infer(row([x])))));
    for (const outcome of outcomes) {
      expect(outcome).toEqual({ error: expect.any(KServeError) });
      const error = (outcome as { error: KServeError }).error;
      expect(error.code).toBe("failed_precondition");
      expect(error.message).toContain(
        'Model "summary" cannot be batched: its output "total" has shape [1] for a batch of 3 rows',
      );
    }
    expect(summary.rows).toEqual([3]); // not sent again call by call: each would be cut the same way
  });

  it("applies the client's retry policy to the batch request", async () => {
    const echo = recorder("retried");
    mock.models.get("retried")!.faults.push({ status: 503, body: '{"error":"not ready"}' });
    const before = mock.requests.length;
    const batcher = createBatcher(client, "retried", { maxBatchSize: 2, maxDelayMs: FOREVER });
    const answers = await Promise.all([1, 2].map((x) => batcher.infer(row([x]))));
    expect(answers.map((res) => res.output("input-0", "FP32").data[0])).toEqual([1, 2]);
    expect(mock.requests.slice(before).map((r) => r.path)).toEqual([
      "/v2/models/retried/infer",
      "/v2/models/retried/infer",
    ]);
    expect(echo.rows).toEqual([2]);
    expect(batcher.stats().batches).toBe(1);
  });

  it("close(): sends what waits, resolves once all is answered, and refuses later calls", async () => {
    const echo = recorder("closing");
    const batcher = createBatcher(client, "closing", { maxBatchSize: 10, maxDelayMs: FOREVER });
    const queued = [1, 2].map((x) => batcher.infer(row([x])));
    const closing = batcher.close();
    expect(batcher.close()).toBe(closing);
    const refused = await settled(batcher.infer(row([3])));
    expect((refused as { error: KServeError }).error.code).toBe("failed_precondition");
    expect((refused as { error: KServeError }).error.message).toContain(
      'The batcher of model "closing" is closed and takes no more calls',
    );
    await closing;
    expect(batcher.stats()).toMatchObject({ inFlight: 0, queuedCalls: 0 });
    expect(echo.rows).toEqual([2]);
    expect((await Promise.all(queued)).map((res) => res.output("input-0", "FP32").data[0])).toEqual([1, 2]);
    await expect(createBatcher(client, "closing").close()).resolves.toBeUndefined(); // nothing to wait for
  });

  it("checks a call before queueing it, and refuses a cancelled one", async () => {
    const batcher = createBatcher(client, "echo");
    await expect(batcher.infer({ inputs: [] })).rejects.toThrow(
      'infer("echo"): inputs: needs at least one input tensor',
    );
    await expect(batcher.infer(row([1]), { signal: AbortSignal.abort() })).rejects.toThrow(AbortError);
    await expect(batcher.infer(row([1]), { timeoutMs: -1 })).rejects.toThrow("timeoutMs must be a number");
    expect(batcher.stats().calls).toBe(0);
  });

  it("refuses options that cannot work, and a client that is not a V2Client", () => {
    expect(() => createBatcher(client, "echo", { maxBatchSize: 0 })).toThrow(
      'createBatcher("echo"): maxBatchSize must be a whole number of at least 1, got 0.',
    );
    expect(() => createBatcher({} as V2Client, "echo")).toThrow("needs a V2 client");
    expect(() => createBatcher(client, "")).toThrow("A model name is required");
  });
});
