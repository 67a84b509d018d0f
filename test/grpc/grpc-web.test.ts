/** gRPC-web: createGrpcClient over connect-web's transport (global fetch) against the mock's REST port. */
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KServeError } from "../../src/core/errors.js";
import { createGrpcClient } from "kserve-client/grpc";
import { Tensor } from "../../src/tensor/index.js";
import { startMockKServe, type MockKServe } from "../../src/testing/index.js";
import { rejection } from "../helpers.js";

let mock: MockKServe;

beforeAll(async () => {
  mock = await startMockKServe();
});

afterAll(async () => {
  await mock?.close();
});

describe("gRPC-web", () => {
  it("does an iris inference on the REST url", async () => {
    const client = createGrpcClient({ transport: createGrpcWebTransport({ baseUrl: mock.url }) });
    await expect(client.serverLive()).resolves.toBe(true);
    const res = await client.infer("iris-classifier", {
      inputs: [Tensor.fp32("input-0", [2, 4], [5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3])],
      id: "web-1",
    });
    expect(res.id).toBe("web-1");
    const out = res.output("output-0", "INT64");
    expect(out.shape).toEqual([2]);
    expect(Array.from(out.data)).toEqual([0n, 2n]);
  });

  it("carries BYTES and 64-bit integers exactly", async () => {
    const client = createGrpcClient({ transport: createGrpcWebTransport({ baseUrl: mock.url }) });
    const res = await client.infer("echo", {
      inputs: [Tensor.bytes("b", [2], ["x", new Uint8Array([0xff, 0])]), Tensor.uint64("u", [1], [2n ** 64n - 1n])],
    });
    expect(res.output("b").data).toEqual([new TextEncoder().encode("x"), new Uint8Array([0xff, 0])]);
    expect(Array.from(res.output("u", "UINT64").data)).toEqual([2n ** 64n - 1n]);
  });

  it("an unknown model is not_found", async () => {
    const client = createGrpcClient({ transport: createGrpcWebTransport({ baseUrl: mock.url }) });
    const error = await rejection(client.infer("no-such-model", { inputs: [Tensor.fp32("x", [1], [1])] }));
    expect(error).toBeInstanceOf(KServeError);
    expect((error as KServeError).code).toBe("not_found");
    await expect(client.modelReady("no-such-model")).resolves.toBe(false);
  });
});
