/**
 * `createIngressFetch`: a WHATWG `fetch` for libraries built on fetch (openai-node, the Vercel AI SDK,
 * LangChain.js) that must reach an InferenceService through the ingress gateway. fetch cannot set Host; this one
 * connects to the URL it is given and presents the InferenceService's host as the Host header, the TLS SNI name
 * and the name the certificate is checked against, as `curl -H "Host: …"` does in KServe's docs.
 *
 * It is undici's fetch with a dispatcher that presents the host, so bodies stream both ways as undici streams
 * them (a server-sent event reaches the reader when it arrives) and an AbortSignal ends the connection. Around
 * it: redirects are followed only on that host (redirects.ts), a failure is fetch's TypeError with the SDK's
 * explanation as its `cause`, and the answer is this runtime's own `Response`.
 */
import { Agent, type Dispatcher, fetch as undiciFetch, type Response as UndiciResponse } from "undici";
import { ConfigError, echoForms, HttpError, redactHeaders, scrubSecrets, sentCredentials } from "../core/errors.js";
import { checkVirtualHost } from "../core/request-context.js";
import { alertBehind, connectorNotingAlerts, networkError, type TlsAlerts } from "./connection-errors.js";
import type { NodeHttpClientOptions } from "./http-client.js";
import { isRedirect, redirectStep } from "./redirects.js";
import { stripPort, tlsConnectOptions } from "./tls.js";

/** Options of {@link createIngressFetch}: the host to present, and the connection settings of the Node HttpClient. */
export interface IngressFetchOptions extends NodeHttpClientOptions {
  /**
   * The InferenceService's host name, with its port if it has one (`status.url`'s host, or `endpoint.host` from
   * `resolveEndpoint`): sent as the Host header, the TLS SNI name and the name the certificate is checked against.
   */
  host: string;
}

/** A fetch (`(input, init) => Promise<Response>`) that presents one host, and owns its connections. */
export interface IngressFetch {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** End its connections (tests, graceful shutdown); calling it again waits for the same close. A call after it fails with a TypeError. */
  close(): Promise<void>;
}

/** The most redirects one call follows, as in the fetch standard. */
const MAX_REDIRECTS = 20;

/** The headers that describe a body, removed when a redirect drops it (fetch standard: request-body-header names). */
const BODY_HEADERS = ["content-encoding", "content-language", "content-location", "content-type", "content-length"];

/**
 * A fetch that connects to the URL it is given and presents `host` (Host header, TLS SNI, certificate name),
 * for fetch-based clients of KServe's OpenAI-compatible routes through the ingress gateway. Node only.
 *
 * - Response bodies stream as they arrive; `signal` aborts the request, mid-stream too (the connection closes).
 * - Request bodies may be strings, bytes, Blobs, forms or streams (`duplex: "half"` is added for a stream).
 * - Redirects are followed only on `host` (and the gateway's own address); one elsewhere fails rather than send
 *   the request's credentials to another host.
 * - A failure is a `TypeError("fetch failed")`, as fetch users expect, whose `cause` is the SDK's error saying
 *   what happened (a refused connection, a certificate that does not verify for `host`) and what to do. No
 *   credential the request carried appears in it.
 * - There is no idle limit of its own: your `signal` (openai-node's `timeout`) is the limit.
 *
 * @example
 * ```ts
 * import OpenAI from "openai";
 * const fetch = createIngressFetch({ host: "qwen.kserve-test.example.com" });
 * const openai = new OpenAI({ baseURL: "http://127.0.0.1:8080/openai/v1", apiKey: "unused", fetch });
 * ```
 * @throws {ConfigError} when `host` is not a hostname (with an optional port)
 */
