/**
 * The wrong port: REST aimed at a gRPC (HTTP/2-only) server, gRPC aimed at a REST (HTTP/1.1) server, over h2c and
 * over TLS, against scripted servers and the mock KServe's own two ports. Each must end at once, in a
 * ConnectionError that is not retried and says which protocol the server speaks and what to do, inside the leak
 * harness (leaks.ts). Before, REST retried a "Response does not match the HTTP/1.1 protocol" as a connection
 * failure, and gRPC said only "Protocol error (gRPC INTERNAL …)".
 */
import { createServer as createHttpsServer } from "node:https";
import { createServer as createH2cServer, createSecureServer } from "node:http2";
import type { AddressInfo, Socket } from "node:net";
import type { Interceptor } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnectionError, createV2Client, type V2Client } from "kserve-client";
import { createGrpcClient } from "kserve-client/grpc";
import { createNodeGrpcTransport, createNodeHttpClient } from "kserve-client/node";
import { startMockKServe, type MockKServe } from "kserve-client/testing";
import { createTestPki, type TestPki } from "../node/tls.js";
import { type FaultCase, faultCase } from "./leaks.js";
import { DEADLINE_MS, FAST_RETRY, input, MODEL } from "./matrix.js";
import { restServer } from "./servers.js";

let pki: TestPki;
let identity: { cert: string; key: string };
let mock: MockKServe;
beforeAll(async () => {
  pki = createTestPki();
  identity = pki.issue(["localhost"]);
  mock = await startMockKServe({ cluster: false });
});
afterAll(async () => {
  await mock?.close();
  pki?.dispose();
});

type AnyServer =
  | ReturnType<typeof createHttpsServer>
  | ReturnType<typeof createSecureServer>
  | ReturnType<typeof createH2cServer>;

/** Listen on loopback, counting TCP connections; the server and its connections are closed when the case ends. */
async function listen(c: FaultCase, server: AnyServer): Promise<{ port: number; connections: () => number }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  server.on("connection", (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("tlsClientError", () => undefined);
  c.defer(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, connections: () => connections };
}

function restClient(c: FaultCase, baseUrl: string): V2Client {
  const httpClient = createNodeHttpClient({ tls: { ca: pki.ca } });
  c.defer(() => httpClient.close());
  return createV2Client({ baseUrl, httpClient, timeoutMs: DEADLINE_MS, retry: FAST_RETRY });
}

/** A gRPC client whose every attempt is counted (interceptors run inside the retries). */
function grpcClient(c: FaultCase, baseUrl: string): { client: V2Client; attempts: () => number } {
  const transport = createNodeGrpcTransport({ baseUrl, tls: { ca: pki.ca } });
  c.defer(() => transport.close());
  let attempts = 0;
  const count: Interceptor = (next) => (req) => (attempts++, next(req));
  return {
    client: createGrpcClient({ transport, timeoutMs: DEADLINE_MS, retry: FAST_RETRY, interceptors: [count] }),
    attempts: () => attempts,
  };
}

function expectWrongPort(error: unknown, parts: string[]): void {
  expect(error).toBeInstanceOf(ConnectionError);
  const e = error as ConnectionError;
  expect(e.code).toBe("unavailable");
  expect(e.retryable).toBe(false);
  expect(e.attempts).toBeUndefined();
  for (const part of parts) expect(e.message).toContain(part);
  expect(e.message).not.toMatch(/\.\.|after \d+ attempts/);
}

const REST_ADVICE = ["speaks HTTP/2 only (a gRPC port?)", "Use kserve-client/grpc", "or the REST port"];
const GRPC_ADVICE = ["is not a gRPC (HTTP/2) server", "Is baseUrl the REST port?", "gRPC on port 8081"];

describe("REST aimed at a gRPC (HTTP/2-only) port: not retried, says so", () => {
  it("h2c: the server answers HTTP/1.1 with an HTTP/2 frame", async () => {
    await faultCase(async (c) => {
      const { port, connections } = await listen(c, createH2cServer());
      const url = `http://127.0.0.1:${port}`;
      const settled = await c.timed(DEADLINE_MS, () => restClient(c, url).infer(MODEL, { inputs: [input()] }));
      expectWrongPort(settled.error, [
        ...REST_ADVICE,
        `${url}/v2/models/${MODEL}/infer`,
        "answered this HTTP/1.1 request with an HTTP/2 SETTINGS frame",
      ]);
      expect(connections(), "connections made: 1, not retried").toBe(1);
    });
  });

  it("TLS: the server offers only HTTP/2 (ALPN h2)", async () => {
    await faultCase(async (c) => {
      const { port, connections } = await listen(c, createSecureServer({ ...identity }));
      const settled = await c.timed(DEADLINE_MS, () =>
        restClient(c, `https://localhost:${port}`).infer(MODEL, { inputs: [input()] }),
      );
      expectWrongPort(settled.error, [
        ...REST_ADVICE,
        "refused HTTP/1.1",
        "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL",
      ]);
      expect(connections(), "connections made: 1, not retried").toBe(1);
    });
  });

  it("the mock KServe's gRPC port", async () => {
    await faultCase(async (c) => {
      const settled = await c.timed(DEADLINE_MS, () =>
        restClient(c, mock.grpcUrl!).infer("iris-classifier", { inputs: [input()] }),
      );
      expectWrongPort(settled.error, [...REST_ADVICE, mock.grpcUrl!]);
    });
  });
});

describe("gRPC aimed at a REST (HTTP/1.1) port: not retried, says so", () => {
  it("h2c: the server answers in HTTP/1.1", async () => {
    await faultCase(async (c) => {
      const server = await restServer(({ res }) => res.end("{}"));
      c.defer(() => server.close());
      const { client, attempts } = grpcClient(c, server.url);
      const settled = await c.timed(DEADLINE_MS, () => client.infer(MODEL, { inputs: [input()] }));
      expectWrongPort(settled.error, [...GRPC_ADVICE, `ModelInfer of model "${MODEL}"`, "its answer was not HTTP/2"]);
      expect(attempts()).toBe(1);
    });
  });

  it("TLS: the server offers only HTTP/1.1 (ALPN)", async () => {
    await faultCase(async (c) => {
      const { port } = await listen(
        c,
        createHttpsServer({ ...identity }, (_req, res) => res.end("{}")),
      );
      const { client, attempts } = grpcClient(c, `https://localhost:${port}`);
      const settled = await c.timed(DEADLINE_MS, () => client.infer(MODEL, { inputs: [input()] }));
      expectWrongPort(settled.error, [...GRPC_ADVICE, 'refused HTTP/2 (ALPN "h2")']);
      expect(attempts()).toBe(1);
    });
  });

  it("the mock KServe's REST port", async () => {
    await faultCase(async (c) => {
      const { client, attempts } = grpcClient(c, mock.url);
      const settled = await c.timed(DEADLINE_MS, () => client.infer("iris-classifier", { inputs: [input()] }));
      expectWrongPort(settled.error, GRPC_ADVICE);
      expect(attempts()).toBe(1);
    });
  });
});
