/// <reference types="node" />
/**
 * The ingress gateway of the mock cluster, as an Istio ingress gateway (Envoy) behaves to a client: one loopback
 * port speaking HTTP/1.1 and h2c, routing by the Host header (REST, gRPC-web) or `:authority` (gRPC) to the model
 * server of the InferenceService whose URL has that host — V1 and V2 REST, the OpenAI-compatible routes of text
 * generation models (streamed answers as they are produced), native gRPC and gRPC-web. A host with
 * no route gets Envoy's answer: 404 with an empty body, for gRPC too. CORS is off unless asked for, as on a
 * gateway nobody configured for browsers.
 */
import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from "node:http";
import {
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type ServerHttp2Session,
} from "node:http2";
import type { AddressInfo, Socket } from "node:net";
import { handleKServe } from "../handler.js";
import { detail } from "../answers.js";
import type { FakeModels } from "../models.js";
import { handleOpenAI } from "../openai/handler.js";
import { sendEventStream } from "./event-stream.js";
import { type NodeRequest, type NodeResponse, readMockRequest, sendMockResponse } from "./http-answer.js";
import { createSniffingServer } from "./protocol-sniffer.js";
import type { ServedRevision, ServingTable } from "./serving-table.js";

/** Options of {@link startIngressGateway}. */
export interface IngressGatewayOptions {
  serving: ServingTable;
  /** Answer CORS preflights and expose the gRPC and binary-extension headers to browsers. Default false. */
  cors?: boolean | undefined;
  /** Port on 127.0.0.1; default: any free one. */
  port?: number | undefined;
}

/** A running gateway. */
export interface IngressGateway {
  /** `http://127.0.0.1:<port>`: send requests here with the InferenceService's host as Host / `:authority`. */
  url: string;
  close(): Promise<void>;
}

const GRPC_PATH = "/inference.GRPCInferenceService/";

/** Request headers browsers may send (the SDK's REST, gRPC-web and binary-extension requests). */
const CORS_ALLOW_HEADERS =
  "content-type, authorization, x-grpc-web, x-user-agent, grpc-timeout, inference-header-content-length";
/** Response headers browsers may read: gRPC status and the binary extension's JSON length. */
const CORS_EXPOSE_HEADERS = "grpc-status, grpc-message, grpc-status-details-bin, inference-header-content-length";

type Handler = (req: NodeRequest, res: NodeResponse) => void;

/** Start the gateway on loopback. */
export async function startIngressGateway(options: IngressGatewayOptions): Promise<IngressGateway> {
  const grpc = await grpcAdapters();
  const serve = (req: NodeRequest, res: NodeResponse, authority: string | undefined) => {
    route(options, grpc, req, res, authority).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { "content-type": "text/plain" }).end(`upstream error: ${String(error)}`);
    });
  };
  const http1 = createHttp1Server((req: IncomingMessage, res: ServerResponse) => serve(req, res, req.headers.host));
  const http2 = createHttp2Server((req: Http2ServerRequest, res: Http2ServerResponse) =>
    serve(req, res, req.headers[":authority"] ?? req.headers.host),
  );
  const sessions = new Set<ServerHttp2Session>();
  http2.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  const tcp = createSniffingServer(http1, http2);
  const sockets = new Set<Socket>();
  tcp.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once("error", reject);
    tcp.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = tcp.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => tcp.close(() => resolve()));
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
      http1.closeAllConnections();
      await closed;
    },
  };
}

async function route(
  options: IngressGatewayOptions,
  grpc: GrpcAdapters | undefined,
  req: NodeRequest,
  res: NodeResponse,
  authority: string | undefined,
): Promise<void> {
  res.setHeader("server", "istio-envoy");
  const revision = authority === undefined ? undefined : options.serving.route(authority);
  if (revision === undefined) {
    // Envoy's answer when no virtual host matches: 404, no body; gRPC clients see HTTP 404 as well.
    req.resume();
    return void res.writeHead(404, { "content-length": "0" }).end();
  }
  if (options.cors && typeof req.headers.origin === "string") {
    if (isPreflight(req)) return void res.writeHead(200, preflightHeaders(req.headers.origin)).end();
    res.setHeader("access-control-allow-origin", req.headers.origin);
    res.setHeader("access-control-expose-headers", CORS_EXPOSE_HEADERS);
    res.setHeader("vary", "origin");
  }
  if ((req.url ?? "").startsWith(GRPC_PATH) && grpc !== undefined) return grpc.handler(revision.models)(req, res);
  await serveRest(revision, req, res);
}

/** V1 and V2 REST and the OpenAI-compatible routes, answered by the revision's models as KServe's model server does. */
async function serveRest(revision: ServedRevision, req: NodeRequest, res: NodeResponse): Promise<void> {
  const request = await readMockRequest(req);
  let answer;
  try {
    answer =
      handleOpenAI(revision.models, request) ?? handleKServe(revision.models, request) ?? detail(404, "Not Found");
  } catch (error) {
    answer = {
      status: 500,
      headers: { "content-type": "text/plain" },
      body: new TextEncoder().encode(`Internal Server Error: ${String(error)}`),
    };
  }
  if ("events" in answer) await sendEventStream(res, answer);
  else sendMockResponse(res, answer);
}

function isPreflight(req: NodeRequest): boolean {
  return req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined;
}

function preflightHeaders(origin: string): Record<string, string> {
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-allow-headers": CORS_ALLOW_HEADERS,
    "access-control-expose-headers": CORS_EXPOSE_HEADERS,
    "access-control-max-age": "86400",
    vary: "origin",
    "content-length": "0",
  };
}

/** gRPC and gRPC-web handlers per model set, when the optional connect peers are installed. */
interface GrpcAdapters {
  handler(models: FakeModels): Handler;
}

async function grpcAdapters(): Promise<GrpcAdapters | undefined> {
  let adapter: typeof import("@connectrpc/connect-node").connectNodeAdapter;
  let routesOf: typeof import("../grpc-service.js").grpcInferenceRoutes;
  try {
    // Loaded here only, so that users of kserve-client/testing without the gRPC peers are unaffected.
    ({ connectNodeAdapter: adapter } = await import("@connectrpc/connect-node"));
    ({ grpcInferenceRoutes: routesOf } = await import("../grpc-service.js"));
  } catch {
    return undefined;
  }
  const cache = new WeakMap<FakeModels, Handler>();
  return {
    handler(models) {
      let handler = cache.get(models);
      if (handler === undefined) {
        handler = adapter({ routes: routesOf(models), grpc: true, grpcWeb: true, connect: false }) as Handler;
        cache.set(models, handler);
      }
      return handler;
    },
  };
}
