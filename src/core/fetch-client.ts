/**
 * The HttpClient on `fetch`: what browsers and edge runtimes use, and what any runtime can fall back to.
 */
import { ConfigError, ConnectionError } from "./errors.js";
import { type HttpClient, type HttpRequest, type HttpResponse, tooLarge } from "./http.js";
import { concatChunks } from "../internal/bytes.js";
import { describe, FETCH_FAILURE_HINT } from "../internal/fetch-failures.js";

/** Options of {@link createFetchHttpClient}. */
export interface FetchHttpClientOptions {
  /** The fetch to call; default: `globalThis.fetch`, looked up at each call so polyfills and mocks apply. */
  fetch?: typeof globalThis.fetch | undefined;
}

/**
 * An HttpClient on `fetch`: the default in browsers and edge runtimes, and the one to use under Node when a fetch
 * mock must see the calls (msw's `setupServer` patches `globalThis.fetch`, not undici, which the Node default
 * uses). Without a `fetch` option it looks up `globalThis.fetch` at every call, so a client made before the mock
 * starts still goes through it. It cannot route by Host (fetch forbids setting it): a request with `host` is
 * refused.
 *
 * @example
 * ```ts
 * const client = createV2Client({ baseUrl: "http://models.kserve.test", httpClient: createFetchHttpClient() });
 * ```
 */
export function createFetchHttpClient(options: FetchHttpClientOptions = {}): HttpClient {
  const client = async (request: HttpRequest): Promise<HttpResponse> => {
    if (request.host !== undefined) {
      throw new ConfigError(
        `Cannot present host "${request.host}" through fetch: fetch does not let a caller set the Host header or TLS name. ` +
          "Use the InferenceService's own hostname in baseUrl (with DNS or a proxy that reaches the ingress), or use the Node client.",
      );
    }
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== "function") {
      throw new ConfigError(
        "No fetch is available in this runtime; pass one as the `fetch` option, or an `httpClient`.",
      );
    }
    let response: Response;
    try {
      // Called as a plain function: some runtimes throw "Illegal invocation" for fetch called on another `this`.
      response = await fetchImpl(request.url, {
        method: request.method,
        headers: request.headers,
        body: requestBody(request.body),
        signal: request.signal ?? null,
        // Redirects are not followed, so credentials never travel to another origin; a 3xx is an answer.
        redirect: "manual",
      });
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason;
      // msw refusing a request no handler matched (onUnhandledRequest: "error") fails the same way every time.
      const unhandledByMock = error instanceof Error && error.message.startsWith("[MSW]");
      throw new ConnectionError(`Could not reach ${request.url}: ${describe(error)}.${FETCH_FAILURE_HINT}`, {
        cause: error,
        retryable: !unhandledByMock,
      });
    }
    if (response.type === "opaqueredirect" || response.status === 0) {
      // A browser's view of a redirect that was not followed: no status, no headers.
      throw new ConnectionError(
        `${request.url} answered with a redirect, which kserve-client does not follow (credentials must not travel to another origin). Use the final address as baseUrl.`,
        { retryable: false },
      );
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    return { status: response.status, headers, body: await readBody(response, request) };
  };
  return Object.assign(client, { supportsHost: false });
}

function requestBody(body: HttpRequest["body"]): BodyInit | null {
  if (body === undefined) return null;
  if (body instanceof Uint8Array) return body as BodyInit;
  // A Blob joins the chunks natively: no copy in JavaScript.
  return new Blob(body as unknown as BlobPart[]);
}

/** The whole body, read chunk by chunk so that `maxResponseBytes` stops a runaway answer early. */
async function readBody(response: Response, request: HttpRequest): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > request.maxResponseBytes) {
        void reader.cancel().catch(() => {});
        throw tooLarge(request.url, request.maxResponseBytes, total);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (request.signal?.aborted) throw request.signal.reason;
    if (error instanceof Error && "code" in error && (error as { code: unknown }).code === "resource_exhausted")
      throw error;
    throw new ConnectionError(`The response from ${request.url} broke off: ${describe(error)}.`, { cause: error });
  }
  return concatChunks(chunks, total);
}
