/**
 * createNodeGrpcTransport's own unary path against scripted HTTP/2 servers that answer the way real servers,
 * gateways and broken proxies do. Each answer is written frame by frame with node:http2, so nothing in between
 * tidies it up.
 */
import { toBinary, create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import {
  createServer,
  constants,
  type Http2Server,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
  type ServerHttp2Session,
} from "node:http2";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createGrpcClient } from "kserve-client/grpc";
import { GRPCInferenceService, ServerLiveResponseSchema } from "../../src/grpc/protobuf.js";
import { createNodeGrpcTransport, type NodeGrpcTransport } from "../../src/node/index.js";
import { ConnectionError, KServeError } from "../../src/core/errors.js";

type Script = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, attempt: number) => void;

interface Scripted {
  url: string;
  seen: IncomingHttpHeaders[];
  /** Streams the client closed before the server answered them. */
  cancelled: number;
  close(): Promise<void>;
}

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const item of open.splice(0)) await item.close();
});

async function scripted(script: Script): Promise<Scripted> {
  const server: Http2Server = createServer();
  const sessions = new Set<ServerHttp2Session>();
  const state: Scripted = {
    url: "",
    seen: [],
    cancelled: 0,
    close: async () => {
      for (const session of sessions) session.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  server.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  server.on("stream", (stream, headers) => {
    state.seen.push(headers);
    stream.on("aborted", () => state.cancelled++);
    stream.on("error", () => undefined);
    // Read the request body before answering, as a server does.
    stream.resume();
    stream.on("end", () => script(stream, headers, state.seen.length));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  open.push(state);
  return state;
}

function transport(url: string, options: { readMaxBytes?: number } = {}): NodeGrpcTransport {
  const t = createNodeGrpcTransport({ baseUrl: url, ...options });
  open.push(t);
  return t;
}

const frame = (payload: Uint8Array, flags = 0) => {
  const bytes = Buffer.alloc(5 + payload.length);
  bytes[0] = flags;
  bytes.writeUInt32BE(payload.length, 1);
  bytes.set(payload, 5);
  return bytes;
};
const live = (value: boolean) =>
  frame(toBinary(ServerLiveResponseSchema, create(ServerLiveResponseSchema, { live: value })));
const grpcHeaders = { ":status": 200, "content-type": "application/grpc+proto" };

/** A proper answer: headers, one message, trailers. */
const answer =
  (
    message: Uint8Array,
    trailers: Record<string, string> = { "grpc-status": "0" },
    headers: Record<string, string | number> = {},
  ): Script =>
  (stream) => {
    stream.respond({ ...grpcHeaders, ...headers }, { waitForTrailers: true });
    stream.on("wantTrailers", () => stream.sendTrailers(trailers));
    stream.end(message);
  };

const callLive = (
  t: NodeGrpcTransport,
  options: { signal?: AbortSignal; timeoutMs?: number; headers?: Record<string, string> } = {},
) => createClient(GRPCInferenceService, t).serverLive({}, options);

async function failure(promise: Promise<unknown>): Promise<ConnectError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectError);
  return error as ConnectError;
}

describe("as a connect Transport (createClient from @connectrpc/connect)", () => {
  it("sends a well-formed gRPC request and reads the answer, its headers and trailers", async () => {
    const server = await scripted(
      answer(live(true), { "grpc-status": "0", "x-trailer": "t" }, { "x-request-id": "r-7" }),
    );
    let header: Headers | undefined;
    let trailer: Headers | undefined;
    const response = await createClient(GRPCInferenceService, transport(server.url)).serverLive(
      {},
      {
        headers: { "x-caller": "yes", "content-type": "text/plain", te: "no" },
        timeoutMs: 5000,
        onHeader: (h) => (header = h),
        onTrailer: (t) => (trailer = t),
      },
    );
    expect(response.live).toBe(true);
    const seen = server.seen[0]!;
    expect(seen[":method"]).toBe("POST");
    expect(seen[":path"]).toBe("/inference.GRPCInferenceService/ServerLive");
    // The protocol's own headers cannot be overridden by the caller; the caller's other headers arrive.
    expect(seen["content-type"]).toBe("application/grpc+proto");
    expect(seen["te"]).toBe("trailers");
    expect(seen["x-caller"]).toBe("yes");
    expect(seen["grpc-timeout"]).toMatch(/^\d{1,8}m$/);
    expect(Number(seen["grpc-timeout"]!.slice(0, -1))).toBeGreaterThan(4000);
    expect(header?.get("x-request-id")).toBe("r-7");
    expect(trailer?.get("x-trailer")).toBe("t");
  });

  it("without a timeout no grpc-timeout is sent", async () => {
    const server = await scripted(answer(live(true)));
    await callLive(transport(server.url));
    expect(server.seen[0]!["grpc-timeout"]).toBeUndefined();
  });

  it("keeps baseUrl's path as a prefix of the method path", async () => {
    const server = await scripted(answer(live(true)));
    await callLive(transport(`${server.url}/serving/ns/iris/`));
    expect(server.seen[0]![":path"]).toBe("/serving/ns/iris/inference.GRPCInferenceService/ServerLive");
  });

  it("reads an answer that arrives in many small DATA frames", async () => {
    const message = live(true);
    const server = await scripted((stream) => {
      stream.respond(grpcHeaders, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      for (const byte of message) stream.write(Buffer.from([byte]));
      stream.end();
    });
    expect((await callLive(transport(server.url))).live).toBe(true);
  });
});

describe("answers that are errors", () => {
  it("a trailers-only answer: the status and percent-decoded message from the headers, with metadata", async () => {
    const server = await scripted((stream) =>
      stream.respond(
        { ...grpcHeaders, "grpc-status": "5", "grpc-message": "model%20%22x%22%20not%20found", "x-request-id": "r-9" },
        { endStream: true },
      ),
    );
    const error = await failure(callLive(transport(server.url)));
    expect(error.code).toBe(Code.NotFound);
    expect(error.rawMessage).toBe('model "x" not found');
    expect(error.metadata.get("x-request-id")).toBe("r-9");
  });

  it("an error status in the trailers after headers", async () => {
    const server = await scripted(
      answer(new Uint8Array(0), { "grpc-status": "3", "grpc-message": "bad shape", "grpc-retry-pushback-ms": "10" }),
    );
    const error = await failure(callLive(transport(server.url)));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toBe("bad shape");
    expect(error.metadata.get("grpc-retry-pushback-ms")).toBe("10");
  });

  it("a gateway's HTTP 404 for a host it does not route is UNIMPLEMENTED (gRPC's HTTP mapping), through the SDK client too", async () => {
    const server = await scripted((stream) => {
      stream.respond({ ":status": 404, "content-type": "text/plain" });
      stream.end("no route");
    });
    const t = transport(server.url);
    expect((await failure(callLive(t))).code).toBe(Code.Unimplemented);
    const error = await createGrpcClient({ transport: t, retry: false })
      .serverLive()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(KServeError);
    expect(error).toMatchObject({ code: "unimplemented", grpcCode: Code.Unimplemented });
    expect((error as KServeError).message).toContain(
      "HTTP 404 instead of a gRPC answer: check that baseUrl is the server's gRPC port",
    );
  });

  it("HTTP 503 from a proxy is UNAVAILABLE, and the SDK client retries it", async () => {
    const server = await scripted((stream, _, attempt) => {
      if (attempt < 3) {
        stream.respond({ ":status": 503 });
        stream.end();
      } else answer(live(true))(stream, {}, attempt);
    });
    const t = transport(server.url);
    const client = createGrpcClient({ transport: t, retry: { initialDelayMs: 1, maxDelayMs: 2 } });
    expect(await client.serverLive()).toBe(true);
    expect(server.seen).toHaveLength(3);
  });

  it("200 with a content type that is not gRPC (an HTML error page) is UNKNOWN and says so", async () => {
    const server = await scripted((stream) => {
      stream.respond({ ":status": 200, "content-type": "text/html" });
      stream.end("<html>login</html>");
    });
    const error = await failure(callLive(transport(server.url)));
    expect(error.code).toBe(Code.Unknown);
    expect(error.rawMessage).toContain("unsupported content type text/html");
  });

  it("trailers without grpc-status are a protocol error (INTERNAL)", async () => {
    const server = await scripted(answer(live(true), { "x-other": "1" }));
    const error = await failure(callLive(transport(server.url)));
    expect(error.code).toBe(Code.Internal);
    expect(error.rawMessage).toContain("no grpc-status");
  });

  it("OK without a message is a protocol error", async () => {
    const server = await scripted(answer(new Uint8Array(0)));
    expect((await failure(callLive(transport(server.url)))).rawMessage).toContain("missing output message");
  });

  it("a compressed message (never offered) is a protocol error", async () => {
    const server = await scripted(answer(frame(new Uint8Array([8, 1]), 1)));
    expect(await failure(callLive(transport(server.url)))).toMatchObject({
      code: Code.Internal,
      rawMessage: expect.stringContaining("compressed"),
    });
  });

  it("bytes that do not decode as the answer message are a protocol error naming the type", async () => {
    const server = await scripted(answer(frame(new Uint8Array([0xff, 0xff, 0xff]))));
    expect(await failure(callLive(transport(server.url)))).toMatchObject({
      code: Code.Internal,
      rawMessage: expect.stringContaining("inference.ServerLiveResponse"),
    });
  });

  it("an answer larger than readMaxBytes is RESOURCE_EXHAUSTED, and the stream is cancelled while reading", async () => {
    const big = frame(new Uint8Array(64 * 1024).fill(1));
    const server = await scripted(answer(big));
    const error = await failure(callLive(transport(server.url, { readMaxBytes: 1000 })));
    expect(error.code).toBe(Code.ResourceExhausted);
    expect(error.rawMessage).toContain("readMaxBytes (1000 bytes)");
  });

  it("a stream the server refuses (RST_STREAM REFUSED_STREAM) is UNAVAILABLE, retried by the SDK client", async () => {
    const server = await scripted((stream, _, attempt) => {
      if (attempt === 1) stream.close(constants.NGHTTP2_REFUSED_STREAM);
      else answer(live(true))(stream, {}, attempt);
    });
    const t = transport(server.url);
    expect((await failure(callLive(t))).code).toBe(Code.Unavailable);
    expect(await createGrpcClient({ transport: t, retry: { initialDelayMs: 1, maxDelayMs: 2 } }).serverLive()).toBe(
      true,
    );
  });

  it("a trailers-only status stays the answer when the server resets the stream right after it", async () => {
    const server = await scripted((stream) => {
      stream.respond({ ...grpcHeaders, "grpc-status": "8", "grpc-message": "too big" });
      setTimeout(() => stream.close(constants.NGHTTP2_ENHANCE_YOUR_CALM), 5);
    });
    expect(await failure(callLive(transport(server.url)))).toMatchObject({
      code: Code.ResourceExhausted,
      rawMessage: "too big",
    });
  });

  it("a connection that dies mid-answer is UNAVAILABLE (not INTERNAL or CANCELED), and the SDK client retries it", async () => {
    const server = await scripted((stream, _, attempt) => {
      if (attempt === 1) {
        stream.respond(grpcHeaders);
        stream.write(live(true).subarray(0, 3));
        setTimeout(() => stream.session?.destroy(), 10);
      } else answer(live(true))(stream, {}, attempt);
    });
    const t = transport(server.url);
    expect((await failure(callLive(t))).code).toBe(Code.Unavailable);
    expect(await createGrpcClient({ transport: t, retry: { initialDelayMs: 1, maxDelayMs: 2 } }).serverLive()).toBe(
      true,
    );
  });

  it("a stream reset after the headers, before the trailers, is an error, not a truncated success", async () => {
    const server = await scripted((stream) => {
      stream.respond(grpcHeaders);
      stream.write(live(true).subarray(0, 3));
      setTimeout(() => stream.close(constants.NGHTTP2_INTERNAL_ERROR), 10);
    });
    expect((await failure(callLive(transport(server.url)))).code).toBe(Code.Internal);
  });
});

describe("deadlines and cancellation", () => {
  it("past its timeout the call is DEADLINE_EXCEEDED and the stream is cancelled", async () => {
    const server = await scripted(() => undefined); // never answers
    const started = Date.now();
    const error = await failure(callLive(transport(server.url), { timeoutMs: 150 }));
    expect(error.code).toBe(Code.DeadlineExceeded);
    expect(Date.now() - started).toBeLessThan(2000);
    await expect.poll(() => server.cancelled).toBe(1);
  });

  it("an aborted signal cancels the call and the stream", async () => {
    const server = await scripted(() => undefined);
    const controller = new AbortController();
    const pending = callLive(transport(server.url), { signal: controller.signal });
    await expect.poll(() => server.seen.length).toBe(1);
    controller.abort(new Error("user left"));
    expect((await failure(pending)).code).toBe(Code.Canceled);
    await expect.poll(() => server.cancelled).toBe(1);
  });

  it("a server that goes away after a cancelled call is no uncaught error (vitest fails the run on one)", async () => {
    const server = await scripted(() => undefined);
    const t = transport(server.url);
    expect((await failure(callLive(t, { timeoutMs: 50 }))).code).toBe(Code.DeadlineExceeded);
    await expect.poll(() => server.cancelled).toBe(1);
    await server.close(); // GOAWAY on the idle connection
    open.splice(open.indexOf(server), 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The transport reconnects for the next call and reports the server gone.
    expect((await failure(callLive(t))).code).toBe(Code.Unavailable);
  });

  it("a connection that is refused is UNAVAILABLE with the Node error as cause", async () => {
    const server = await scripted(answer(live(true)));
    const url = server.url;
    await server.close();
    open.splice(open.indexOf(server), 1);
    const error = await createGrpcClient({ transport: transport(url), retry: false })
      .serverLive()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(
      JSON.stringify((error as ConnectionError).cause, Object.getOwnPropertyNames((error as { cause: object }).cause)),
    ).toContain("ECONNREFUSED");
  });
});
