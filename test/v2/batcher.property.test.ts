/**
 * The batcher's promise, as a property: whatever the row counts, datatypes (BYTES, INT64 beyond 2^53, FP16, NaN
 * and -0 included), limits and arrival pattern, every caller's result equals what the same call gets alone from
 * the echo model. Over REST and gRPC, against the mock KServe on loopback.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGrpcClient } from "../../src/grpc/client.js";
import { createNodeGrpcTransport, type NodeGrpcTransport } from "../../src/node/grpc-transport.js";
import { createNodeHttpClient, type NodeHttpClient } from "../../src/node/http-client.js";
import { startMockKServe, type MockKServe } from "../../src/testing/index.js";
import { createV2Client } from "../../src/v2/client.js";
import type { InferRequest, V2Client } from "../../src/v2/types.js";
import { createBatcher } from "kserve-client/v2";
import { DATATYPES, type Datatype, Tensor } from "kserve-client/tensor";
import { plain } from "../batching.js";

let mock: MockKServe;
let http: NodeHttpClient;
let transport: NodeGrpcTransport;
let clients: Record<"REST" | "gRPC", V2Client>;

beforeAll(async () => {
  mock = await startMockKServe({ cluster: false, grpc: true });
  http = createNodeHttpClient();
  transport = createNodeGrpcTransport({ baseUrl: mock.grpcUrl! });
  clients = {
    REST: createV2Client({ baseUrl: mock.url, httpClient: http }),
    gRPC: createGrpcClient({ transport }),
  };
});
afterAll(async () => {
  transport.close();
  await http.close();
  await mock.close();
});

/** Element values of each datatype, extremes included (fast-check biases towards them). */
function element(datatype: Datatype): fc.Arbitrary<unknown> {
  const int = (min: number, max: number) => fc.integer({ min, max });
  switch (datatype) {
    case "BOOL":
      return fc.boolean();
    case "UINT8":
      return int(0, 255);
    case "UINT16":
      return int(0, 65535);
    case "UINT32":
      return int(0, 4294967295);
    case "UINT64":
      return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    case "INT8":
      return int(-128, 127);
    case "INT16":
      return int(-32768, 32767);
    case "INT32":
      return int(-2147483648, 2147483647);
    case "INT64":
      return fc.oneof(
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.bigInt({ min: 2n ** 53n, max: 2n ** 53n + 16n }), // just beyond what a double holds exactly
      );
    case "FP16":
    case "BF16":
      return int(0, 0xffff); // raw bits: NaNs, infinities, -0 and subnormals included
    case "FP32":
      return fc.float();
    case "FP64":
      return fc.double();
    case "BYTES":
      return fc.oneof(fc.string({ maxLength: 5 }), fc.uint8Array({ maxLength: 5 })); // UTF-8 or not
  }
}

/** A tensor of `datatype` from generated values (bits for FP16 and BF16). */
function tensor(datatype: Datatype, shape: number[], values: unknown[]): Tensor {
  const data =
    datatype === "FP16" || datatype === "BF16"
      ? Uint16Array.from(values as number[])
      : datatype === "FP32"
        ? Float32Array.from(values as number[])
        : datatype === "FP64"
          ? Float64Array.from(values as number[])
          : values;
  return new Tensor("input-0", datatype, shape, data as never);
}

type Arrival = "at once" | "after a microtask" | "after a timer";

interface Scenario {
  limits: { maxBatchSize: number; maxDelayMs: number; maxConcurrentBatches: number };
  calls: { request: InferRequest; arrival: Arrival }[];
}

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    kinds: fc.array(
      fc.record({
        datatype: fc.constantFrom(...DATATYPES),
        trailing: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
      }),
      { minLength: 1, maxLength: 2 },
    ),
    calls: fc.array(
      fc.record({
        kind: fc.nat(),
        rows: fc.integer({ min: 1, max: 4 }),
        arrival: fc.constantFrom<Arrival>("at once", "after a microtask", "after a timer"),
      }),
      { minLength: 1, maxLength: 10 },
    ),
    limits: fc.record({
      maxBatchSize: fc.integer({ min: 1, max: 8 }),
      maxDelayMs: fc.integer({ min: 0, max: 3 }),
      maxConcurrentBatches: fc.integer({ min: 1, max: 3 }),
    }),
  })
  .chain(({ kinds, calls, limits }) =>
    fc
      .tuple(
        ...calls.map(({ kind, rows }) => {
          const { datatype, trailing } = kinds[kind % kinds.length]!;
          const count = rows * trailing.reduce((a, b) => a * b, 1);
          return fc.array(element(datatype), { minLength: count, maxLength: count });
        }),
      )
      .map((values) => ({
        limits,
        calls: calls.map(({ kind, rows, arrival }, i) => {
          const { datatype, trailing } = kinds[kind % kinds.length]!;
          return { request: { inputs: [tensor(datatype, [rows, ...trailing], values[i]!)] }, arrival };
        }),
      })),
  );

async function arrive(arrival: Arrival): Promise<void> {
  if (arrival === "after a microtask") await Promise.resolve();
  else if (arrival === "after a timer") await new Promise((resolve) => setTimeout(resolve, 1));
}

describe.each(["REST", "gRPC"] as const)("createBatcher over %s, as a property", (transportName) => {
  it("every caller's result equals what the same call gets alone from the echo model", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ limits, calls }) => {
        const client = clients[transportName];
        const batcher = createBatcher(client, "echo", limits);
        const pending: Promise<unknown[]>[] = [];
        for (const { request, arrival } of calls) {
          await arrive(arrival);
          pending.push(batcher.infer(request).then((res) => plain(res.outputs)));
        }
        const batched = await Promise.all(pending);
        await batcher.close();
        for (const [i, { request }] of calls.entries()) {
          const alone = await client.infer("echo", request);
          expect(batched[i]).toEqual(plain(alone.outputs));
        }
        expect(batcher.stats()).toMatchObject({ calls: calls.length, queuedCalls: 0, inFlight: 0 });
      }),
      { numRuns: transportName === "REST" ? 40 : 25 },
    );
  }, 120_000);
});
