/// <reference types="node" />
/**
 * `startMockKServe`: the fake models behind a real HTTP server on loopback, speaking V2 REST (and the binary
 * extension) and V1 REST the way KServe 0.14.1 does. Node only: it is a server.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createFakeModels, type FakeModels } from "./models.js";
import type { MockResponse } from "./answers.js";
import { handleKServe } from "./handler.js";

/** Options of {@link startMockKServe}. */
export interface MockKServeOptions {
  /** The models to serve; default: a fresh `createFakeModels()`. */
  models?: FakeModels | undefined;
  /** Port on 127.0.0.1; default: any free one. */
  port?: number | undefined;
}

/** A running mock server. */
export interface MockKServe {
  /** `http://127.0.0.1:<port>`: use it as `baseUrl`. */
  url: string;
  models: FakeModels;
  /** Requests seen so far (method, path, lower-case headers), oldest first. */
  requests: { method: string; path: string; headers: Record<string, string | undefined> }[];
  close(): Promise<void>;
}

/** Start the mock on loopback. */
export async function startMockKServe(options: MockKServeOptions = {}): Promise<MockKServe> {
  const models = options.models ?? createFakeModels();
  const requests: MockKServe["requests"] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers = lowerCase(req);
      requests.push({ method: req.method ?? "GET", path: req.url ?? "/", headers });
      const body = new Uint8Array(Buffer.concat(chunks));
      let answer: MockResponse | undefined;
      try {
        answer = handleKServe(models, { method: req.method ?? "GET", path: req.url ?? "/", headers, body });
      } catch (error) {
        answer = { status: 500, headers: { "content-type": "text/plain" }, body: new TextEncoder().encode(`Internal Server Error: ${String(error)}`) };
      }
      send(res, answer ?? { status: 404, headers: { "content-type": "application/json" }, body: new TextEncoder().encode('{"detail":"Not Found"}') });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    models,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

function send(res: ServerResponse, answer: MockResponse): void {
  const { fault } = answer;
  if (fault !== undefined && "reset" in fault) return void res.socket?.destroy();
  if (fault !== undefined && "hang" in fault) return; // never answers; close() ends it
  const write = () => {
    const headers: Record<string, string> = { ...answer.headers };
    const truncated = fault !== undefined && "truncateAt" in fault;
    if (!answer.chunked) headers["content-length"] = String(answer.body.byteLength);
    res.writeHead(answer.status, headers);
    if (truncated) {
      res.write(answer.body.subarray(0, fault.truncateAt));
      setTimeout(() => res.socket?.destroy(), 10); // after the partial body has left
      return;
    }
    if (answer.chunked) {
      // Two writes with no Content-Length: chunked transfer, as uvicorn sends KServe's binary answers.
      const half = Math.floor(answer.body.byteLength / 2);
      res.write(answer.body.subarray(0, half));
      res.end(answer.body.subarray(half));
      return;
    }
    res.end(answer.body);
  };
  if (fault !== undefined && "delayMs" in fault) setTimeout(write, fault.delayMs);
  else write();
}

function lowerCase(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  return out;
}
