/// <reference types="node" />
/**
 * Node's side of the pure KServe handlers: a request read into a {@link MockRequest}, a {@link MockResponse}
 * written back with its faults (delays, hangs, resets, truncation, chunked bodies). Shared by the model server of
 * `startMockKServe` and the mock cluster's gateway, over HTTP/1.1 and HTTP/2 (the compatibility API) alike.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { constants, type Http2ServerRequest, type Http2ServerResponse } from "node:http2";
import type { MockRequest, MockResponse } from "../answers.js";

/** A request of either server. */
export type NodeRequest = IncomingMessage | Http2ServerRequest;
/** A response of either server. */
export type NodeResponse = ServerResponse | Http2ServerResponse;

/** The request with its whole body, header names in lower case (HTTP/2 pseudo-headers left out). */
export async function readMockRequest(req: NodeRequest): Promise<MockRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return {
    method: req.method ?? "GET",
    path: req.url ?? "/",
    headers: lowerCaseHeaders(req),
    body: new Uint8Array(Buffer.concat(chunks)),
  };
}

/** Header names in lower case, repeated headers joined with ", "; pseudo-headers (`:path`) left out. */
export function lowerCaseHeaders(req: NodeRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(":")) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** What writing an answer needs of either response type. */
interface ResponseWriter {
  writeHead(status: number, headers: Record<string, string>): unknown;
  write(chunk: Uint8Array): unknown;
  end(chunk: Uint8Array): unknown;
}

/** Write `answer`, playing its fault. */
export function sendMockResponse(res: NodeResponse, answer: MockResponse): void {
  const out: ResponseWriter = res;
  const { fault } = answer;
  if (fault !== undefined && "reset" in fault) return abort(res);
  if (fault !== undefined && "hang" in fault) return; // never answers; closing the server ends it
  const write = () => {
    const headers: Record<string, string> = { ...answer.headers };
    if (!answer.chunked) headers["content-length"] = String(answer.body.byteLength);
    out.writeHead(answer.status, headers);
    if (fault !== undefined && "truncateAt" in fault) {
      out.write(answer.body.subarray(0, fault.truncateAt));
      setTimeout(() => abort(res), 10); // after the partial body has left
      return;
    }
    if (answer.chunked) {
      // Two writes with no Content-Length: chunked transfer, as uvicorn sends KServe's binary answers.
      const half = Math.floor(answer.body.byteLength / 2);
      out.write(answer.body.subarray(0, half));
      out.end(answer.body.subarray(half));
      return;
    }
    out.end(answer.body);
  };
  if (fault !== undefined && "delayMs" in fault) setTimeout(write, fault.delayMs);
  else write();
}

/** Cut the exchange: the connection (HTTP/1.1) or the stream (HTTP/2). */
function abort(res: NodeResponse): void {
  if ("stream" in res) res.stream.close(constants.NGHTTP2_INTERNAL_ERROR);
  else res.socket?.destroy();
}
