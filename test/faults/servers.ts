/**
 * Scripted loopback servers for the fault matrix: node:http for REST (a script may take over the raw socket to
 * reset it or write broken framing), node:http2 for gRPC (frame by frame). Each counts the requests it got and
 * closes every connection it accepted when closed, so a case leaves nothing open on the server side.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import {
  createServer as createH2Server,
  type IncomingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from "node:http2";
import { type AddressInfo, createServer as createNetServer, type Socket } from "node:net";

export interface ScriptedServer {
  url: string;
  /** Requests received, in order. */
  requests: { method: string; path: string; headers: IncomingHttpHeaders | IncomingMessage["headers"]; body: Buffer }[];
  /** Connections (REST) or streams (gRPC) still open: 0 once the client has given up on a hung answer. */
  open(): number;
  close(): Promise<void>;
}

/** One REST request as a script sees it: `attempt` counts from 1. */
export interface RestTurn {
  attempt: number;
  req: IncomingMessage;
  res: ServerResponse;
  socket: Socket;
  body: Buffer;
}

/** An HTTP/1.1 server on 127.0.0.1 that runs `script` once each request body has arrived. */
export async function restServer(script: (turn: RestTurn) => void): Promise<ScriptedServer> {
  const sockets = new Set<Socket>();
  const requests: ScriptedServer["requests"] = [];
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    if (!ended.has(req.socket) && !req.socket.destroyed) held.add(req.socket);
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method!, path: req.url!, headers: req.headers, body });
      script({ attempt: requests.length, req, res, socket: req.socket, body });
    });
  });
  // Connections that carried a request and that the client has not let go of. node:http keeps a socket half-open
  // while an answer is pending, so the client's FIN ("end") counts as let go.
  const held = new Set<Socket>();
  const ended = new WeakSet<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("end", () => {
      ended.add(socket);
      held.delete(socket);
    });
    socket.on("close", () => {
      sockets.delete(socket);
      held.delete(socket);
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    open: () => held.size,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One gRPC request as a script sees it. */
export interface GrpcTurn {
  attempt: number;
  stream: ServerHttp2Stream;
  headers: IncomingHttpHeaders;
  session: ServerHttp2Session;
  /** The TCP connection under the session, to reset it outright. */
  socket: Socket;
}

/** An h2c server on 127.0.0.1 that runs `script` once each request message has arrived. */
export async function grpcServer(script: (turn: GrpcTurn) => void): Promise<ScriptedServer> {
  const server = createH2Server();
  const sessions = new Set<ServerHttp2Session>();
  const requests: ScriptedServer["requests"] = [];
  // By the client's port: an HTTP/2 session lends out only a guarded view of its socket.
  const sockets = new Map<number, Socket>();
  server.on("connection", (socket: Socket) => {
    const port = socket.remotePort!;
    sockets.set(port, socket);
    socket.on("close", () => sockets.delete(port));
    socket.on("error", () => undefined);
  });
  server.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
    session.on("error", () => undefined);
  });
  let streams = 0;
  server.on("stream", (stream, headers) => {
    streams++;
    stream.on("close", () => streams--);
    stream.on("error", () => undefined);
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => {
      requests.push({
        method: String(headers[":method"]),
        path: String(headers[":path"]),
        headers,
        body: Buffer.concat(chunks),
      });
      const session = stream.session as ServerHttp2Session;
      script({ attempt: requests.length, stream, headers, session, socket: sockets.get(session.socket.remotePort!)! });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    open: () => streams,
    close: async () => {
      for (const session of sessions) session.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A URL on 127.0.0.1 where nothing listens (the port was free a moment ago). */
export async function refusedUrl(): Promise<string> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
