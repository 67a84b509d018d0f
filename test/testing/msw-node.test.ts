/**
 * The README's msw recipe for Node tests, as written there: the client comes from "kserve-client" (under Node its
 * default HttpClient is undici, which msw does not see), is made before `server.listen()` patches fetch, and uses
 * `createFetchHttpClient()`, which looks fetch up at every call.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnectionError, createFetchHttpClient, createV2Client, Tensor } from "kserve-client";
import { createFakeModels, createKServeHandlers } from "kserve-client/testing";

const baseUrl = "http://models.kserve.test"; // any URL: msw answers, nothing is resolved or connected
const client = createV2Client({ baseUrl, httpClient: createFetchHttpClient() });
const server = setupServer(...createKServeHandlers(createFakeModels(), { baseUrl }));

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

describe("msw under Node", () => {
  it("answers a client made before listen() (iris, INT64 exact)", async () => {
    const res = await client.infer("iris-classifier", {
      inputs: [Tensor.fp32("input-0", [1, 4], [5.1, 3.5, 1.4, 0.2])],
    });
    expect(res.output("output-0").data).toEqual(BigInt64Array.of(0n));
    expect(await client.modelReady("iris-classifier")).toBe(true);
  });

  it("fails at once, without retries, for a request no handler matches", async () => {
    const seen: string[] = [];
    const listener = ({ request }: { request: Request }) => seen.push(request.url);
    server.events.on("request:start", listener);
    try {
      const other = createV2Client({ baseUrl: "http://elsewhere.kserve.test", httpClient: createFetchHttpClient() });
      const error = await other.serverLive().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as ConnectionError).retryable).toBe(false);
      expect((error as ConnectionError).message).toContain(
        '[MSW] Cannot bypass a request when using the "error" strategy',
      );
      expect(seen).toEqual(["http://elsewhere.kserve.test/v2/health/live"]);
    } finally {
      server.events.removeListener("request:start", listener);
    }
  });

  it("is needed: the Node default (undici) goes past msw, to whatever really listens there", async () => {
    // A real server on loopback that says "not live", and msw handlers for the same address that say "live".
    const real = createServer((_, res) => res.writeHead(503).end());
    await new Promise<void>((resolve) => real.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(real.address() as AddressInfo).port}`;
    server.use(...createKServeHandlers(createFakeModels(), { baseUrl: url }));
    try {
      expect(await createV2Client({ baseUrl: url, httpClient: createFetchHttpClient() }).serverLive()).toBe(true);
      expect(await createV2Client({ baseUrl: url }).serverLive()).toBe(false);
    } finally {
      server.resetHandlers();
      await new Promise((resolve) => real.close(resolve));
    }
  });
});
