/**
 * One HTTP call done reliably (ARCHITECTURE.md, how a call flows): the retry loop outermost, auth headers per attempt, one deadline
 * for the whole call, the caller's signal cancelling at once (sleeps included), typed errors at the end.
 */
import { type Auth, authHeaders, lowerCaseHeaders } from "./auth.js";
import {
  AbortError,
  afterAttempts,
  ConnectionError,
  echoForms,
  HttpError,
  isKServeError,
  type KServeError,
  MAX_ERROR_BODY,
  redactHeaders,
  scrubSecrets,
  sentCredentials,
  serverMessage,
  TimeoutError,
} from "./errors.js";
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
  type NotedRequest,
  WIRE_HEADERS,
} from "./http.js";
import { type CallObserver, type Clock, loggingObserver, runCall, SYSTEM_CLOCK } from "./call-runner.js";
import { milliseconds, parseRetryAfter, resolveRetryPolicy, type RetryOptions, type RetryPolicy } from "./retry.js";
import { deadlineSignal, untilAborted } from "../internal/signals.js";

/** Receives one debug line per attempt and per retry; never sees credentials. */
export interface Logger {
  debug(message: string, fields: Record<string, unknown>): void;
  /** Problems worth a person's attention, such as credentials over plain HTTP; without it they go to `debug`. */
  warn?(message: string, fields: Record<string, unknown>): void;
}

/** What a client holds for all its calls. */
export interface RequestContext {
  httpClient: HttpClient;
  baseUrl: string;
  headers?: Readonly<Record<string, string>> | undefined;
  auth?: Auth | undefined;
  retry?: RetryOptions | false | undefined;
  /** Whole-call limit, retries and waits included. */
  timeoutMs?: number | undefined;
  maxResponseBytes?: number | undefined;
  /** Ingress routing: the name to present instead of baseUrl's host. */
  host?: string | undefined;
  logger?: Logger | undefined;
  /**
   * Set when interceptors run (one may add its own Authorization): each attempt then asks the HttpClient to
   * note the headers it was handed (WIRE_HEADERS), and this holds the latest credentials of requests an
   * interceptor rebuilt without that note, so that an answer echoing them is cleaned too.
   */
  wireCredentials?: ReadonlySet<string> | undefined;
  /** Clock and randomness, injectable for tests. */
  now?: (() => number) | undefined;
  random?: (() => number) | undefined;
}

/** Per-call options, shared by every client method. */
export interface CallOptions {
  /** Cancels the call at once, including a wait between retries. */
  signal?: AbortSignal | undefined;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number | undefined;
  /** Extra headers for this call. */
  headers?: Readonly<Record<string, string>> | undefined;
  /** Overrides the retry policy for this call; `false` for a stateful model that must not see a request twice. */
  retry?: RetryOptions | false | undefined;
}

/** One endpoint call, as a protocol module describes it. */
export interface Endpoint {
  method: HttpRequest["method"];
  /** Path below baseUrl, already URL-encoded. */
  path: string;
  headers?: Record<string, string> | undefined;
  body?: HttpRequest["body"];
  /** The model addressed, for error messages. */
  model?: string | undefined;
  /** Statuses that are answers rather than errors (e.g. 404 and 503 for a readiness check): not retried, not thrown. */
  accept?: ((status: number) => boolean) | undefined;
}

/**
 * Send `endpoint`, retrying per policy, and return the response (2xx, or a status `accept` takes).
 *
 * An error that ends a call after retries says so: its message ends "Failed after 3 attempts." (a TimeoutError's
 * and an AbortError's say "after 3 attempts" and name the last error), and its `attempts` is set.
 *
 * @throws {HttpError} for a non-2xx answer that is not retried (or not any more)
 * @throws {ConnectionError} when no answer came, retries used up
 * @throws {TimeoutError} when the call's `timeoutMs` passed
 * @throws {AbortError} when the caller's signal aborted
 */
