/**
 * One HTTP call done reliably (DESIGN.md §5): the retry loop outermost, auth headers per attempt, one deadline
 * for the whole call, the caller's signal cancelling at once (sleeps included), typed errors at the end.
 */
import { type Auth, authHeaders, lowerCaseHeaders } from "./auth.js";
import { AbortError, afterAttempts, ConnectionError, HttpError, isKServeError, type KServeError, MAX_ERROR_BODY, redactHeaders, scrubSecrets, sentCredentials, serverMessage, TimeoutError } from "./errors.js";
import { DEFAULT_MAX_RESPONSE_BYTES, type HttpClient, type HttpRequest, type HttpResponse, type NotedRequest, WIRE_HEADERS } from "./http.js";
import {
  type AttemptOutcome,
  fitsBeforeDeadline,
  parseRetryAfter,
  resolveRetryPolicy,
  retryDecision,
  retryDelay,
  type RetryOptions,
  type RetryPolicy,
  milliseconds,
} from "./retry.js";
import { sleep } from "./sleep.js";

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
  const now = ctx.now ?? Date.now;
  const prepared = prepare(ctx);
  const policy = call.retry === undefined ? prepared.policy : resolveRetryPolicy(ctx.retry, call.retry);
  const limit = call.timeoutMs ?? ctx.timeoutMs;
  // Infinity means no limit; anything else must be a timer setTimeout can honour.
  const timeoutMs = limit === undefined || limit === Infinity ? undefined : milliseconds(limit, "timeoutMs");
  const deadline = timeoutMs === undefined ? undefined : now() + timeoutMs;
  const url = joinTrimmed(prepared.base, endpoint.path);
  const staticHeaders = call.headers === undefined ? prepared.headers : { ...prepared.headers, ...lowerCaseHeaders(call.headers, "call headers") };

  const callerSignal = call.signal;
  if (callerSignal?.aborted) throw new AbortError(`The call to ${url} was cancelled before it started.`, { cause: callerSignal.reason });
  // With a deadline, one signal for everything in flight that both the caller's cancel and the timer abort.
  // Without one, the caller's signal (if any) is used as it is: an AbortController per call is not free.
  let controller: AbortController | undefined;
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onCallerAbort = () => controller!.abort(callerSignal!.reason);
  if (timeoutMs !== undefined) {
    controller = new AbortController();
    callerSignal?.addEventListener("abort", onCallerAbort, { once: true });
    timer = setTimeout(() => {
      if (controller!.signal.aborted) return; // the caller cancelled first: that is the story
      timedOut = true;
      controller!.abort(new TimeoutError(`No answer from ${url} within ${timeoutMs} ms.`));
    }, timeoutMs);
  }
  const signal = controller?.signal ?? callerSignal;

  let lastError: KServeError | undefined;
  /** Attempts started so far. */
  let attempts = 0;
  const stopped = (): KServeError => {
    // After retries, the message says how many attempts there were and what the last one met.
    const after = attempts > 1 ? ` after ${attempts} attempts` : "";
    const retried = attempts > 1 ? attempts : undefined;
    if (timedOut) return new TimeoutError(`No answer from ${url} within ${timeoutMs} ms${after && `,${after}`}${lastError ? ` (last: ${lastError.rawMessage})` : ""}.`, {
      cause: lastError,
      model: endpoint.model,
      attempts: retried,
    });
    return new AbortError(`The call to ${url} was cancelled${after}.`, { cause: callerSignal?.reason, model: endpoint.model, attempts: retried });
  };

  try {
    for (let attempt = 0; ; attempt++) {
      attempts = attempt + 1;
      const started = now();
      let outcome: AttemptOutcome;
      let retryAfterMs: number | undefined;
      const attempt_ = policy.attemptTimeoutMs === undefined ? undefined : attemptLimit(signal, policy.attemptTimeoutMs, url, attempt);
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
          signal: attempt_?.signal ?? signal,
          maxResponseBytes: ctx.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
        };
        if (wire !== undefined) request[WIRE_HEADERS] = wire;
        const response = await ctx.httpClient(request);
        ctx.logger?.debug("kserve-client: attempt", {
          method: endpoint.method,
          url,
          attempt,
          status: response.status,
          durationMs: now() - started,
        });
        if ((response.status >= 200 && response.status < 300) || endpoint.accept?.(response.status)) return response;
        const sent = sentCredentials(Object.entries(headers), auth === undefined ? [] : Object.keys(auth));
        if (wire !== undefined) for (const added of wire) sent.push(...sentCredentials(Object.entries(added)));
        lastError = httpError(response, endpoint, url, ctx.wireCredentials === undefined ? sent : [...sent, ...ctx.wireCredentials]);
        outcome = { kind: "status", status: response.status };
        retryAfterMs = parseRetryAfter((name) => response.headers[name], now());
      } catch (error) {
        if (signal?.aborted) throw stopped();
        if (attempt_?.timedOut()) {
          lastError = attempt_.error;
          outcome = { kind: "attempt-timeout" };
        } else {
          // Configuration, size limits, the auth provider, certificates: not retried.
          if (!(error instanceof ConnectionError) || !error.retryable) throw isKServeError(error) ? afterAttempts(error, attempts) : error;
          lastError = error;
          outcome = { kind: "connection" };
        }
        ctx.logger?.debug("kserve-client: attempt", { method: endpoint.method, url, attempt, error: lastError.rawMessage, durationMs: now() - started });
      } finally {
        attempt_?.dispose();
      }
      const decision = retryDecision(outcome, attempt, policy);
      const delayMs = retryDelay(attempt + 1, retryAfterMs, policy, ctx.random);
      // A wait that would end past the deadline is no use: end now, with the error that is the real story.
      if (!decision.retry || !fitsBeforeDeadline(delayMs, now(), deadline)) throw afterAttempts(lastError, attempts);
      ctx.logger?.debug("kserve-client: retrying", { method: endpoint.method, url, attempt, reason: decision.reason, delayMs });
      try {
        await sleep(delayMs, signal);
      } catch {
        throw stopped();
      }
    }
  } finally {
    if (controller !== undefined) {
      clearTimeout(timer);
      callerSignal?.removeEventListener("abort", onCallerAbort);
    }
  }
}

