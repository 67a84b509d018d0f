/**
 * The V2 client over real HTTP on loopback, through both HttpClients, against a server that answers exactly
 * as KServe 0.14.1 did: the binary answer chunked, with no Content-Type and no Content-Length.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFetchHttpClient } from "../../src/core/fetch-client.js";
import type { HttpClient } from "../../src/core/http.js";
import { createNodeHttpClient, type NodeHttpClient } from "../../src/node/http-client.js";
import { createV2Client } from "../../src/v2/client.js";
import { Tensor } from "kserve-client/tensor";
import { bodyBytes, kserveFixture } from "../fixtures.js";

let server: Server;
let baseUrl: string;
let nodeClient: NodeHttpClient;
const seenHosts: (string | undefined)[] = [];

beforeAll(async () => {
  const binary = kserveFixture("v2-infer-binary-out").response;
  const json = kserveFixture("v2-infer-json").response;
  server = createServer((req, res) => {
    seenHosts.push(req.headers.host);
    req.resume();
    req.on("end", () => {
      const wantsBinary = req.headers["content-type"] === "application/octet-stream";
      const answer = wantsBinary ? binary : json;
      const headers: Record<string, string> = {
        "inference-header-content-length": answer.headers["inference-header-content-length"] ?? "",
      };
      if (!wantsBinary) headers["content-type"] = "application/json";
      else delete headers["content-type"];
      if (!headers["inference-header-content-length"]) delete headers["inference-header-content-length"];
      res.writeHead(answer.status, headers);
      const body = bodyBytes(answer.body);
      // In two writes without Content-Length: chunked, as uvicorn sends it.
      res.write(body.subarray(0, 7));
      res.end(body.subarray(7));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  nodeClient = createNodeHttpClient();
});

afterAll(async () => {
  await nodeClient.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const clients: [string, () => HttpClient][] = [
  ["undici (Node)", () => nodeClient],
  ["fetch", () => createFetchHttpClient()],
];

describe.each(clients)("V2 client over loopback with the %s HttpClient", (_name, httpClient) => {
  it("decodes KServe's chunked binary answer with no Content-Type or Content-Length", async () => {
    const v2 = createV2Client({ baseUrl, httpClient: httpClient() });
    const res = await v2.infer(
      "iris-classifier",
      { inputs: [Tensor.fp32("input-0", [3, 4], new Float32Array(12))], id: "req-2" },
      { binary: "always" },
    );
    expect(res).toMatchObject({ modelName: "iris-classifier", id: "req-2" });
    expect(Array.from(res.output("output-0", "INT64").data)).toEqual([0n, 1n, 2n]);
  });

  it("decodes the JSON answer", async () => {
    const v2 = createV2Client({ baseUrl, httpClient: httpClient() });
    const res = await v2.infer(
      "iris-classifier",
      { inputs: [Tensor.fp32("input-0", [2, 4], new Float32Array(8))] },
      { binary: "never" },
    );
    expect(Array.from(res.output("output-0", "INT64").data)).toEqual([0n, 1n]);
  });
});

it("routes by host through the Node HttpClient", async () => {
  const v2 = createV2Client({ baseUrl, host: "iris-classifier.kserve-test.example.com", httpClient: nodeClient });
  await v2.infer("iris-classifier", { inputs: [Tensor.fp32("input-0", [1, 4], [5.1, 3.5, 1.4, 0.2])] });
  expect(seenHosts.at(-1)).toBe("iris-classifier.kserve-test.example.com");
});