export async function send(ctx: RequestContext, endpoint: Endpoint, call: CallOptions = {}): Promise<HttpResponse> {
  const prepared = prepare(ctx);
  const { clock } = prepared;
  const policy = call.retry === undefined ? prepared.policy : resolveRetryPolicy(ctx.retry, call.retry);
  const limit = call.timeoutMs ?? ctx.timeoutMs;
  // Infinity means no limit; anything else must be a timer setTimeout can honour.
  const timeoutMs = limit === undefined || limit === Infinity ? undefined : milliseconds(limit, "timeoutMs");
  const url = joinTrimmed(prepared.base, endpoint.path);
  const staticHeaders =
    call.headers === undefined
      ? prepared.headers
      : { ...prepared.headers, ...lowerCaseHeaders(call.headers, "call headers") };

  const callerSignal = call.signal;
  if (callerSignal?.aborted)
    throw new AbortError(`The call to ${url} was cancelled before it started.`, { cause: callerSignal.reason });
  // With a deadline, one signal for everything in flight that both the caller's cancel and the timer abort.
  // Without one, the caller's signal (if any) is used as it is: an AbortController per call is not free.
  // The deadline is taken before its timer starts, so that a wait that fits before one also fits before the other.
  const deadline = timeoutMs === undefined ? undefined : clock.now() + timeoutMs;
  const limited =
    timeoutMs === undefined
      ? undefined
      : deadlineSignal(
          timeoutMs,
          () => new TimeoutError(`No answer from ${url} within ${timeoutMs} ms.`),
          callerSignal,
        );
  const signal = limited?.signal ?? callerSignal;
  const maxResponseBytes = ctx.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  /** What the last failed attempt met, for the message of a call that then times out. */
  let lastError: KServeError | undefined;

  try {
    return await runCall<HttpResponse>({
      method: endpoint.method,
      url,
      policy,
      deadline,
      signal,
      clock,
      observer: prepared.observer,
      async send(attempt) {
        const attemptSignal =
          policy.attemptTimeoutMs === undefined
            ? undefined
            : attemptLimit(signal, policy.attemptTimeoutMs, url, attempt);
        try {
          if (signal?.aborted) throw signal.reason;
          // The provider may be slow (a token service): the deadline and the caller's cancel cover it too.
          const auth = ctx.auth === undefined ? undefined : await untilAborted(authHeaders(ctx.auth), signal);
          const headers = { ...staticHeaders, ...auth, ...endpoint.headers };
          const wire: Record<string, string>[] | undefined = ctx.wireCredentials === undefined ? undefined : [];
          const request: NotedRequest = {
            method: endpoint.method,
            url,
            headers,
            body: endpoint.body,
            host: ctx.host,
            signal: attemptSignal?.signal ?? signal,
            maxResponseBytes,
          };
          if (wire !== undefined) request[WIRE_HEADERS] = wire;
          const response = await ctx.httpClient(request);
          if ((response.status >= 200 && response.status < 300) || endpoint.accept?.(response.status))
            return { value: response, status: response.status };
          const sent = sentCredentials(Object.entries(headers), auth === undefined ? [] : Object.keys(auth));
          if (wire !== undefined) for (const added of wire) sent.push(...sentCredentials(Object.entries(added)));
          return {
            failure: {
              error: (lastError = httpError(
                response,
                endpoint,
                url,
                ctx.wireCredentials === undefined ? sent : [...sent, ...ctx.wireCredentials],
              )),
              outcome: { kind: "status", status: response.status },
              retryAfterMs: parseRetryAfter((name) => response.headers[name], clock.now()),
              status: response.status,
            },
          };
        } catch (error) {
          if (signal?.aborted) throw stopped(attempt + 1);
          // One hung attempt abandoned (the call's own signal has not aborted): retried within the deadline.
          if (attemptSignal?.timedOut())
            return {
              failure: {
                error: (lastError = attemptSignal.signal.reason as TimeoutError),
                outcome: { kind: "attempt-timeout" },
              },
            };
          // Configuration, size limits, the auth provider, certificates: not retried.
          if (!(error instanceof ConnectionError) || !error.retryable)
            throw isKServeError(error) ? afterAttempts(error, attempt + 1) : error;
          return { failure: { error: (lastError = error), outcome: { kind: "connection" } } };
        } finally {
          attemptSignal?.dispose();
        }
      },
      exhausted: (failure, attempts) => afterAttempts(failure.error, attempts),
      stopped,
    });
  } finally {
    limited?.dispose();
  }

  /** The error of a call whose signal aborted after `attempts` attempts: its deadline, or the caller's cancel. */
  function stopped(attempts: number): KServeError {
    // After retries, the message says how many attempts there were and what the last one met.
    const after = attempts > 1 ? ` after ${attempts} attempts` : "";
    const retried = attempts > 1 ? attempts : undefined;
    if (limited?.timedOut()) {
      return new TimeoutError(
        `No answer from ${url} within ${timeoutMs} ms${after && `,${after}`}${lastError ? ` (last: ${lastError.rawMessage})` : ""}.`,
        {
          cause: lastError,
          model: endpoint.model,
          attempts: retried,
        },
      );
    }
    return new AbortError(`The call to ${url} was cancelled${after}.`, {
      cause: callerSignal?.reason,
      model: endpoint.model,
      attempts: retried,
    });
  }
}

