/// <reference types="node" />
/**
 * `startMockKServe`: the fake models behind real servers on loopback, speaking V2 REST (and the binary
 * extension) and V1 REST the way KServe 0.14.1 does, and V2 over gRPC (HTTP/2, h2c) on a second port, with
 * gRPC-web on the REST port for browsers. Node only: it is a server.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttp2Server, type Http2Server } from "node:http2";
import type { AddressInfo } from "node:net";
import { createFakeModels, type FakeModels } from "./models.js";
import type { MockResponse } from "./answers.js";
import { handleKServe } from "./handler.js";
import type { GrpcErrorStyle } from "./grpc-service.js";

/** Options of {@link startMockKServe}. */
export interface MockKServeOptions {
  /** The models to serve; default: a fresh `createFakeModels()`. */
  models?: FakeModels | undefined;
  /** Port on 127.0.0.1; default: any free one. */
  port?: number | undefined;
  /**
   * Serve gRPC too (needs the optional peers @connectrpc/connect-node, @connectrpc/connect and
   * @bufbuild/protobuf). Default: when they are installed.
   */
  grpc?: boolean | undefined;
  /** gRPC errors with proper status codes (default), or as KServe 0.14 sends them (UNKNOWN, "Unexpected <class …>"). */
  grpcErrors?: GrpcErrorStyle | undefined;
}

/** A running mock server. */
export interface MockKServe {
  /** `http://127.0.0.1:<port>`: use it as `baseUrl`. It also answers gRPC-web. */
  url: string;
  /** `http://127.0.0.1:<port>` of the gRPC (HTTP/2 without TLS) server; undefined when gRPC is off. */
  grpcUrl: string | undefined;
  models: FakeModels;
  /** Requests seen so far (method, path, lower-case headers), oldest first. */
  requests: { method: string; path: string; headers: Record<string, string | undefined> }[];
  close(): Promise<void>;
}

/** Start the mock on loopback. */
export async function startMockKServe(options: MockKServeOptions = {}): Promise<MockKServe> {
  const models = options.models ?? createFakeModels();
  const requests: MockKServe["requests"] = [];
  const grpc = options.grpc === false ? undefined : await loadGrpc(models, options.grpcErrors ?? "codes", options.grpc === true);
  const server = createServer((req, res) => {
    if (grpc !== undefined && req.url?.startsWith(GRPC_PREFIX)) return void grpc.web(req, res);
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
  let grpcServer: Http2Server | undefined;
  const sessions = new Set<import("node:http2").ServerHttp2Session>();
  if (grpc !== undefined) {
    grpcServer = createHttp2Server(grpc.native);
    grpcServer.on("session", (session) => {
      sessions.add(session);
      session.on("close", () => sessions.delete(session));
    });
    await new Promise<void>((resolve) => grpcServer!.listen(0, "127.0.0.1", resolve));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    grpcUrl: grpcServer === undefined ? undefined : `http://127.0.0.1:${(grpcServer.address() as AddressInfo).port}`,
    models,
    requests,
    close: async () => {
      server.closeAllConnections();
      for (const session of sessions) session.destroy();
      await Promise.all([
        new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
        grpcServer === undefined ? undefined : new Promise<void>((resolve) => grpcServer!.close(() => resolve())),
      ]);
    },
  };
}

const GRPC_PREFIX = "/inference.GRPCInferenceService/";

type Handler = ReturnType<typeof import("@connectrpc/connect-node").connectNodeAdapter>;

/** The gRPC handlers (native gRPC for the HTTP/2 server, gRPC-web for the REST port), if connect-node is there. */
async function loadGrpc(models: FakeModels, errors: GrpcErrorStyle, required: boolean): Promise<{ native: Handler; web: Handler } | undefined> {
  let adapter: typeof import("@connectrpc/connect-node").connectNodeAdapter;
  let grpcInferenceRoutes: typeof import("./grpc-service.js").grpcInferenceRoutes;
  try {
    // Loaded only here, so that users of kserve-client/testing without the gRPC peers installed are unaffected.
    ({ connectNodeAdapter: adapter } = await import("@connectrpc/connect-node"));
    ({ grpcInferenceRoutes } = await import("./grpc-service.js"));
  } catch (error) {
    if (!required) return undefined;
    throw new Error("startMockKServe({ grpc: true }) needs @connectrpc/connect-node, @connectrpc/connect and @bufbuild/protobuf installed.", { cause: error });
  }
  const routes = grpcInferenceRoutes(models, errors);
  return {
    native: adapter({ routes, grpc: true, grpcWeb: false, connect: false }),
    web: adapter({ routes, grpc: false, grpcWeb: true, connect: false }),
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
