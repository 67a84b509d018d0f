/** waitForModelReady's timeout says what the server last answered, never a check sent with no time left. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createV2Client, TimeoutError } from "kserve-client";
import { startMockKServe, type MockKServe } from "kserve-client/testing";
import type { HttpClient, HttpRequest, HttpResponse } from "../../src/core/http.js";
import { rejection } from "../helpers.js";

let mock: MockKServe;
beforeAll(async () => {
  mock = await startMockKServe({ cluster: false });
});
afterAll(() => mock.close());

describe("waitForModelReady's timeout", () => {
  it("names the last real answer (a 404 from a real server), not a check cut off by the deadline", async () => {
    const error = await rejection(
      createV2Client({ baseUrl: mock.url }).waitForModelReady("never-there", { timeoutMs: 700 }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    const { message } = error as TimeoutError;
    expect(message).toMatch(
      /^\[deadline_exceeded\] Model "never-there" was not ready within 700 ms \(\d+ checks\); the last check answered HTTP 404: Model with name never-there does not exist\.$/,
    );
    expect(message).not.toContain("within 0 ms");
    expect(message).not.toContain("..");
  });

  it("keeps the last answer when a later check gets none before the deadline", async () => {
    let calls = 0;
    // The first check is answered "not ready"; every later one hangs until its own time runs out.
    const http: HttpClient = async (request: HttpRequest): Promise<HttpResponse> => {
      calls += 1;
      if (calls === 1)
        return { status: 503, headers: {}, body: new TextEncoder().encode('{"error":"Model iris is not ready."}') };
      return new Promise((_, reject) =>
        request.signal?.addEventListener("abort", () => reject(request.signal!.reason)),
      );
    };
    const error = await rejection(
      createV2Client({ baseUrl: "http://127.0.0.1:1", httpClient: http }).waitForModelReady("iris", { timeoutMs: 600 }),
    );
    expect(calls).toBe(2);
    expect((error as TimeoutError).message).toBe(
      '[deadline_exceeded] Model "iris" was not ready within 600 ms (2 checks); the last check answered HTTP 503: Model iris is not ready.',
    );
  });

  it("says what failed when no check got an answer", async () => {
    const error = await rejection(
      createV2Client({ baseUrl: "http://127.0.0.1:1", retry: false }).waitForModelReady("iris", { timeoutMs: 300 }),
    );
    expect((error as TimeoutError).message).toMatch(/; the last check failed: \[unavailable\] .*127\.0\.0\.1:1/);
    expect((error as TimeoutError).message).not.toMatch(/\.\.$/);
  });
});

describe("waitForModelReady over gRPC", () => {
  it("names the server's NOT_FOUND answer for an unknown model", async () => {
    const { createGrpcClient } = await import("kserve-client/grpc");
    const { createNodeGrpcTransport } = await import("kserve-client/node");
    const transport = createNodeGrpcTransport({ baseUrl: mock.grpcUrl! });
    try {
      const error = await rejection(
        createGrpcClient({ transport }).waitForModelReady("never-there", { timeoutMs: 700 }),
      );
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as TimeoutError).message).toMatch(
        /^\[deadline_exceeded\] Model "never-there" was not ready within 700 ms \(\d+ checks\); the last check answered NOT_FOUND: Model with name never-there does not exist\.?/,
      );
      expect((error as TimeoutError).message).not.toContain("..");
    } finally {
      transport.close();
    }
  });
});