/**
 * The signal for one attempt: the call's, plus this attempt's own time limit (`retry.attemptTimeoutMs`) when
 * set, so that one hung attempt can be abandoned and retried within the call's deadline.
 */
function attemptLimit(outer: AbortSignal | undefined, limitMs: number, url: string, attempt: number) {
  const controller = new AbortController();
  const error = new TimeoutError(`Attempt ${attempt + 1} to ${url} got no answer within ${limitMs} ms.`);
  let timedOut = false;
  const onOuterAbort = () => controller.abort(outer!.reason);
  outer?.addEventListener("abort", onOuterAbort, { once: true });
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(error);
  }, limitMs);
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    error,
    dispose: () => {
      clearTimeout(timer);
      outer?.removeEventListener("abort", onOuterAbort);
    },
  };
}

/** `promise`, or a rejection with the signal's reason as soon as it aborts. Internal. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** What a context needs on every call, worked out once per context. */
interface Prepared {
  policy: RetryPolicy;
  base: string;
  headers: Record<string, string>;
}
const preparedContexts = new WeakMap<RequestContext, Prepared>();
function prepare(ctx: RequestContext): Prepared {
  let prepared = preparedContexts.get(ctx);
  if (prepared === undefined) {
    prepared = {
      policy: resolveRetryPolicy(ctx.retry),
      base: trimTrailingSlashes(ctx.baseUrl),
      headers: lowerCaseHeaders(ctx.headers, "headers"),
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

/**
 * Each secret as an answer may carry it: as a JSON string writes it (`"` as `\"`; `/` as `\/`, as some servers
 * do; non-ASCII and `<>&` as `\u00e4`, as Python's and Go's encoders do, in either case of hex), and
 * percent-encoded (a Location or a quoted URL). The message is cleaned again once parsed, which covers any other
 * escape there.
 */
function echoForms(secrets: readonly string[]): string[] {
  const forms = new Set(secrets);
  for (const secret of secrets) {
    const escaped = JSON.stringify(secret).slice(1, -1);
    const unicode = escaped.replace(/[^\x20-\x7e]|[<>&]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
    for (const form of [escaped, unicode, unicode.replace(/\\u([\da-f]{4})/g, (_, hex: string) => `\\u${hex.toUpperCase()}`)]) {
      forms.add(form).add(form.replace(/\//g, "\\/"));
    }
    try {
      forms.add(encodeURIComponent(secret));
    } catch {
      // a lone surrogate has no percent-encoded form
    }
  }
  return [...forms];
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
