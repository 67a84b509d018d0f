/**
 * The fault matrix over gRPC (issue 8): `createGrpcClient` on `createNodeGrpcTransport` against scripted HTTP/2
 * servers (node:http2, frame by frame). Each row is one server behaviour and the outcome the SDK must end in:
 * the right typed error (class, code, gRPC status, a message that names what matters) or a success by retry,
 * within the call's deadline, with no unhandled rejection and nothing left open (leaks.ts).
 */
import { create, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { constants } from "node:http2";
import { describe, expect, it } from "vitest";
import { ConnectionError, KServeError, ProtocolError, TimeoutError } from "kserve-client";
import { createGrpcClient, type GrpcClientOptions } from "kserve-client/grpc";
import { ModelInferResponseSchema } from "kserve-client/grpc/descriptors";
import { createNodeGrpcTransport } from "kserve-client/node";
import { type FaultCase, faultCase } from "./leaks.js";
import { DEADLINE_MS, FAST_RETRY, input, type MatrixRow, MODEL, runRow } from "./matrix.js";
import { type GrpcTurn, grpcServer } from "./servers.js";

/** A gRPC length-prefixed message. */
const frame = (payload: Uint8Array, flags = 0) => {
  const bytes = Buffer.alloc(5 + payload.length);
  bytes[0] = flags;
  bytes.writeUInt32BE(payload.length, 1);
  bytes.set(payload, 5);
  return bytes;
};
const inferResponse = (init: MessageInitShape<typeof ModelInferResponseSchema>) =>
  frame(toBinary(ModelInferResponseSchema, create(ModelInferResponseSchema, init)));
const FP32_12 = new Uint8Array(new Float32Array([1, 2]).buffer);
const OK = inferResponse({
  modelName: MODEL,
  outputs: [{ name: "y", datatype: "FP32", shape: [2n] }],
  rawOutputContents: [FP32_12],
});
const GRPC_HEADERS = { ":status": 200, "content-type": "application/grpc+proto" };

/** Headers, the message, trailers. */
const answer =
  (message: Uint8Array = OK, trailers: Record<string, string> = { "grpc-status": "0" }) =>
  ({ stream }: GrpcTurn) => {
    stream.respond(GRPC_HEADERS, { waitForTrailers: true });
    stream.on("wantTrailers", () => stream.sendTrailers(trailers));
    stream.end(message);
  };
/** A trailers-only status (an error without a message). */
const status =
  (code: number, message: string, extra: Record<string, string> = {}) =>
  ({ stream }: GrpcTurn) =>
    stream.respond(
      { ...GRPC_HEADERS, "grpc-status": String(code), "grpc-message": encodeURIComponent(message), ...extra },
      { endStream: true },
    );
/** `first` on the first `times` requests, a proper answer after. */
const then =
  (first: (turn: GrpcTurn) => void, times = 1) =>
  (turn: GrpcTurn) =>
    turn.attempt <= times ? first(turn) : answer()(turn);
/** Headers and part of the message, then `cut` a moment later. */
const partial = (cut: (turn: GrpcTurn) => void) => (turn: GrpcTurn) => {
  turn.stream.respond(GRPC_HEADERS);
  turn.stream.write(OK.subarray(0, 9));
  setTimeout(() => cut(turn), 10);
};

/** A graceful GOAWAY, then the connection closed with the call still unanswered. */
const goawayThenClose = ({ session }: GrpcTurn) => {
  session.goaway(constants.NGHTTP2_NO_ERROR);
  setTimeout(() => session.destroy(), 10);
};

interface Row extends MatrixRow<GrpcTurn> {
  options?: Partial<GrpcClientOptions>;
  readMaxBytes?: number;
}

const WHERE = 'ModelInfer of model "m"';

const ROWS: Row[] = [
  {
    fault: "connection refused",
    outcome: "ConnectionError (unavailable, retryable) naming the RPC and ECONNREFUSED, after the retries",
    attempts: 0,
    error: {
      type: ConnectionError,
      code: "unavailable",
      retryable: true,
      attempts: 3,
      message: [WHERE, "ECONNREFUSED"],
    },
  },
  {
    fault: "TCP reset before the response, every time",
    outcome: "ConnectionError (unavailable, retryable), after 3 attempts",
    server: ({ socket }) => socket.resetAndDestroy(),
    attempts: 3,
    error: { type: ConnectionError, code: "unavailable", retryable: true, message: [WHERE] },
  },
  {
    fault: "TCP reset before the response, once",
    outcome: "success by retry on a new connection",
    server: then(({ socket }) => socket.resetAndDestroy()),
    attempts: 2,
  },
  {
    fault: "TCP reset during the response message",
    outcome: "ConnectionError (unavailable, retryable), never a truncated success, after 3 attempts",
    server: partial(({ socket }) => socket.resetAndDestroy()),
    attempts: 3,
    error: { type: ConnectionError, code: "unavailable", retryable: true, message: [WHERE] },
  },
  {
    fault: "TCP reset during the response message, once",
    outcome: "success by retry",
    server: then(partial(({ socket }) => socket.resetAndDestroy())),
    attempts: 2,
  },
  {
    fault: "server closes the connection mid-message (no trailers)",
    outcome: "ConnectionError (unavailable, retryable), after 3 attempts",
    server: partial(({ session }) => session.destroy()),
    attempts: 3,
    error: {
      type: ConnectionError,
      code: "unavailable",
      retryable: true,
      message: [WHERE, "closed before the answer was complete"],
    },
  },
  {
    fault: "stream ends mid-message with grpc-status OK",
    outcome: "KServeError internal (INTERNAL) saying the answer ended inside a message, not retried",
    server: answer(OK.subarray(0, OK.length - 3)),
    attempts: 1,
    error: { type: KServeError, code: "internal", grpcCode: Code.Internal, message: [WHERE, "ended inside a message"] },
  },
  {
    fault: "truncated raw tensor tail (5 of 8 bytes)",
    outcome: "ProtocolError (internal) naming the output, not retried",
    server: answer(
      inferResponse({
        modelName: MODEL,
        outputs: [{ name: "y", datatype: "FP32", shape: [2n] }],
        rawOutputContents: [FP32_12.subarray(0, 5)],
      }),
    ),
    attempts: 1,
    error: {
      type: ProtocolError,
      code: "internal",
      model: MODEL,
      message: [`of model "${MODEL}" to gRPC ModelInfer`, '"y"'],
    },
  },
  {
    fault: "bytes that are not a ModelInferResponse",
    outcome: "KServeError internal naming the message type, not retried",
    server: answer(frame(new Uint8Array([0xff, 0xff, 0xff, 0xff]))),
    attempts: 1,
    error: {
      type: KServeError,
      code: "internal",
      grpcCode: Code.Internal,
      message: [WHERE, "inference.ModelInferResponse"],
    },
  },
  {
    fault: "valid message of the wrong shape (2 raw contents for 1 output)",
    outcome: "ProtocolError (internal) naming raw_output_contents, not retried",
    server: answer(
      inferResponse({
        modelName: MODEL,
        outputs: [{ name: "y", datatype: "FP32", shape: [2n] }],
        rawOutputContents: [FP32_12, FP32_12],
      }),
    ),
    attempts: 1,
    error: {
      type: ProtocolError,
      code: "internal",
      model: MODEL,
      message: [`of model "${MODEL}" to gRPC ModelInfer`, "raw_output_contents"],
    },
  },
  {
    fault: "contents length contradicting shape",
    outcome: "ProtocolError (internal) naming the tensor, not retried",
    server: answer(
      inferResponse({
        modelName: MODEL,
        outputs: [{ name: "y", datatype: "FP32", shape: [3n], contents: { fp32Contents: [1, 2] } }],
      }),
    ),
    attempts: 1,
    error: {
      type: ProtocolError,
      code: "internal",
      model: MODEL,
      message: [`of model "${MODEL}" to gRPC ModelInfer`, '"y"', "3", "2"],
    },
  },
  {
    fault: "unknown datatype",
    outcome: "ProtocolError (internal) naming the datatype, not retried",
    server: answer(
      inferResponse({
        modelName: MODEL,
        outputs: [{ name: "y", datatype: "FP33", shape: [2n] }],
        rawOutputContents: [FP32_12],
      }),
    ),
    attempts: 1,
    error: {
      type: ProtocolError,
      code: "internal",
      model: MODEL,
      message: [`of model "${MODEL}" to gRPC ModelInfer`, "FP33"],
    },
  },
  {
    fault: "UNAVAILABLE storm",
    outcome: "KServeError unavailable (UNAVAILABLE) with the server's message, after 3 attempts",
    server: status(Code.Unavailable, "overloaded"),
    attempts: 3,
    error: { type: KServeError, code: "unavailable", grpcCode: Code.Unavailable, message: ["overloaded", WHERE] },
  },
  {
    fault: "UNAVAILABLE twice, then OK",
    outcome: "success by retry (backoff)",
    server: then(status(Code.Unavailable, "overloaded"), 2),
    attempts: 3,
  },
  {
    fault: "UNAVAILABLE with grpc-retry-pushback-ms 600, then OK",
    outcome: "success by retry, after the wait the server asked for",
    server: then(status(Code.Unavailable, "overloaded", { "grpc-retry-pushback-ms": "600" })),
    attempts: 2,
    atLeastMs: 550,
  },
  {
    fault: "UNAVAILABLE with a garbage pushback, then OK",
    outcome: "success by retry (garbage ignored, backoff applies)",
    server: then(status(Code.Unavailable, "overloaded", { "grpc-retry-pushback-ms": "soon" })),
    attempts: 2,
  },
  {
    fault: "UNAVAILABLE with pushback past the deadline (30 s, deadline 1 s)",
    outcome: "KServeError unavailable at once, without sleeping past the deadline",
    server: status(Code.Unavailable, "overloaded", { "grpc-retry-pushback-ms": "30000" }),
    options: { timeoutMs: 1000 },
    deadlineMs: 300,
    attempts: 1,
    error: { type: KServeError, code: "unavailable", grpcCode: Code.Unavailable, message: ["overloaded"] },
  },
  {
    fault: "HTTP 503 from a proxy with Retry-After, then OK",
    outcome: "success by retry (503 is UNAVAILABLE)",
    server: then(({ stream }) => {
      stream.respond({ ":status": 503, "retry-after": "0" });
      stream.end();
    }),
    attempts: 2,
  },
  {
    fault: "INTERNAL (the model failing)",
    outcome: "KServeError internal (INTERNAL) with the server's message, not retried",
    server: status(Code.Internal, "shape mismatch in model"),
    attempts: 1,
    error: {
      type: KServeError,
      code: "internal",
      grpcCode: Code.Internal,
      message: ["shape mismatch in model", WHERE],
    },
  },
  {
    fault: "no answer at all past the deadline",
    outcome: "TimeoutError (deadline_exceeded) naming the RPC and the limit",
    server: () => undefined,
    options: { timeoutMs: 400 },
    deadlineMs: 400,
    abandons: true,
    attempts: 1,
    error: { type: TimeoutError, code: "deadline_exceeded", message: ["ModelInfer", "400 ms"] },
  },
  {
    fault: "slow-drip response past the deadline",
    outcome: "TimeoutError (deadline_exceeded) naming the RPC and the limit",
    server: ({ stream }) => {
      stream.respond(GRPC_HEADERS);
      let sent = 0;
      const drip = setInterval(() => {
        if (stream.destroyed || sent >= OK.length) return clearInterval(drip);
        stream.write(OK.subarray(sent, ++sent));
      }, 50);
      stream.on("close", () => clearInterval(drip));
    },
    options: { timeoutMs: 500 },
    deadlineMs: 500,
    abandons: true,
    attempts: 1,
    error: { type: TimeoutError, code: "deadline_exceeded", message: ["ModelInfer", "500 ms"] },
  },
  {
    fault: "response larger than the transport's readMaxBytes",
    outcome: "KServeError resource_exhausted (RESOURCE_EXHAUSTED) naming readMaxBytes, not retried",
    server: answer(
      inferResponse({
        modelName: MODEL,
        outputs: [{ name: "y", datatype: "UINT8", shape: [65536n] }],
        rawOutputContents: [new Uint8Array(65536)],
      }),
    ),
    readMaxBytes: 1024,
    attempts: 1,
    error: {
      type: KServeError,
      code: "resource_exhausted",
      grpcCode: Code.ResourceExhausted,
      message: ["readMaxBytes", WHERE],
    },
  },
  {
    fault: "HTTP/2 GOAWAY (NO_ERROR) during the call, which the server then completes",
    outcome: "success, in one attempt (a graceful GOAWAY lets the call finish)",
    server: (turn) => {
      turn.session.goaway(constants.NGHTTP2_NO_ERROR);
      setTimeout(() => answer()(turn), 10);
    },
    attempts: 1,
  },
  {
    fault: "HTTP/2 GOAWAY (NO_ERROR), then the connection closes without an answer, every time",
    outcome: "ConnectionError (unavailable, retryable), after 3 attempts",
    server: goawayThenClose,
    attempts: 3,
    error: { type: ConnectionError, code: "unavailable", retryable: true, message: [WHERE] },
  },
  {
    fault: "HTTP/2 GOAWAY (NO_ERROR), then the connection closes without an answer, once",
    outcome: "success by retry on a new connection",
    server: then(goawayThenClose),
    attempts: 2,
  },
  {
    fault: "HTTP/2 GOAWAY (INTERNAL_ERROR) mid-answer, once",
    outcome: "success by retry on a new connection",
    server: then(partial(({ session }) => session.goaway(constants.NGHTTP2_INTERNAL_ERROR, 0))),
    attempts: 2,
  },
  {
    fault: "RST_STREAM REFUSED_STREAM, every time",
    outcome: "KServeError unavailable (UNAVAILABLE), after 3 attempts",
    server: ({ stream }) => stream.close(constants.NGHTTP2_REFUSED_STREAM),
    attempts: 3,
    error: { type: KServeError, code: "unavailable", grpcCode: Code.Unavailable, message: [WHERE, "reset"] },
  },
  {
    fault: "RST_STREAM REFUSED_STREAM, once",
    outcome: "success by retry",
    server: then(({ stream }) => stream.close(constants.NGHTTP2_REFUSED_STREAM)),
    attempts: 2,
  },
  {
    fault: "RST_STREAM INTERNAL_ERROR mid-answer",
    outcome: "KServeError internal (INTERNAL) naming the reset code, not retried",
    // destroy() resets at once; close(code) would first end the stream cleanly, and the reset would be lost.
    server: partial(({ stream }) => stream.destroy(new Error("model server crashed"))),
    attempts: 1,
    error: { type: KServeError, code: "internal", grpcCode: Code.Internal, message: [WHERE, "reset"] },
  },
  {
    fault: "RST_STREAM CANCEL from the server",
    outcome: "KServeError canceled (CANCELED), not retried",
    server: ({ stream }) => stream.close(constants.NGHTTP2_CANCEL),
    attempts: 1,
    error: { type: KServeError, code: "canceled", grpcCode: Code.Canceled, message: [WHERE, "reset"] },
  },
];

function client(c: FaultCase, baseUrl: string, options: Partial<GrpcClientOptions>, readMaxBytes?: number) {
  const transport = createNodeGrpcTransport({ baseUrl, ...(readMaxBytes === undefined ? {} : { readMaxBytes }) });
  c.defer(() => transport.close());
  return createGrpcClient({ transport, timeoutMs: DEADLINE_MS, retry: FAST_RETRY, ...options });
}

describe("gRPC fault matrix (createGrpcClient on createNodeGrpcTransport)", () => {
  it.each(ROWS)("$fault → $outcome", async (row) => {
    await faultCase((c) =>
      runRow(
        c,
        row,
        grpcServer,
        (url) => client(c, url, row.options ?? {}, row.readMaxBytes).infer(MODEL, { inputs: [input()] }),
        "streams",
      ),
    );
  });

  it("HTTP/2 GOAWAY on an idle connection between two calls → the next call opens a new connection and succeeds", async () => {
    await faultCase(async (c) => {
      const server = await grpcServer((turn) => {
        answer()(turn);
        if (turn.attempt === 1) setTimeout(() => turn.session.goaway(constants.NGHTTP2_NO_ERROR), 10);
      });
      c.defer(() => server.close());
      const grpc = client(c, server.url, {});
      expect((await c.timed(DEADLINE_MS, () => grpc.infer(MODEL, { inputs: [input()] }))).ok).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 50)); // the GOAWAY has arrived
      const second = await c.timed(DEADLINE_MS, () => grpc.infer(MODEL, { inputs: [input()] }));
      expect(second.error).toBeUndefined();
      expect(server.requests).toHaveLength(2);
    });
  });

  it("redirect (HTTP 307) to another origin with credentials set → not followed: the other origin sees no request", async () => {
    await faultCase(async (c) => {
      const other = await grpcServer(answer());
      c.defer(() => other.close());
      const origin = await grpcServer(({ stream }) => {
        stream.respond({ ":status": 307, location: `${other.url}/inference.GRPCInferenceService/ModelInfer` });
        stream.end();
      });
      c.defer(() => origin.close());
      const grpc = client(c, origin.url, { auth: { bearer: "s3cret-token" } });
      const settled = await c.timed(DEADLINE_MS, () => grpc.infer(MODEL, { inputs: [input()] }));
      expect(settled.ok).toBe(false);
      const error = settled.error as KServeError;
      expect(error).toBeInstanceOf(KServeError);
      expect(error.message).toContain("HTTP 307");
      expect(error.message).toContain(
        `redirected to ${other.url}/inference.GRPCInferenceService/ModelInfer, which gRPC does not follow`,
      );
      expect(error.message).toContain("use the final address as baseUrl");
      expect(error.message).not.toContain("s3cret-token");
      expect(origin.requests).toHaveLength(1);
      expect(origin.requests[0]!.headers["authorization"]).toBe("Bearer s3cret-token");
      expect(other.requests, "requests that reached the other origin").toEqual([]);
    });
  });
});