/**
 * The signal for one attempt: the call's, plus this attempt's own time limit (`retry.attemptTimeoutMs`), so that
 * one hung attempt can be abandoned and retried within the call's deadline.
 */
function attemptLimit(outer: AbortSignal | undefined, limitMs: number, url: string, attempt: number) {
  return deadlineSignal(
    limitMs,
    () => new TimeoutError(`Attempt ${attempt + 1} to ${url} got no answer within ${limitMs} ms.`),
    outer,
  );
}

/** What a context needs on every call, worked out once per context. */
interface Prepared {
  policy: RetryPolicy;
  base: string;
  headers: Record<string, string>;
  clock: Clock;
  observer: CallObserver | undefined;
}
const preparedContexts = new WeakMap<RequestContext, Prepared>();
function prepare(ctx: RequestContext): Prepared {
  let prepared = preparedContexts.get(ctx);
  if (prepared === undefined) {
    prepared = {
      policy: resolveRetryPolicy(ctx.retry),
      base: trimTrailingSlashes(ctx.baseUrl),
      headers: lowerCaseHeaders(ctx.headers, "headers"),
      clock: { now: ctx.now ?? SYSTEM_CLOCK.now, random: ctx.random ?? SYSTEM_CLOCK.random },
      observer: loggingObserver(ctx.logger),
    };
    preparedContexts.set(ctx, prepared);
  }
  return prepared;
}

/** The error for a non-2xx answer; whatever the server says back is cleaned of the credentials it was sent. */
function httpError(response: HttpResponse, endpoint: Endpoint, url: string, sent: readonly string[]): HttpError {
  const secrets = echoForms(sent);
  const clean = (text: string) => (secrets.length === 0 ? text : scrubSecrets(text, secrets));
  const body = clean(new TextDecoder().decode(response.body));
  const headers = redactHeaders(response.headers);
  const location = response.status >= 300 && response.status < 400 ? response.headers["location"] : undefined;
  // Redirects are never followed (credentials must not travel to another origin): say so rather than "no message".
  const message =
    location !== undefined
      ? `Redirected to ${clean(location)}, which kserve-client does not follow (credentials must not travel to another origin); use the final address as baseUrl`
      : (serverMessage(body, clean) ?? `HTTP ${response.status} with no message`);
  if (secrets.length > 0) for (const name of Object.keys(headers)) headers[name] = clean(headers[name]!);
  return new HttpError(`${message} (HTTP ${response.status} from ${endpoint.method} ${url})`, {
    status: response.status,
    headers,
    body: body.length > MAX_ERROR_BODY ? `${body.slice(0, MAX_ERROR_BODY)}…` : body,
    requestId: response.headers["x-request-id"],
    model: endpoint.model,
  });
}

/** `http://h:8080/prefix` + `/v2/models/m` without doubled or missing slashes; baseUrl's own path is kept. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${trimTrailingSlashes(baseUrl)}/${path.replace(/^\/+/, "")}`;
}

function trimTrailingSlashes(url: string): string {
  return url.replace(/\/+$/, "");
}

/** joinUrl with a base already trimmed: protocol paths start with exactly one slash, so no regex is run for them. */
function joinTrimmed(base: string, path: string): string {
  return path.charCodeAt(0) === 0x2f && path.charCodeAt(1) !== 0x2f ? base + path : joinUrl(base, path);
}