export function createIngressFetch(options: IngressFetchOptions): IngressFetch {
  if (typeof options !== "object" || options === null) {
    throw new ConfigError(
      `createIngressFetch takes { host, tls?, connections?, keepAliveTimeoutMs?, allowH2? }, got ${String(options)}.`,
    );
  }
  const host = checkVirtualHost(options.host, "host");
  const alerts: TlsAlerts = new Map();
  const allowH2 = options.allowH2 ?? false;
  const agent = new Agent({
    connections: options.connections ?? 128,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 4000,
    allowH2,
    connect: connectorNotingAlerts({ ...tlsConnectOptions(options.tls), allowH2 }, alerts),
    // undici's own 300 s limits would cut a model that thinks between tokens; the caller's signal is the limit.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  const dispatcher = agent.compose(presentHost(host));
  let closed = false;

  const ingressFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (closed) throw failed(new ConfigError("This ingress fetch was closed (close()); create another one."));
    const request = outgoing(input, init);
    const secrets = echoForms(sentCredentials(request.headers));
    const clean = (text: string) => (secrets.length === 0 ? text : scrubSecrets(text, secrets));
    let { url, method, headers, body } = request;
    for (let redirects = 0; ; redirects++) {
      let response: UndiciResponse;
      try {
        response = await undiciFetch(url, {
          ...request.rest,
          method,
          headers,
          body: body ?? null,
          signal: request.signal ?? null,
          redirect: "manual",
          dispatcher,
          ...(replayable(body) ? {} : { duplex: "half" as const }),
        } as Parameters<typeof undiciFetch>[1]);
      } catch (error) {
        if (request.signal?.aborted) throw error; // the caller's abort, as fetch reports it
        throw explain(error, { url: shown(url), host }, alerts);
      }
      const location = response.headers.get("location");
      if (!isRedirect(response.status) || location === null || request.redirect === "manual") {
        return asResponse(response, url, redirects > 0);
      }
      await response.body?.cancel().catch(() => {});
      const where = `${method} ${shown(url)} was redirected (HTTP ${response.status}) to ${clean(location)}`;
      const refuse = (why: string) => {
        const answer = redactHeaders(Object.fromEntries(response.headers));
        for (const name of Object.keys(answer)) answer[name] = clean(answer[name]!);
        return failed(new HttpError(`${where}: ${why}`, { status: response.status, headers: answer }));
      };
      if (request.redirect === "error") throw refuse('this request\'s redirect mode is "error".');
      if (redirects === MAX_REDIRECTS) throw refuse(`that is more than ${MAX_REDIRECTS} redirects.`);
      const step = redirectStep({ url, host, status: response.status, location, method });
      if (!step.follow) {
        throw refuse(
          `${step.reason}. createIngressFetch follows redirects only on the host it presents; call the new address with a fetch of its own.`,
        );
      }
      if (step.dropBody) {
        body = undefined;
        headers = new Headers(headers);
        for (const name of BODY_HEADERS) headers.delete(name);
      } else if (!replayable(body)) {
        throw refuse("its body was a stream, which cannot be sent again (fetch refuses this redirect too).");
      }
      ({ url, method } = step);
    }
  };

  let closing: Promise<void> | undefined;
  return Object.assign(ingressFetch, {
    close: () => {
      closed = true;
      return (closing ??= agent.close());
    },
  });
}

/** The interceptor that presents `host` on every request: the Host header, and the SNI and certificate name. */
function presentHost(host: string): Dispatcher.DispatcherComposeInterceptor {
  const servername = stripPort(host);
  return (dispatch) => (options, handler) =>
    dispatch(
      // undici derives SNI from Host too; said explicitly because the certificate check depends on it.
      { ...options, headers: withHost(options.headers, host), servername } as Dispatcher.DispatchOptions,
      handler,
    );
}

/** `headers` (any form undici takes) with `host` as the Host header, replacing one the caller set. */
function withHost(headers: Dispatcher.DispatchOptions["headers"], host: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const add = (name: string, value: string | string[] | undefined) => {
    if (value !== undefined && name.toLowerCase() !== "host") out[name] = value;
  };
  if (Array.isArray(headers)) for (let i = 0; i + 1 < headers.length; i += 2) add(headers[i]!, headers[i + 1]!);
  else if (headers != null && Symbol.iterator in headers) for (const [name, value] of headers) add(name, value);
  else if (headers != null) for (const [name, value] of Object.entries(headers)) add(name, value);
  out["host"] = host;
  return out;
}

/** What one call sends: `input` and `init` read as fetch reads them (init's members win over a Request's). */
interface Outgoing {
  url: string;
  method: string;
  headers: Headers;
  body: BodyInit | null | undefined;
  signal: AbortSignal | null | undefined;
  redirect: RequestRedirect;
  /** The other RequestInit members, passed on as they are. */
  rest: RequestInit;
}

function outgoing(input: string | URL | Request, init: RequestInit): Outgoing {
  const { method, headers, body, signal, redirect, ...rest } = init;
  const request = typeof input === "object" && !(input instanceof URL) ? input : undefined;
  if (request?.bodyUsed && body === undefined) throw new TypeError("The Request's body was already read.");
  const url = request === undefined ? String(input) : request.url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new TypeError("createIngressFetch needs an absolute http(s) URL, such as the gateway's address and a path.", {
      cause: error,
    });
  }
  if (parsed.username !== "" || parsed.password !== "") {
    // Said without the URL, which holds them.
    throw new TypeError(
      "The URL carries credentials (user:password@), which fetch does not send; pass them as a header (Authorization) instead.",
    );
  }
  return {
    url,
    method: (method ?? request?.method ?? "GET").toUpperCase(),
    headers: new Headers(headers ?? request?.headers),
    body: body !== undefined ? body : request?.body,
    signal: signal !== undefined ? signal : request?.signal,
    redirect: redirect ?? request?.redirect ?? "follow",
    rest,
  };
}

/** The URL as messages show it: origin and path, without a query (which may carry a key). */
function shown(url: string): string {
  const { origin, pathname } = new URL(url);
  return `${origin}${pathname}`;
}

/** fetch's TypeError for a failure, with the SDK's error (what happened, what to do) as its cause. */
function failed(cause: Error): TypeError {
  return new TypeError("fetch failed", { cause });
}

/** undici's failure as fetch's TypeError whose cause says what happened; anything not undici's network failure as it is. */
function explain(error: unknown, target: { url: string; host: string }, alerts: TlsAlerts): unknown {
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (!(error instanceof TypeError) || error.message !== "fetch failed" || cause === undefined) return error;
  const closedEarly = (cause as { code?: unknown }).code === "UND_ERR_SOCKET";
  const what = closedEarly ? "the connection closed before an answer came" : "could not connect";
  return failed(networkError(alertBehind(cause, alerts) ?? cause, target, what, "createIngressFetch"));
}

/**
 * Whether `body` can be sent again (a redirect that keeps it): anything but a stream or an async iterable, which
 * are read as they are sent (and need `duplex: "half"`).
 */
function replayable(body: BodyInit | null | undefined): boolean {
  return body == null || !(body instanceof ReadableStream || Symbol.asyncIterator in Object(body));
}

/** Statuses whose responses have no body (fetch standard: null body status). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * undici's Response as this runtime's own (`instanceof Response` holds for callers), over the same body stream:
 * nothing is read or buffered here.
 */
function asResponse(response: UndiciResponse, url: string, redirected: boolean): Response {
  const out = new Response(NULL_BODY.has(response.status) ? null : (response.body as ReadableStream | null), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers as unknown as HeadersInit,
  });
  Object.defineProperties(out, { url: { value: url }, redirected: { value: redirected } });
  return out;
}
