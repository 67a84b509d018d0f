/** A mock KServe on loopback and both HttpClients, started once per test file. */
import { afterAll, beforeAll } from "vitest";
import { createFetchHttpClient } from "../src/core/fetch-client.js";
import type { HttpClient } from "../src/core/http.js";
import { createNodeHttpClient, type NodeHttpClient } from "../src/node/http-client.js";
import { startMockKServe, type MockKServe } from "../src/testing/index.js";

/** Registers beforeAll/afterAll hooks; read `mock` and `node` inside tests, once they have run. */
export function useLoopbackMock(): {
  readonly mock: MockKServe;
  readonly node: NodeHttpClient;
  clients: [string, () => HttpClient][];
} {
  let mock: MockKServe | undefined;
  let node: NodeHttpClient | undefined;
  beforeAll(async () => {
    mock = await startMockKServe();
    node = createNodeHttpClient();
  });
  afterAll(async () => {
    await node?.close();
    await mock?.close();
  });
  const state = {
    get mock(): MockKServe {
      if (mock === undefined) throw new Error("the mock starts in beforeAll");
      return mock;
    },
    get node(): NodeHttpClient {
      if (node === undefined) throw new Error("the node client starts in beforeAll");
      return node;
    },
    clients: [] as [string, () => HttpClient][],
  };
  state.clients.push(["undici", () => state.node], ["fetch", () => createFetchHttpClient()]);
  return state;
}
