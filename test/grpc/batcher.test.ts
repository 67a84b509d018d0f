/**
 * createBatcher on the gRPC client (a V2Client like the REST one), against the mock KServe's native gRPC server on
 * loopback: joined calls, a bad row failing only its caller (with proper codes and as KServe 0.14 sends it), and
 * a caller's cancel.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AbortError, type KServeError } from "../../src/core/errors.js";
import { createGrpcClient } from "../../src/grpc/client.js";
import { createNodeGrpcTransport, type NodeGrpcTransport } from "../../src/node/grpc-transport.js";
import { startMockKServe, type MockKServe } from "../../src/testing/index.js";
import type { V2Client } from "../../src/v2/types.js";
import { createBatcher } from "kserve-client";
import { Tensor } from "kserve-client/tensor";
import { addRecorder, FOREVER, pickyModel, plain, settled } from "../batching.js";

const servers: MockKServe[] = [];
const transports: NodeGrpcTransport[] = [];

/** A mock with gRPC errors in `style`, a gRPC client on it, and `models` added. */
async function grpcMock(style: "codes" | "kserve-0.14" = "codes") {
  const mock = await startMockKServe({ cluster: false, grpc: true, grpcErrors: style });
  servers.push(mock);
  const transport = createNodeGrpcTransport({ baseUrl: mock.grpcUrl! });
  transports.push(transport);
  return { mock, client: createGrpcClient({ transport }) as V2Client };
}

let codes: Awaited<ReturnType<typeof grpcMock>>;
beforeAll(async () => {
  codes = await grpcMock();
});
afterAll(async () => {
  for (const transport of transports) transport.close();
  await Promise.all(servers.map((mock) => mock.close()));
});

const row = (values: number[]) => ({ inputs: [Tensor.fp32("input-0", [1, values.length], values)] });

describe("createBatcher (gRPC)", () => {
  it("joins concurrent calls into one ModelInfer; each caller gets its own rows, as if alone", async () => {
    const echo = addRecorder(codes.mock.models, "grpc-echo");
    const batcher = createBatcher(codes.client, "grpc-echo", { maxBatchSize: 5, maxDelayMs: FOREVER });
    const requests = [
      { inputs: [Tensor.int64("ids", [2], [9007199254740993n, -9223372036854775808n])] },
      { inputs: [Tensor.int64("ids", [1], [42n])] },
      { inputs: [Tensor.int64("ids", [2], [18014398509481985n, 7n])] },
    ];
    const results = await Promise.all(requests.map((request) => batcher.infer(request)));
    expect(echo.rows).toEqual([5]);
    for (const [i, request] of requests.entries()) {
      const alone = await codes.client.infer("grpc-echo", request);
      expect(plain(results[i]!.outputs)).toEqual(plain(alone.outputs));
      expect(plain(results[i]!.outputs)).toEqual(plain(request.inputs));
    }
  });

  it.each(["codes", "kserve-0.14"] as const)(
    "a bad row fails only its caller, with the error it gets alone (gRPC errors as %s)",
    async (style) => {
      const { mock, client } = style === "codes" ? codes : await grpcMock(style);
      const picky = pickyModel(`grpc-picky-${style}`);
      mock.models.add(picky.model);
      const batcher = createBatcher(client, picky.model.name, { maxBatchSize: 3, maxDelayMs: FOREVER });
      const outcomes = await Promise.all([[1], [-2], [3]].map((r) => settled(batcher.infer(row(r)))));
      const alone = await settled(client.infer(picky.model.name, row([-2])));
      const [error, aloneError] = [outcomes[1], alone].map((o) => (o as { error: KServeError }).error);
      expect(error!.code).toBe("internal");
      expect(error!.grpcCode).toBe(style === "codes" ? 13 : 2);
      expect(error!.message).toBe(aloneError!.message);
      expect(outcomes.map((o) => ("value" in o ? o.value.output("input-0", "FP32").data[0] : "failed"))).toEqual([
        1,
        "failed",
        3,
      ]);
      expect(picky.rows).toEqual([3, 1, 1, 1, 1]);
    },
  );

  it("a caller that aborts in flight leaves at once; the others get their answers", async () => {
    const echo = addRecorder(codes.mock.models, "grpc-slow");
    echo.model.faults.push({ delayMs: 300 });
    const batcher = createBatcher(codes.client, "grpc-slow", { maxBatchSize: 2, maxDelayMs: FOREVER });
    const controller = new AbortController();
    const leaving = settled(batcher.infer(row([1]), { signal: controller.signal }));
    const staying = batcher.infer(row([2]));
    await vi.waitFor(() => expect(batcher.stats().inFlight).toBe(1), { timeout: 10_000 });
    controller.abort();
    expect(await leaving).toEqual({ error: expect.any(AbortError) });
    expect((await staying).output("input-0", "FP32").data[0]).toBe(2);
    expect(echo.rows).toEqual([2]);
  });
});
