/**
 * The Node HttpClient on undici's dispatcher API (`request`, keep-alive pools; not `fetch`, which is slower
 * and cannot route by Host). Ingress routing: connect to the URL's address, present `host` as the Host header,
 * the TLS SNI name and the name the certificate is checked against.
 */
import { type Dispatcher, Pool } from "undici";
import { ConfigError, KServeError } from "../core/errors.js";
import { alertBehind, connectorNotingAlerts, networkError, type TlsAlerts } from "./connection-errors.js";
import { type NodeTlsOptions, stripPort, tlsConnectOptions } from "./tls.js";
import { type HttpClient, type HttpRequest, type HttpResponse, tooLarge } from "../core/http.js";
import { concatChunks } from "../internal/bytes.js";

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
  // Bun answers `import "undici"` with a module of its own on fetch, whose Pool has no dispatcher API: without this
  // check every call would fail with "dispatch is not a function". Bun's export condition gives the root, /v1 and /v2
  // entries the fetch build, so this is met only by naming createNodeHttpClient there.
  if (typeof Pool.prototype.dispatch !== "function") {
    throw new ConfigError(
      "createNodeHttpClient needs undici's dispatcher API, and this runtime's undici module has none (Bun replaces undici with its own, on fetch). " +
        "Leave httpClient unset to use fetch here; to route by Host, call the InferenceService's own hostname instead.",
    );
  }
  const alerts: TlsAlerts = new Map();
  const poolOptions: Pool.Options = {
    connections: options.connections ?? 128,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 4000,
    allowH2: options.allowH2 ?? false,
    connect: connectorNotingAlerts({ ...tlsConnectOptions(options.tls), allowH2: options.allowH2 ?? false }, alerts),
    // undici's own 300 s limits on waiting for headers and between body chunks would cut (and, as connection
    // failures, retry) a long inference; the caller's timeoutMs is the limit.
    headersTimeout: 0,
    bodyTimeout: 0,
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
    const headers: Record<string, string> =
      request.host === undefined && !chunked ? request.headers : { ...request.headers };
    if (request.host !== undefined) headers["host"] = request.host;
    if (chunked) {
      // Chunks are written one after another; the length is declared so the body is not sent chunked.
      headers["content-length"] = String(body.reduce((n, c) => n + c.byteLength, 0));
    }
    return new Promise<HttpResponse>((resolve, reject) => {
      poolFor(request.host, origin).dispatch(
        {
          origin,
          path,
          method: request.method,
          headers,
          body: body as Dispatcher.DispatchOptions["body"],
          // undici reads Host for SNI too; said here explicitly because certificate checks depend on it.
          ...(request.host === undefined ? {} : { servername: stripPort(request.host) }),
        } as Dispatcher.DispatchOptions,
        new ResponseCollector(request, resolve, reject, alerts),
      );
    });
  };

  return Object.assign(client, {
    close: async () => {
      const all = [...pools.values()].flatMap((byOrigin) => [...byOrigin.values()]);
      pools.clear();
      await Promise.all(all.map((pool) => pool.close()));
    },
  });
}

/**
 * Collects one answer straight from undici's dispatcher: status, headers, and the body as its chunks, joined
 * once at the end. `Pool.request` would wrap the body in a Readable stream first, which costs more per small
 * call than everything else the SDK does (BENCHMARKS.md).
 */
class ResponseCollector implements Dispatcher.DispatchHandler {
  private status = 0;
  private headers: Record<string, string> = {};
  private readonly chunks: Uint8Array[] = [];
  private total = 0;
  private controller: Dispatcher.DispatchController | undefined;
  private done = false;

  constructor(
    private readonly request: HttpRequest,
    private readonly resolve: (response: HttpResponse) => void,
    private readonly reject: (error: unknown) => void,
    private readonly alerts: TlsAlerts,
  ) {
    // Listened to from the start: undici starts a request only once it has a connected socket, and a deadline
    // or a cancel must end the call while it waits for one (a busy pool, a host that does not answer).
    if (request.signal?.aborted) this.fail(request.signal.reason);
    else request.signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    // Ended while queued or connecting: never sent.
    if (this.done) return controller.abort(this.request.signal?.reason ?? new Error("request ended before it started"));
  }

  private readonly onAbort = () => {
    const reason = this.request.signal?.reason;
    if (this.controller !== undefined) this.controller.abort(reason);
    else this.fail(reason);
  };

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    raw: Record<string, string | string[] | undefined>,
  ): void {
    // 1xx informational answers come before the real one; only the last counts.
    this.status = statusCode;
    const headers: Record<string, string> = {};
    for (const name in raw) {
      const value = raw[name];
      if (value !== undefined) headers[name.toLowerCase()] = typeof value === "string" ? value : value.join(", ");
    }
    this.headers = headers;
    const declared = headers["content-length"];
    if (declared !== undefined && Number(declared) > this.request.maxResponseBytes) {
      this.fail(tooLarge(this.request.url, this.request.maxResponseBytes, Number(declared)));
      controller.abort(new Error("response too large"));
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.total += chunk.byteLength;
    if (this.total > this.request.maxResponseBytes) {
      this.fail(tooLarge(this.request.url, this.request.maxResponseBytes, this.total));
      controller.abort(new Error("response too large"));
      return;
    }
    // A plain Uint8Array (not a Buffer) over the socket's bytes: decoded views and BYTES elements are made of it.
    this.chunks.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }

  onResponseEnd(): void {
    if (this.done) return;
    this.done = true;
    this.request.signal?.removeEventListener("abort", this.onAbort);
    this.resolve({ status: this.status, headers: this.headers, body: concatChunks(this.chunks, this.total) });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    const signal = this.request.signal;
    if (signal?.aborted) return this.fail(signal.reason);
    // undici starts a request (onRequestStart) once it has a connection: a failure after that is no failure to connect.
    const what =
      this.controller === undefined
        ? "could not connect"
        : this.status === 0
          ? "the connection closed before an answer came"
          : "the response broke off";
    this.fail(
      error instanceof KServeError ? error : networkError(alertBehind(error, this.alerts) ?? error, this.request, what),
    );
  }

  private fail(error: unknown): void {
    if (this.done) return;
    this.done = true;
    this.request.signal?.removeEventListener("abort", this.onAbort);
    this.reject(error);
  }
}

/** `http://h:1/a?b` → origin `http://h:1`, path `/a?b`; cheaper than new URL() per request. */
function splitUrl(url: string): { origin: string; path: string } {
  const slash = url.indexOf("/", url.indexOf("//") + 2);
  return slash === -1 ? { origin: url, path: "/" } : { origin: url.slice(0, slash), path: url.slice(slash) };
}
