/**
 * The fault matrix over REST (issue 8), run through both HttpClients: undici (`createNodeHttpClient`) and fetch
 * (`createV2Client({ fetch })`). Each row is one scripted loopback server behaviour and the outcome the SDK must
 * end in: the right typed error (class, code, retryable, a message that names what matters) or a success by
 * retry, within the call's deadline, with no unhandled rejection and nothing left open (leaks.ts).
 */
import { describe, expect, it } from "vitest";
import {
  ConnectionError,
  HttpError,
  KServeError,
  ProtocolError,
  TimeoutError,
  type V2Client,
  type V2ClientOptions,
  createV2Client,
} from "kserve-client";
import { createNodeHttpClient } from "kserve-client/node";
import { type FaultCase, faultCase } from "./leaks.js";
import { DEADLINE_MS, FAST_RETRY, input, type MatrixRow, MODEL, runRow } from "./matrix.js";
import { restServer, type RestTurn } from "./servers.js";

const JSON_OK = JSON.stringify({
  model_name: MODEL,
  outputs: [{ name: "y", datatype: "FP32", shape: [2], data: [1, 2] }],
});

/** A 200 with this body and headers, Content-Length set. */
const answer =
  (body: string | Buffer, headers: Record<string, string> = { "content-type": "application/json" }, status = 200) =>
  ({ res }: RestTurn) => {
    res.writeHead(status, { ...headers, "content-length": String(Buffer.byteLength(body)) });
    res.end(body);
  };

/** A binary-extension answer: the JSON header, then `tail`; the header length as `declared` says (default: true). */
function binaryAnswer(tail: Buffer, declared?: string): (turn: RestTurn) => void {
  const header = JSON.stringify({
    model_name: MODEL,
    outputs: [{ name: "y", datatype: "FP32", shape: [2], parameters: { binary_data_size: 8 } }],
  });
  return answer(Buffer.concat([Buffer.from(header), tail]), {
    "inference-header-content-length": declared ?? String(Buffer.byteLength(header)),
  });
}
const EIGHT_BYTES = Buffer.from(new Float32Array([1, 2]).buffer);

/** Raw bytes straight onto the socket, bypassing node:http's framing. */
const raw = (socket: RestTurn["socket"], text: string) => socket.write(text);

type ClientOptions = Pick<V2ClientOptions, "timeoutMs" | "retry" | "maxResponseBytes" | "auth">;

/** The two HttpClients every row runs on. */
const CLIENTS: [string, (c: FaultCase, baseUrl: string, options: ClientOptions) => V2Client][] = [
  [
    "undici",
    (c, baseUrl, options) => {
      const httpClient = createNodeHttpClient();
      c.defer(() => httpClient.close());
      return createV2Client({ baseUrl, httpClient, ...options });
    },
  ],
  ["fetch", (_c, baseUrl, options) => createV2Client({ baseUrl, fetch: globalThis.fetch, ...options })],
];

interface Row extends MatrixRow<RestTurn> {
  options?: ClientOptions;
}

const inferUrl = `/v2/models/${MODEL}/infer`;

