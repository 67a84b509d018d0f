/**
 * msw handlers for the fake models: the same V2 and V1 behaviour as startMockKServe, intercepted in-process, for
 * users' own tests of code that calls a model (Node, browsers, anywhere msw runs). msw is an optional peer: the
 * browser build imports it (a bundler reports it missing at build time), the Node build loads it when handlers
 * are made (./msw.node.ts), so that the rest of kserve-client/testing works without it. This module only builds
 * the handlers from the msw it is given.
 */
import type { HttpHandler, HttpResponse, http } from "msw";
import type { FakeModels } from "./models.js";
import { handleKServe } from "./handler.js";

/** Options of {@link createKServeHandlers}. */
export interface KServeHandlersOptions {
  /** The base URL the code under test calls, e.g. `http://kserve.test`. */
  baseUrl: string;
}

/** The parts of msw the handlers are made with. */
export interface Msw {
  http: typeof http;
  HttpResponse: typeof HttpResponse;
}

/** msw request handlers that answer V2 and V1 requests (and KServe's liveness route `/`) under `baseUrl` from `models`. */
export function kserveHandlers(
  { http, HttpResponse }: Msw,
  models: FakeModels,
  options: KServeHandlersOptions,
): HttpHandler[] {
  const base = options.baseUrl.replace(/\/+$/, "");
  const resolver = async ({ request }: { request: Request }) => {
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    const body = new Uint8Array(await request.arrayBuffer());
    const answer = handleKServe(models, {
      method: request.method,
      path: `${url.pathname}${url.search}`,
      headers,
      body,
    });
    if (answer === undefined) return undefined; // not ours: let msw treat it as unhandled
    const { fault } = answer;
    if (fault !== undefined && "reset" in fault) return HttpResponse.error();
    if (fault !== undefined && "hang" in fault) return new Promise<never>(() => {});
    if (fault !== undefined && "delayMs" in fault) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    const payload =
      fault !== undefined && "truncateAt" in fault ? truncatedStream(answer.body, fault.truncateAt) : answer.body;
    return new HttpResponse(payload as BodyInit, { status: answer.status, headers: answer.headers });
  };
  return [
    http.all(`${base}/v2`, resolver),
    http.all(`${base}/v2/*`, resolver),
    http.all(`${base}/v1/*`, resolver),
    http.all(`${base}/`, resolver),
  ];
}

/** A body that delivers its first `bytes` bytes and then fails, as a connection cut mid-body would. */
function truncatedStream(body: Uint8Array, bytes: number): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(body.subarray(0, bytes));
      controller.error(new TypeError("terminated"));
    },
  });
}
