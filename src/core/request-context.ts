/**
 * What every client (V1, V2, and the protocol modules to come) does at construction: check the options once
 * and hold them as a RequestContext. Shared here so the protocol modules never import each other.
 */
import type { Auth } from "./auth.js";
import { ConfigError, sentCredentials, ValidationError } from "./errors.js";
import { createFetchHttpClient } from "./fetch-client.js";
import { applyInterceptors, type HttpClient, type Interceptor, type NotedRequest, WIRE_HEADERS } from "./http.js";
import type { Logger, RequestContext } from "./request.js";
import type { RetryOptions } from "./retry.js";

/**
 * What every client takes, REST and gRPC alike (and, later, what is built on them): headers, credentials, one
 * deadline, retries, a logger. Each client's options extend it.
 */
export interface CommonOptions {
  /** Headers (gRPC: metadata) sent with every call. */
  headers?: Readonly<Record<string, string>> | undefined;
  /**
   * Credentials: `{ bearer }`, `{ basic: { username, password } }`, or a function returning headers, called before
   * every attempt (retries included), so a refreshed token is picked up.
   */
  auth?: Auth | undefined;
  /** Whole-call limit in ms, retries and waits included; `Infinity` (or absent) for none. */
  timeoutMs?: number | undefined;
  /** Retries: 2 by default, on failed connections and 408/429/502/503/504 (gRPC: UNAVAILABLE); `false` turns them off. */
  retry?: RetryOptions | false | undefined;
  /** Receives one debug line per attempt and per retry, and warnings; never credentials. */
  logger?: Logger | undefined;
  /** OpenTelemetry spans and metrics for every call: `telemetry()` from `kserve-client/otel`. */
  telemetry?: Telemetry | undefined;
}

/**
 * What `telemetry()` of `kserve-client/otel` returns: it makes the client from options it instruments (its
 * interceptors and logger beside the caller's), and instruments the client it gets back. Called once, by the
 * client's factory.
 */
export type Telemetry = <O extends CommonOptions, C>(options: O, create: (options: O) => C) => C;

/** Options of the REST clients (`createV2Client`, `createV1Client`): the common ones, and where and how to send. */
export interface ClientOptions extends CommonOptions {
  /** Where to connect, e.g. `http://127.0.0.1:8080` or the ingress address; a path prefix is kept. */
  baseUrl: string;
  /** Ingress routing: present this hostname (Host header, TLS SNI and certificate check). Node only. */
  host?: string | undefined;
  /** Largest answer accepted, in bytes (default 256 MiB); a larger one is `resource_exhausted`. */
  maxResponseBytes?: number | undefined;
  /** The HttpClient to use; default: the Node client under Node, fetch elsewhere. */
  httpClient?: HttpClient | undefined;
  /** A fetch to use with the fetch HttpClient, used as given (see `createFetchHttpClient` for msw under Node). */
  fetch?: typeof globalThis.fetch | undefined;
  /** Wrap every attempt's HTTP call, outermost first. */
  interceptors?: readonly Interceptor[] | undefined;
}

/**
 * Check `options` and build the context every call of the client uses.
 *
 * @param defaultHttpClient the HttpClient used when the options name none (the Node entry points pass undici)
 * @throws {ConfigError} for a baseUrl that is not an http(s) URL, or `host` with an HttpClient that cannot route
 */
export function createRequestContext(options: ClientOptions, defaultHttpClient?: () => HttpClient): RequestContext {
  const base = checkBaseUrl(options?.baseUrl);
  const httpClient =
    options.httpClient ??
    (options.fetch !== undefined
      ? createFetchHttpClient({ fetch: options.fetch })
      : (defaultHttpClient ?? createFetchHttpClient)());
  if (options.host !== undefined) checkHost(options.host, httpClient);
  if (options.auth !== undefined) warnIfCredentialsInClear(base, options.logger);
  const interceptors = options.interceptors ?? [];
  const wireCredentials = interceptors.length === 0 ? undefined : new Set<string>();
  return {
    httpClient:
      wireCredentials === undefined
        ? httpClient
        : applyInterceptors(recordingCredentials(httpClient, wireCredentials), interceptors),
    wireCredentials,
    baseUrl: base,
    headers: options.headers,
    auth: options.auth,
    retry: options.retry,
    timeoutMs: options.timeoutMs,
    maxResponseBytes: options.maxResponseBytes,
    host: options.host,
    logger: options.logger,
  };
}

/** How many credentials a client keeps from requests an interceptor rebuilt without the attempt's note: a few hundred calls in flight. */
const WIRE_CREDENTIALS_KEPT = 1024;

/**
 * `httpClient`, noting the headers it is handed, which hold what the interceptors added and is known nowhere
 * else: in the attempt's own note (WIRE_HEADERS) when the request still carries it, or else, for an
 * interceptor that built a new request, the credentials among them in `seen`, the latest few shared by all
 * calls (which only widens what is cleaned out of an answer).
 */
