/**
 * The HttpClient seam: one request in, one response out. The fetch client (everywhere) and the undici client
 * (Node) implement it; tests and users can pass their own.
 */
import { KServeError } from "../errors/kserve-error.js";
import { WIRE_HEADERS } from "../internal/wire-headers.js";

export { WIRE_HEADERS };

/** One HTTP request, as the request loop hands it to an {@link HttpClient}. */
export interface HttpRequest {
  method: "GET" | "POST";
  /** Absolute URL: the client's `baseUrl` plus the endpoint path. */
  url: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The body as bytes, or as chunks to send in order (the binary extension's header and tensor sections). */
  body?: Uint8Array | readonly Uint8Array[] | undefined;
  /**
   * Ingress routing: connect to `url`'s host but present this name (Host header, TLS SNI, certificate check).
   * Only HttpClients that can do that (Node) accept it.
   */
  host?: string | undefined;
  /** Aborts this attempt: the caller cancelled or the deadline passed. Absent when nothing can abort it. */
  signal?: AbortSignal | undefined;
  /** Stop reading, and fail, past this many response bytes. */
  maxResponseBytes: number;
}

/** The answer: status, headers (names in lower case) and the whole body. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/**
 * Sends one request. Resolves with any HTTP answer (non-2xx included); rejects with a `ConnectionError` when
 * no complete answer arrives, with the signal's reason when aborted, and with a `resource_exhausted`
 * KServeError past `maxResponseBytes`.
 */
export type HttpClient = ((request: HttpRequest) => Promise<HttpResponse>) & {
  /** False for clients that cannot present `host` (fetch), so clients can refuse it at construction. */
  readonly supportsHost?: boolean;
};

/**
 * Wraps an HttpClient: sees every attempt's request and response, may change either. The first interceptor in
 * a list is the outermost.
 */
export type Interceptor = (next: HttpClient) => HttpClient;

/** `client` wrapped by `interceptors`, the first outermost. */
export function applyInterceptors(client: HttpClient, interceptors: readonly Interceptor[] = []): HttpClient {
  return interceptors.reduceRight((next, interceptor) => interceptor(next), client);
}

/** An HttpRequest that may carry {@link WIRE_HEADERS}. Internal. */
export type NotedRequest = HttpRequest & { [WIRE_HEADERS]?: Record<string, string>[] };

/** Default response limit: far above any sane inference response, yet a broken server cannot exhaust memory. */
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

/** The error for a response past `maxResponseBytes`. Internal. */
export function tooLarge(url: string, limit: number, seen: number): KServeError {
  return new KServeError(
    "resource_exhausted",
    `The response from ${url} is larger than maxResponseBytes (${seen} bytes read, limit ${limit}). Raise maxResponseBytes if the answer is expected to be this big.`,
  );
}