const ROWS: Row[] = [
  {
    fault: "connection refused",
    outcome: "ConnectionError (unavailable, retryable) naming the URL and ECONNREFUSED, after the retries",
    attempts: 0,
    error: {
      type: ConnectionError,
      code: "unavailable",
      retryable: true,
      attempts: 3,
      message: ["{url}" + inferUrl, "ECONNREFUSED"],
    },
  },
  {
    fault: "reset before the response, every time",
    outcome: "ConnectionError (unavailable, retryable) naming the URL and ECONNRESET, after 3 attempts",
    server: ({ socket }) => socket.resetAndDestroy(),
    attempts: 3,
    // The connection was made: "could not connect" would send the reader to check the address.
    error: {
      type: ConnectionError,
      code: "unavailable",
      retryable: true,
      message: ["{url}" + inferUrl, "ECONNRESET"],
      absent: ["could not connect"],
    },
  },
  {
    fault: "reset before the response, once",
    outcome: "success by retry",
    server: (turn) => (turn.attempt === 1 ? turn.socket.resetAndDestroy() : answer(JSON_OK)(turn)),
    attempts: 2,
  },
  {
    fault: "reset during the response body",
    outcome: "ConnectionError (unavailable, retryable) saying the response broke off, after 3 attempts",
    server: ({ res, socket }) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      res.write(JSON_OK.slice(0, 20));
      setTimeout(() => socket.resetAndDestroy(), 10);
    },
    attempts: 3,
    error: { type: ConnectionError, code: "unavailable", retryable: true, message: ["{url}" + inferUrl] },
  },
  {
    fault: "reset during the response body, once",
    outcome: "success by retry",
    server: (turn) => {
      if (turn.attempt > 1) return answer(JSON_OK)(turn);
      turn.res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      turn.res.write(JSON_OK.slice(0, 20));
      setTimeout(() => turn.socket.resetAndDestroy(), 10);
    },
    attempts: 2,
  },
  {
    fault: "server closes mid-chunk (chunked body, FIN inside a chunk)",
    outcome: "ConnectionError (unavailable, retryable), never a truncated success",
    server: ({ socket }) => {
      raw(socket, "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n");
      raw(socket, `${(200).toString(16)}\r\n${JSON_OK.slice(0, 30)}`);
      setTimeout(() => socket.end(), 10);
    },
    attempts: 3,
    error: { type: ConnectionError, code: "unavailable", retryable: true, message: ["{url}" + inferUrl] },
  },
  {
    fault: "server closes before the declared Content-Length (FIN)",
    outcome: "ConnectionError (unavailable, retryable)",
    server: ({ socket }) => {
      raw(
        socket,
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${JSON_OK.length + 100}\r\n\r\n${JSON_OK}`,
      );
      setTimeout(() => socket.end(), 10);
    },
    attempts: 3,
    error: { type: ConnectionError, code: "unavailable", retryable: true, message: ["{url}" + inferUrl] },
  },
  {
    fault: "truncated binary tail (fewer tensor bytes than binary_data_size)",
    outcome: "ProtocolError (internal) naming the output, not retried",
    server: binaryAnswer(EIGHT_BYTES.subarray(0, 5)),
    attempts: 1,
    error: {
      type: ProtocolError,
      code: "internal",
      model: MODEL,
      message: [`of model "${MODEL}" to POST {url}${inferUrl}`, '"y"'],
    },
  },
  {
    fault: "inference-header-content-length larger than the body",
    outcome: "ProtocolError (internal) naming the header, not retried",
    server: binaryAnswer(EIGHT_BYTES, "100000"),
    attempts: 1,
    error: {
      type: ProtocolError,
      code: "internal",
      model: MODEL,
      message: [`of model "${MODEL}" to POST {url}${inferUrl}`, "inference-header-content-length", "100000"],
    },
  },
  {
    fault: "inference-header-content-length negative",
    outcome: "ProtocolError (internal) naming the header, not retried",
    server: binaryAnswer(EIGHT_BYTES, "-5"),
    attempts: 1,
    error: {
      type: ProtocolError,
      code: "internal",
      model: MODEL,
      message: [`of model "${MODEL}" to POST {url}${inferUrl}`, "inference-header-content-length", "-5"],
    },
  },
  {
    fault: "inference-header-content-length not a number",
    outcome: "ProtocolError (internal) naming the header, not retried",
    server: binaryAnswer(EIGHT_BYTES, "abc"),
    attempts: 1,
    error: {
      type: ProtocolError,
      code: "internal",
      model: MODEL,
      message: [`of model "${MODEL}" to POST {url}${inferUrl}`, "inference-header-content-length", "abc"],
    },
  },
  {
    fault: "malformed JSON",
    outcome: "ProtocolError (internal) saying it is not JSON, not retried",
    server: answer(`{"model_name": "${MODEL}", "outputs": [`),
    attempts: 1,
    error: {
      type: ProtocolError,
      code: "internal",
      model: MODEL,
      message: [`of model "${MODEL}" to POST {url}${inferUrl}`, /JSON/],
    },
  },
  {
    fault: "valid JSON of the wrong shape (outputs is not a list)",
    outcome: "ProtocolError (internal) naming the field, not retried",
    server: answer(JSON.stringify({ model_name: MODEL, outputs: "y" })),
    attempts: 1,
    error: {
      type: ProtocolError,
      code: "internal",
      model: MODEL,
      message: [`of model "${MODEL}" to POST {url}${inferUrl}`, "outputs"],
    },
  },
  {
    fault: "data length contradicting shape",
    outcome: "ProtocolError (internal) naming the tensor, expected and got, not retried",
    server: answer(
      JSON.stringify({ model_name: MODEL, outputs: [{ name: "y", datatype: "FP32", shape: [3], data: [1, 2] }] }),
    ),
    attempts: 1,
    error: {
      type: ProtocolError,
      code: "internal",
      model: MODEL,
      message: [`of model "${MODEL}" to POST {url}${inferUrl}`, '"y"', "3", "2"],
    },
  },
  {
    fault: "unknown datatype",
    outcome: "ProtocolError (internal) naming the datatype, not retried",
    server: answer(
      JSON.stringify({ model_name: MODEL, outputs: [{ name: "y", datatype: "FP33", shape: [2], data: [1, 2] }] }),
    ),
    attempts: 1,
    error: {
      type: ProtocolError,
      code: "internal",
      model: MODEL,
      message: [`of model "${MODEL}" to POST {url}${inferUrl}`, "FP33"],
    },
  },
  {
    fault: "503 storm without Retry-After",
    outcome: "HttpError 503 (unavailable) with the server's message and the URL, after 3 attempts",
    server: answer(JSON.stringify({ error: "overloaded" }), { "content-type": "application/json" }, 503),
    attempts: 3,
    error: {
      type: HttpError,
      code: "unavailable",
      status: 503,
      message: ["overloaded", "HTTP 503", "{url}" + inferUrl],
    },
  },
  {
    fault: "503 twice without Retry-After, then 200",
    outcome: "success by retry (backoff)",
    server: (turn) => answer(turn.attempt < 3 ? "busy" : JSON_OK, {}, turn.attempt < 3 ? 503 : 200)(turn),
    attempts: 3,
  },
  {
    fault: "502 and 504 from a gateway, then 200",
    outcome: "success by retry",
    server: (turn) => answer(turn.attempt < 3 ? "bad gateway" : JSON_OK, {}, [502, 504, 200][turn.attempt - 1]!)(turn),
    attempts: 3,
  },
  {
    fault: "500 (the model failing on this input)",
    outcome: "HttpError 500 (internal), not retried",
    server: answer(JSON.stringify({ error: "shape mismatch in model" }), {}, 500),
    attempts: 1,
    error: { type: HttpError, code: "internal", status: 500, message: ["shape mismatch in model"] },
  },
  {
    fault: "503 with Retry-After in seconds (1), then 200",
    outcome: "success by retry, after waiting the second the server asked for",
    server: (turn) =>
      answer(turn.attempt === 1 ? "busy" : JSON_OK, { "retry-after": "1" }, turn.attempt === 1 ? 503 : 200)(turn),
    attempts: 2,
    atLeastMs: 950,
  },
  {
    fault: "503 with Retry-After as an HTTP date, then 200",
    outcome: "success by retry, after waiting until that date",
    server: (turn) =>
      answer(
        turn.attempt === 1 ? "busy" : JSON_OK,
        { "retry-after": new Date(Date.now() + 1600).toUTCString() },
        turn.attempt === 1 ? 503 : 200,
      )(turn),
    attempts: 2,
    atLeastMs: 500,
  },
  {
    fault: "503 with a garbage Retry-After, then 200",
    outcome: "success by retry (garbage ignored, backoff applies)",
    server: (turn) =>
      answer(
        turn.attempt === 1 ? "busy" : JSON_OK,
        { "retry-after": "soon-ish" },
        turn.attempt === 1 ? 503 : 200,
      )(turn),
    attempts: 2,
  },
  {
    fault: "503 with Retry-After past the deadline (30 s, deadline 1 s)",
    outcome: "HttpError 503 at once, without sleeping past the deadline",
    server: answer("busy", { "retry-after": "30" }, 503),
    options: { timeoutMs: 1000 },
    deadlineMs: 300,
    attempts: 1,
    error: { type: HttpError, code: "unavailable", status: 503, message: ["HTTP 503", "{url}" + inferUrl] },
  },
  {
    fault: "429 storm with Retry-After: 0",
    outcome: "HttpError 429 (resource_exhausted), after 3 attempts",
    server: answer("slow down", { "retry-after": "0" }, 429),
    attempts: 3,
    error: { type: HttpError, code: "resource_exhausted", status: 429, message: ["HTTP 429"] },
  },
  {
    fault: "no answer at all past the deadline",
    outcome: "TimeoutError (deadline_exceeded) naming the URL and the limit",
    server: () => undefined,
    options: { timeoutMs: 400 },
    deadlineMs: 400,
    abandons: true,
    attempts: 1,
    error: { type: TimeoutError, code: "deadline_exceeded", message: ["{url}" + inferUrl, "400 ms"] },
  },
  {
    fault: "slow-drip response body past the deadline",
    outcome: "TimeoutError (deadline_exceeded) naming the URL and the limit",
    server: ({ res }) => {
      res.writeHead(200, { "content-type": "application/json" });
      let sent = 0;
      const drip = setInterval(() => {
        if (res.destroyed || sent >= JSON_OK.length) return clearInterval(drip);
        res.write(JSON_OK[sent++]!);
      }, 50);
      res.on("close", () => clearInterval(drip));
    },
    options: { timeoutMs: 500 },
    deadlineMs: 500,
    abandons: true,
    attempts: 1,
    error: { type: TimeoutError, code: "deadline_exceeded", message: ["{url}" + inferUrl, "500 ms"] },
  },
  {
    fault: "slow-drip with a per-attempt limit, then a fast answer",
    outcome: "success by retry (the hung attempt is abandoned)",
    server: (turn) => {
      if (turn.attempt > 1) return answer(JSON_OK)(turn);
      turn.res.writeHead(200, { "content-type": "application/json" });
      turn.res.write("{");
    },
    options: { timeoutMs: 2000, retry: { ...FAST_RETRY, attemptTimeoutMs: 200 } },
    deadlineMs: 2000,
    attempts: 2,
  },
  {
    fault: "response larger than maxResponseBytes (declared Content-Length)",
    outcome: "KServeError resource_exhausted naming maxResponseBytes and the URL, not retried",
    server: answer(Buffer.alloc(64 * 1024, 0x20)),
    options: { maxResponseBytes: 1024 },
    attempts: 1,
    error: {
      type: KServeError,
      code: "resource_exhausted",
      message: ["maxResponseBytes", "limit 1024", "{url}" + inferUrl],
    },
  },
  {
    fault: "response larger than maxResponseBytes (chunked, no length)",
    outcome: "KServeError resource_exhausted naming maxResponseBytes, not retried",
    server: ({ res }) => {
      res.writeHead(200, { "content-type": "application/json" });
      for (let i = 0; i < 16; i++) res.write(Buffer.alloc(4096, 0x20));
      res.end();
    },
    options: { maxResponseBytes: 1024 },
    attempts: 1,
    error: { type: KServeError, code: "resource_exhausted", message: ["maxResponseBytes", "limit 1024"] },
  },
];

describe.each(CLIENTS)("REST fault matrix, %s HttpClient", (_name, makeClient) => {
  it.each(ROWS)("$fault → $outcome", async (row) => {
    await faultCase((c) =>
      runRow(
        c,
        row,
        restServer,
        (url) =>
          makeClient(c, url, { timeoutMs: DEADLINE_MS, retry: FAST_RETRY, ...row.options }).infer(
            MODEL,
            { inputs: [input()] },
            { binary: "never" },
          ),
        "connections",
      ),
    );
  });

  it("redirect to another origin with credentials set → not followed: the other origin sees no request, and the error says why", async () => {
    await faultCase(async (c) => {
      const other = await restServer(answer(JSON_OK));
      c.defer(() => other.close());
      const origin = await restServer(({ res }) => {
        res.writeHead(307, { location: `${other.url}${inferUrl}` });
        res.end();
      });
      c.defer(() => origin.close());
      const client = makeClient(c, origin.url, {
        timeoutMs: DEADLINE_MS,
        retry: FAST_RETRY,
        auth: { bearer: "s3cret-token" },
      });
      const settled = await c.timed(DEADLINE_MS, () => client.infer(MODEL, { inputs: [input()] }, { binary: "never" }));
      expect(settled.ok).toBe(false);
      const error = settled.error as HttpError;
      expect(error).toBeInstanceOf(HttpError);
      expect(error.status).toBe(307);
      expect(error.message).toMatch(/redirect/i);
      expect(error.message).toContain(`${other.url}${inferUrl}`);
      expect(error.message).not.toContain("s3cret-token");
      expect(origin.requests).toHaveLength(1);
      expect(origin.requests[0]!.headers["authorization"]).toBe("Bearer s3cret-token");
      expect(other.requests, "requests that reached the other origin").toEqual([]);
    });
  });
});
