/**
 * The Node HttpClient on undici's dispatcher API (`request`, keep-alive pools; not `fetch`, which is slower
 * and cannot route by Host). Ingress routing: connect to the URL's address, present `host` as the Host header,
 * the TLS SNI name and the name the certificate is checked against.
 */
import { type Dispatcher, Pool } from "undici";
import { ConnectionError, KServeError, TLS_ERROR_CODES } from "../core/errors.js";
import { type NodeTlsOptions, stripPort, tlsConnectOptions } from "./tls.js";
import { concatChunks, type HttpClient, type HttpRequest, type HttpResponse, tooLarge } from "../core/http.js";

export type { NodeTlsOptions } from "./tls.js";

/** Options of {@link createNodeHttpClient}. */
export interface NodeHttpClientOptions {
  /** Connections per origin. Default 128. */
  connections?: number | undefined;
  /** How long an idle connection is kept. Default 4000 ms. */
  keepAliveTimeoutMs?: number | undefined;
  /** Negotiate HTTP/2 over TLS when the server offers it. Default false. */
  allowH2?: boolean | undefined;
  tls?: NodeTlsOptions | undefined;
}

/** An HttpClient that also owns connections: `close()` ends them (tests, graceful shutdown). */
export interface NodeHttpClient extends HttpClient {
  close(): Promise<void>;
}

/** Create the Node HttpClient. Each virtual host gets its own pool, so TLS names never force reconnects. */
export function createNodeHttpClient(options: NodeHttpClientOptions = {}): NodeHttpClient {
  const poolOptions: Pool.Options = {
    connections: options.connections ?? 128,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 4000,
    allowH2: options.allowH2 ?? false,
    connect: tlsConnectOptions(options.tls),
  };
  // One pool per virtual host and origin, looked up in two maps (no key string built per request). Pools are
  // used directly rather than through an Agent, which would only add a layer doing the same lookup.
  const pools = new Map<string | undefined, Map<string, Pool>>();
  const poolFor = (host: string | undefined, origin: string): Pool => {
    let byOrigin = pools.get(host);
    if (byOrigin === undefined) pools.set(host, (byOrigin = new Map()));
    let pool = byOrigin.get(origin);
    if (pool === undefined) byOrigin.set(origin, (pool = new Pool(origin, poolOptions)));
    return pool;
  };

  const client = async (request: HttpRequest): Promise<HttpResponse> => {
    const { origin, path } = splitUrl(request.url);
    const body = request.body;
    const chunked = body !== undefined && !(body instanceof Uint8Array);
    // Copied only when something is added: the caller's headers are never changed.
    const headers: Record<string, string> = request.host === undefined && !chunked ? request.headers : { ...request.headers };
    if (request.host !== undefined) headers["host"] = request.host;
    if (chunked) {
      // Chunks are written one after another; the length is declared so the body is not sent chunked.
      headers["content-length"] = String(body.reduce((n, c) => n + c.byteLength, 0));
    }
    let response: Dispatcher.ResponseData;
    try {
      response = await poolFor(request.host, origin).request({
        path,
        method: request.method,
        headers,
        body: body as Dispatcher.DispatchOptions["body"],
        ...(request.signal === undefined ? {} : { signal: request.signal }),
        // undici reads Host for SNI too; said here explicitly because certificate checks depend on it.
        ...(request.host === undefined ? {} : { servername: stripPort(request.host) }),
      } as Dispatcher.RequestOptions);
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason;
      throw networkError(error, request);
    }
    const responseHeaders: Record<string, string> = {};
    const raw = response.headers;
    for (const name in raw) {
      const value = raw[name];
      if (value !== undefined) responseHeaders[name.toLowerCase()] = typeof value === "string" ? value : value.join(", ");
    }
    return {
      status: response.statusCode,
      headers: responseHeaders,
      body: await readBody(response.body, request, responseHeaders["content-length"]),
    };
  };

  return Object.assign(client, {
    close: async () => {
      const all = [...pools.values()].flatMap((byOrigin) => [...byOrigin.values()]);
      pools.clear();
      await Promise.all(all.map((pool) => pool.close()));
    },
  });
}

async function readBody(body: Dispatcher.ResponseData["body"], request: HttpRequest, declared: string | undefined): Promise<Uint8Array> {
  const length = declared === undefined ? NaN : Number(declared);
  if (length > request.maxResponseBytes) {
    body.destroy();
    throw tooLarge(request.url, request.maxResponseBytes, length);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    // A declared length within the limit: read in one go (undici checks the length), much cheaper than iterating.
    if (Number.isSafeInteger(length)) return new Uint8Array(await body.arrayBuffer());
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      total += chunk.byteLength;
      if (total > request.maxResponseBytes) {
        body.destroy();
        throw tooLarge(request.url, request.maxResponseBytes, total);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (request.signal?.aborted) throw request.signal.reason;
    if (error instanceof KServeError) throw error;
    throw networkError(error, request, "the response broke off");
  }
  return concatChunks(chunks, total);
}


/**
 * A network failure as a ConnectionError, retried by the request loop; a certificate that does not verify is
 * one too, marked not retryable (trying again cannot fix it), and says what to do.
 */
function networkError(error: unknown, request: HttpRequest, what = "could not connect"): KServeError {
  const code = (error as { code?: unknown } | null)?.code;
  const detail = error instanceof Error ? error.message : String(error);
  const name = request.host ?? new URL(request.url).hostname;
  if (typeof code === "string" && TLS_ERROR_CODES.has(code)) {
    return new ConnectionError(
      `The TLS certificate of ${request.url} does not verify for "${name}": ${detail} (${code}). ` +
        "Check `host`, or trust the server's CA with createNodeHttpClient({ tls: { ca } }).",
      { cause: error, retryable: false },
    );
  }
  return new ConnectionError(`${request.url}: ${what}: ${detail}${typeof code === "string" ? ` (${code})` : ""}.`, { cause: error });
}

/** `http://h:1/a?b` → origin `http://h:1`, path `/a?b`; cheaper than new URL() per request. */
function splitUrl(url: string): { origin: string; path: string } {
  const slash = url.indexOf("/", url.indexOf("//") + 2);
  return slash === -1 ? { origin: url, path: "/" } : { origin: url.slice(0, slash), path: url.slice(slash) };
}
