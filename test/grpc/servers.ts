/** Small gRPC servers on loopback for tests that need to see what the server saw (headers, :authority, SNI). */
import {
  createServer,
  createSecureServer,
  type Http2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2SecureServer,
  type ServerHttp2Session,
} from "node:http2";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import type { Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { grpcInferenceRoutes } from "../../src/testing/grpc-service.js";
import { createFakeModels, type FakeModels } from "../../src/testing/models.js";

/** What one request looked like to the server. */
export interface SeenRequest {
  path: string;
  authority: string | undefined;
  authorization: string | undefined;
  /** The SNI name of a TLS connection (false when the client sent none); undefined over h2c. */
  servername: string | false | null | undefined;
}

export interface TestGrpcServer {
  url: string;
  port: number;
  models: FakeModels;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/**
 * The fake models' gRPC service on 127.0.0.1: h2c, or TLS with `tls`, mutual TLS when it names `clientCa`
 * (only clients with a certificate from that CA get in). Records every request.
 */
export async function startGrpcServer(tls?: { cert: string; key: string; clientCa?: string }): Promise<TestGrpcServer> {
  const models = createFakeModels();
  const seen: SeenRequest[] = [];
  const adapter = connectNodeAdapter({
    routes: grpcInferenceRoutes(models),
    grpc: true,
    grpcWeb: false,
    connect: false,
  });
  const handler = (req: Http2ServerRequest, res: Http2ServerResponse) => {
    const socket = req.socket as Partial<TLSSocket>;
    seen.push({
      path: req.url,
      authority: req.headers[":authority"],
      authorization: req.headers["authorization"],
      servername: tls === undefined ? undefined : socket.servername,
    });
    adapter(req, res);
  };
  const server: Http2Server | Http2SecureServer =
    tls === undefined
      ? createServer(handler)
      : createSecureServer(
          {
            cert: tls.cert,
            key: tls.key,
            allowHTTP1: false,
            ...(tls.clientCa === undefined ? {} : { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true }),
          },
          handler,
        );
  const sessions = new Set<ServerHttp2Session>();
  server.on("session", (session: ServerHttp2Session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  // A failed TLS handshake is expected in some tests; keep it from surfacing as an unhandled error.
  server.on("tlsClientError", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls === undefined ? "http" : "https"}://127.0.0.1:${port}`,
    port,
    models,
    seen,
    close: async () => {
      for (const session of sessions) session.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Counts attempts on the transport (the caller's interceptors run once per attempt). */
export function attemptCounter(): { count: number; interceptor: Interceptor } {
  const state = {
    count: 0,
    interceptor: ((next) => async (req) => {
      state.count++;
      return next(req);
    }) as Interceptor,
  };
  return state;
}