function recordingCredentials(httpClient: HttpClient, seen: Set<string>): HttpClient {
  return (request: NotedRequest) => {
    const note = request[WIRE_HEADERS];
    if (note !== undefined) note.push(request.headers);
    else {
      for (const secret of sentCredentials(Object.entries(request.headers))) {
        seen.delete(secret);
        seen.add(secret);
        if (seen.size > WIRE_CREDENTIALS_KEPT) seen.delete(seen.values().next().value!);
      }
    }
    return httpClient(request);
  };
}

/**
 * The key of a transport's own check for credentials in clear: a transport that knows where it connects (the
 * Node gRPC transport) implements it, and a client with `auth` calls it. A method rather than an address, so the
 * check's code stays in the transports that have one and out of browser bundles.
 */
export const CHECK_CREDENTIALS_IN_CLEAR = Symbol.for("kserve-client.checkCredentialsInClear");

/**
 * Credentials over plain HTTP to another machine travel readable by anyone on the path: say so once, through the
 * logger. Loopback is left alone (a port-forward, a sidecar), and so is a mesh that encrypts for the client,
 * which the logger's owner can tell from this line better than the SDK can.
 */
export function warnIfCredentialsInClear(baseUrl: string, logger: Logger | undefined): void {
  const url = new URL(baseUrl);
  if (url.protocol !== "http:" || isLoopback(url.hostname)) return;
  const message = `kserve-client: auth is set but baseUrl ${url.origin} is plain HTTP, so the credentials are sent unencrypted. Use https:// unless a mesh encrypts this hop.`;
  if (logger?.warn !== undefined) logger.warn(message, { baseUrl: url.origin });
  else logger?.debug(message, { baseUrl: url.origin, level: "warn" });
}

/**
 * localhost (with or without the root's trailing dot), 127.0.0.0/8, ::1, and 127.0.0.0/8 mapped into IPv6
 * (`::ffff:127.0.0.1`, which URL writes `[::ffff:7f00:1]`): traffic that never leaves the machine.
 */
export function isLoopback(hostname: string): boolean {
  const name = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
  return (
    name === "localhost" ||
    name.endsWith(".localhost") ||
    name === "::1" ||
    /^(?:::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name) ||
    /^::ffff:7f[\da-f]{2}:[\da-f]{1,4}$/.test(name)
  );
}

/** A model name, checked: a non-empty string. */
export function checkModel(model: unknown): string {
  if (typeof model !== "string" || model === "") {
    const received = typeof model === "string" ? '""' : String(model);
    throw new ValidationError(`A model name is required: expected model to be a non-empty string, got ${received}.`, {
      path: "model",
      expected: "a non-empty string",
      received,
    });
  }
  return model;
}

function checkBaseUrl(baseUrl: unknown): string {
  let protocol: string | undefined;
  try {
    protocol = new URL(String(baseUrl)).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== "http:" && protocol !== "https:") {
    // "localhost:8080" parses as a URL with the scheme "localhost:": say what is wanted, not what the parser saw.
    throw new ConfigError(
      `baseUrl must be an absolute http(s) URL such as "http://127.0.0.1:8080", got ${JSON.stringify(baseUrl)}.`,
    );
  }
  const url = new URL(String(baseUrl));
  if (url.username || url.password) {
    // Not echoed: the value holds a password.
    throw new ConfigError(
      "baseUrl must not carry credentials (user:password@); pass them as auth: { basic: { username, password } }.",
    );
  }
  if (url.search || url.hash) {
    throw new ConfigError(
      `baseUrl must not have a query or fragment (endpoint paths are appended to it), got ${JSON.stringify(baseUrl)}.`,
    );
  }
  return String(baseUrl);
}

/**
 * A virtual host name for ingress routing (`host` for REST, `authority` for gRPC), checked: a hostname or
 * bracketed IPv6 address, optionally with a port.
 *
 * @throws {ConfigError} naming the option and the value otherwise
 */
export function checkVirtualHost(value: unknown, option: "host" | "authority"): string {
  if (typeof value !== "string" || !/^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(value)) {
    throw new ConfigError(
      `${option} must be a hostname (optionally with a port), such as "iris.default.example.com", got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

function checkHost(host: unknown, httpClient: HttpClient): void {
  checkVirtualHost(host, "host");
  if (httpClient.supportsHost === false) {
    throw new ConfigError(
      `host ("${host}") needs an HttpClient that can present another hostname, and fetch cannot (browsers and edge runtimes forbid setting Host). ` +
        "Use the InferenceService's hostname as baseUrl (through DNS or a proxy to the ingress), or run under Node.",
    );
  }
}
