/**
 * The mock's cost model: busy time per request and per row in the server's process. Time is never measured here:
 * `performance.now` is a clock that moves 1 ms each time it is read, so the busy loop reads it once per
 * millisecond of cost, and the number of reads is the cost spent.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createGrpcClient } from "../../src/grpc/client.js";
import { createNodeGrpcTransport } from "../../src/node/grpc-transport.js";
import { createNodeHttpClient } from "../../src/node/http-client.js";
import { checkModelCost, echoModel, type ModelCost, runModel } from "../../src/testing/models.js";
import { createV1Client } from "../../src/v1/client.js";
import { createV2Client } from "../../src/v2/client.js";
import { ConfigError } from "../../src/core/errors.js";
import { startMockKServe } from "kserve-client/testing";
import { Tensor } from "kserve-client/tensor";

/** Runs `work` with the stepping clock; resolves to how many milliseconds of it passed. */
async function steppedMs(work: () => unknown): Promise<number> {
  let now = 0;
  const spy = vi.spyOn(performance, "now").mockImplementation(() => ++now);
  try {
    await work();
    return now;
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

const rows = (n: number) => [Tensor.fp32("x", [n, 2], new Float32Array(n * 2))];

describe("runModel", () => {
  it("spends perRequestMs plus perRowMs for each row of the first input", async () => {
    const model = echoModel();
    model.cost = { perRequestMs: 1000, perRowMs: 100 };
    // One read to start, then one per millisecond until the cost is spent.
    expect(await steppedMs(() => runModel(model, rows(3)))).toBe(1 + 1300);
  });

  it("takes the model's own cost over the server's, the server's when the model has none, and none by default", async () => {
    const model = echoModel();
    expect(await steppedMs(() => runModel(model, rows(1)))).toBe(0);
    expect(await steppedMs(() => runModel(model, rows(2), { perRowMs: 500 }))).toBe(1 + 1000);
    model.cost = { perRequestMs: 200 };
    expect(await steppedMs(() => runModel(model, rows(2), { perRowMs: 500 }))).toBe(1 + 200);
  });

  it("counts a rank-0 input as one row", async () => {
    const model = echoModel();
    model.cost = { perRowMs: 300 };
    expect(await steppedMs(() => runModel(model, [Tensor.fp32("x", [], [1])]))).toBe(1 + 300);
  });
});

describe("checkModelCost", () => {
  it.each<[ModelCost, string]>([
    [
      { perRequestMs: -1 },
      "startMockKServe: cost.perRequestMs must be a finite number of milliseconds, at least 0, got -1.",
    ],
    [{ perRowMs: Number.NaN }, "cost.perRowMs"],
    [{ perRowMs: Infinity }, "cost.perRowMs"],
  ])("refuses %j with a ConfigError naming the part", (cost, text) => {
    expect(() => checkModelCost(cost, "startMockKServe: cost")).toThrow(ConfigError);
    expect(() => checkModelCost(cost, "startMockKServe: cost")).toThrow(text);
  });

  it("startMockKServe refuses a bad cost before it starts anything", async () => {
    await expect(startMockKServe({ cluster: false, grpc: false, cost: { perRowMs: -0.5 } })).rejects.toThrow(
      "startMockKServe: cost.perRowMs",
    );
  });
});

describe("startMockKServe({ cost })", () => {
  it("spends it for V2 REST, V1 and gRPC inferences, per request and per row", async () => {
    const mock = await startMockKServe({ cluster: false, cost: { perRequestMs: 1000, perRowMs: 100 } });
    const http = createNodeHttpClient();
    const transport = createNodeGrpcTransport({ baseUrl: mock.grpcUrl! });
    try {
      const v2 = createV2Client({ baseUrl: mock.url, httpClient: http });
      const v1 = createV1Client({ baseUrl: mock.url, httpClient: http });
      const grpc = createGrpcClient({ transport });
      // Warm the connections first, so that only the server's reads of the clock remain in what is counted.
      await Promise.all([v2.serverLive(), grpc.serverLive()]);
      const spent = [
        await steppedMs(() => v2.infer("echo", { inputs: rows(4) })),
        await steppedMs(() => v1.predict("echo", { instances: [[1], [2], [3], [4]] })),
        await steppedMs(() => grpc.infer("echo", { inputs: rows(4) })),
      ];
      for (const ms of spent) {
        expect(ms).toBeGreaterThanOrEqual(1400);
        expect(ms).toBeLessThan(1500);
      }
      // Without a cost, nothing is spent.
      const free = await startMockKServe({ cluster: false, grpc: false });
      try {
        const direct = createV2Client({ baseUrl: free.url, httpClient: http });
        await direct.serverLive();
        expect(await steppedMs(() => direct.infer("echo", { inputs: rows(4) }))).toBeLessThan(100);
      } finally {
        await free.close();
      }
    } finally {
      transport.close();
      await http.close();
      await mock.close();
    }
  });
});
