/**
 * OpenTelemetry for every call of a client, REST and gRPC: a CLIENT span per call (`infer iris-classifier`), an
 * event per attempt (`http.request.resend_count`, the retry's reason and the wait before it), the W3C trace context
 * injected into every attempt's request, a duration histogram and an in-flight count.
 *
 * The clients call `telemetry` once, from their factory (`options.telemetry(options, create)`): it puts an attempt
 * interceptor first among the caller's and wraps the methods of the client it gets back. Attempts find their call
 * in the active context where a context manager is registered (OpenTelemetry's Node SDK registers one), and
 * otherwise through a token in the call's headers, which the interceptor takes out before anything else sees the
 * request: no context manager is needed, and the SDK never registers one itself.
 * Nothing is recorded from headers, so no credential can reach a span or a metric.
 */
import {
  type Attributes,
  context,
  createContextKey,
  metrics,
  type MeterProvider,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type TracerProvider,
} from "@opentelemetry/api";
import type { Interceptor as ConnectInterceptor } from "@connectrpc/connect";
import type { Interceptor } from "../core/http.js";
import type { CommonOptions, Telemetry } from "../core/request-context.js";
import { isKServeError, type KServeError } from "../errors/kserve-error.js";

/** Options of {@link telemetry}. */
export interface TelemetryOptions {
  /** Where spans go; default: the global one (`trace.setGlobalTracerProvider`, or what an OpenTelemetry SDK registers). */
  tracerProvider?: TracerProvider | undefined;
  /** Where metrics go; default: the global one. */
  meterProvider?: MeterProvider | undefined;
}

/**
 * One call under way, as its attempts see it; a class so that every call has the same shape (its fields are written
 * on every attempt, the hot path of an instrumented client).
 */
class CallState {
  attempts = 0;
  /** When the last attempt started and ended, and how it ended (the next one's reason). */
  started = 0;
  ended = 0;
  outcome = "";
  /** The last attempt: what also describes the call. */
  method = "";
  url = "";
  status = 0;
  requestBytes = 0;
  responseBytes = 0;
  binary = false;
  grpcCode = -1;
  rpcMethod = "";
  errorType = "";
  constructor(
    readonly span: Span,
    /** The call's trace context, as the propagators write it (once per call): every attempt's request carries it. */
    readonly carrier: Record<string, string>,
    /** A wait for readiness polls: its checks are not resends of one request. */
    readonly polls: boolean,
  ) {}

  /** The last attempt, as the call's attributes or an `attempt` event. */
  lastAttempt(): Attributes {
    const attributes: Attributes =
      this.rpcMethod === ""
        ? {
            "http.request.method": this.method,
            "url.full": this.url,
            "http.request.body.size": this.requestBytes,
            "kserve.binary": this.binary,
          }
        : { "rpc.method": this.rpcMethod };
    if (this.status > 0) {
      attributes["http.response.status_code"] = this.status;
      attributes["http.response.body.size"] = this.responseBytes;
    }
    if (this.grpcCode >= 0) attributes["rpc.grpc.status_code"] = this.grpcCode;
    if (this.errorType !== "") attributes["error.type"] = this.errorType;
    return attributes;
  }

  /** Start attempt n (counted from 0). A call's first attempt is described by its span; from the second on, each
   * attempt is an `attempt` event (the first one's written then), a resend's with the retry's reason and wait. */
  start(): number {
    const n = this.polls ? 0 : this.attempts++;
    if (n === 1) this.span.addEvent("attempt", this.attemptEvent(0));
    this.started = performance.now();
    this.status = 0;
    this.grpcCode = -1;
    this.errorType = "";
    return n;
  }

  end(n: number, failure: string | undefined): void {
    const wait = this.started - this.ended;
    const reason = this.outcome;
    this.ended = performance.now();
    this.outcome = failure ?? "ok";
    if (n > 0) {
      const event = this.attemptEvent(n);
      event["kserve.retry.reason"] = reason;
      event["kserve.retry.wait_ms"] = Math.round(wait);
      this.span.addEvent("attempt", event);
    }
  }

  private attemptEvent(n: number): Attributes {
    const event = this.lastAttempt();
    if (n > 0) event["http.request.resend_count"] = n;
    event["kserve.attempt.duration_ms"] = this.ended - this.started;
    return event;
  }
}

/** The per-call header that names the call to its attempts; taken out before the request goes anywhere. */
const CALL_HEADER = "x-kserve-client-otel-call";
/** The same for calls whose options carry no headers (a readiness wait), when a context manager is registered. */
const CALL = createContextKey("kserve-client call");
const GRPC_SERVICE = "inference.GRPCInferenceService";
/** Where each method takes its per-call options (with `headers`); the others are traced without attempts. */
const CALL_OPTIONS_AT: Readonly<Record<string, number>> = {
  infer: 2,
  predict: 2,
  explain: 2,
  modelReady: 1,
  modelMetadata: 1,
  serverLive: 0,
  serverReady: 0,
  serverMetadata: 0,
  listModels: 0,
};

/**
 * Telemetry for a client: pass it as the `telemetry` option of `createV2Client`, `createV1Client` or
 * `createGrpcClient`. It records through `@opentelemetry/api` (an optional peer: `npm install @opentelemetry/api`),
 * with the global tracer and meter providers unless others are given.
 *
 * @example
 * ```ts
 * import { telemetry } from "kserve-client/otel";
 * const client = createV2Client({ baseUrl: "http://127.0.0.1:8080", telemetry: telemetry() });
 * ```
 */
export function telemetry(options: TelemetryOptions = {}): Telemetry {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer("kserve-client");
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter("kserve-client");
  const duration = meter.createHistogram("kserve.client.request.duration", {
    unit: "s",
    description: "Duration of kserve-client calls, retries and waits included.",
  });
  // Counted here and read when metrics are collected: nothing to record per call.
  // One count per protocol and model, whichever methods its calls go through (one label set observed once).
  const running = new Map<string, { labels: Attributes; count: number }>();
  const runningFor = (protocol: string, model: string) => {
    const key = `${protocol}\u0000${model}`;
    let counted = running.get(key);
    if (counted === undefined) {
      counted = { labels: { "kserve.protocol": protocol, "kserve.model.name": model }, count: 0 };
      running.set(key, counted);
    }
    return counted;
  };
  meter
    .createObservableUpDownCounter("kserve.client.requests.in_flight", {
      unit: "{request}",
      description: "kserve-client calls under way.",
    })
    .addCallback((result) => {
      for (const { labels, count } of running.values()) result.observe(count, labels);
    });
  const calls = new Map<string, CallState>();
  let lastCallId = 0;
  /** Whether a context manager carries the active context across awaits (found on the first call). */
  let contextWorks: boolean | undefined;
  const urls = new Map<string, string>();

  /** The call an attempt belongs to, by its token (taken out of `headers`) or the active context. */
  const callOf = (token: string | null | undefined): CallState | undefined =>
    token ? calls.get(token) : (context.active().getValue(CALL) as CallState | undefined);

  const restAttempts: Interceptor = (next) => async (request) => {
    const headers: Record<string, string> = {};
    let token: string | undefined;
    for (const name in request.headers) {
      if (name === CALL_HEADER) token = request.headers[name];
      else headers[name] = request.headers[name]!;
    }
    const call = callOf(token);
    if (call === undefined) return next({ ...request, headers });
    Object.assign(headers, call.carrier);
    const n = call.start();
    let url = urls.get(request.url);
    if (url === undefined) {
      if (urls.size > 256) urls.clear();
      url = String(urlAttributes(request.url)["url.full"]);
      urls.set(request.url, url);
    }
    call.method = request.method;
    call.url = url;
    call.requestBytes = bodySize(request.body);
    call.binary = headers["content-type"] === "application/octet-stream";
    try {
      const response = await next({ ...request, headers });
      call.status = response.status;
      call.responseBytes = response.body.byteLength;
      if (response.status >= 400) call.errorType = String(response.status);
      call.end(n, response.status >= 400 ? `HTTP ${response.status}` : undefined);
      return response;
    } catch (error) {
      call.errorType = errorType(error);
      call.end(n, call.errorType);
      throw error;
    }
  };

  const grpcAttempts: ConnectInterceptor = (next) => async (request) => {
    const token = request.header.get(CALL_HEADER);
    request.header.delete(CALL_HEADER);
    const call = callOf(token);
    if (call === undefined) return next(request);
    for (const key in call.carrier) request.header.set(key, call.carrier[key]!);
    const n = call.start();
    call.rpcMethod = request.method.name;
    try {
      const response = await next(request);
      call.grpcCode = 0;
      call.end(n, undefined);
      return response;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === "number") call.grpcCode = code;
      call.errorType = errorType(error);
      call.end(n, `gRPC ${String(code)}`);
      throw error;
    }
  };

  return <O extends CommonOptions, C>(clientOptions: O, create: (options: O) => C): C => {
    // A batcher's factory hands over the batcher it made: each caller's call gets a span (its batch request is the
    // client's call, traced by the client's own telemetry).
    if ("model" in clientOptions) {
      const batcher = create(clientOptions) as Record<string, unknown>;
      return tracedBatcher(batcher, String((clientOptions as { model?: unknown }).model)) as C;
    }
    const grpc = "transport" in clientOptions;
    const own = (clientOptions as { interceptors?: readonly unknown[] }).interceptors ?? [];
    // First, so that the caller's interceptors never see the call's token.
    const client = create({ ...clientOptions, interceptors: [grpc ? grpcAttempts : restAttempts, ...own] });
    const protocol = grpc ? "grpc" : typeof (client as { predict?: unknown }).predict === "function" ? "v1" : "v2";
    const base: Attributes = {
      "kserve.protocol": protocol,
      ...(grpc ? { "rpc.system": "grpc", "rpc.service": GRPC_SERVICE } : {}),
      ...routing(clientOptions as { baseUrl?: string; host?: string }),
    };
    const wrapped = { ...client } as Record<string, unknown>;
    for (const [name, method] of Object.entries(client as Record<string, unknown>)) {
      if (typeof method === "function")
        wrapped[name] = traced(name, method as (...args: unknown[]) => Promise<unknown>, base);
    }
    return wrapped as C;
  };

  /** A batcher with its `infer` (V2) or `predict` (V1) traced as calls of `model`; `stats` and `close` as they are. */
  function tracedBatcher(batcher: Record<string, unknown>, model: string) {
    const operation = typeof batcher["infer"] === "function" ? "infer" : "predict";
    const base: Attributes = { "kserve.protocol": operation === "infer" ? "v2" : "v1", "kserve.batched": true };
    const method = (batcher[operation] as (...args: unknown[]) => Promise<unknown>).bind(batcher);
    return { ...batcher, [operation]: traced(operation, method, base, model) };
  }

  /**
   * The method, with a span, a duration and the in-flight count around every call. `fixedModel` is a batcher's
   * model (its calls do not name it); its calls' attempts are its batches', so none is counted here.
   */
  function traced(
    operation: string,
    method: (...args: unknown[]) => Promise<unknown>,
    base: Attributes,
    fixedModel?: string,
  ) {
    const at = fixedModel === undefined ? CALL_OPTIONS_AT[operation] : undefined;
    const protocol = base["kserve.protocol"] as string;
    // Per model: the span's first attributes, the in-flight count and the histogram's labels, made once.
    const perModel = new Map<
      string | undefined,
      { start: Attributes; running: { labels: Attributes; count: number } }
    >();
    const labels = new Map<string, Attributes>();
    const outcomeLabels = (model: string, outcome: string) => {
      const key = `${model}\u0000${outcome}`;
      let found = labels.get(key);
      if (found === undefined) {
        found = { "kserve.protocol": protocol, "kserve.model.name": model, "kserve.outcome": outcome };
        labels.set(key, found);
      }
      return found;
    };
    return (...args: unknown[]) => {
      const model = fixedModel ?? (typeof args[0] === "string" ? args[0] : undefined);
      const given = (at === undefined ? args[args.length - 1] : args[at]) as
        | { version?: unknown; headers?: Readonly<Record<string, string>> }
        | undefined;
      let known = perModel.get(model);
      if (known === undefined) {
        const start: Attributes = { ...base, "kserve.operation": operation };
        if (model !== undefined) start["kserve.model.name"] = model;
        known = { start, running: runningFor(protocol, model ?? "") };
        perModel.set(model, known);
      }
      const version = typeof given?.version === "string" ? given.version : undefined;
      const attributes = version === undefined ? known.start : { ...known.start, "kserve.model.version": version };
      const parent = context.active();
      const span = tracer.startSpan(
        model === undefined ? operation : `${operation} ${model}`,
        { kind: SpanKind.CLIENT, attributes },
        parent,
      );
      const spanContext = trace.setSpan(parent, span);
      const carrier: Record<string, string> = {};
      propagation.inject(spanContext, carrier);
      const state = new CallState(span, carrier, at === undefined);
      known.running.count++;
      const started = performance.now();
      let cleanup: (() => void) | undefined;

      const done = (error?: unknown) => {
        cleanup?.();
        known.running.count--;
        if (state.started > 0) span.setAttributes(state.lastAttempt());
        const outcome = error === undefined ? "ok" : isKServeError(error) ? (error as KServeError).code : "unknown";
        if (error !== undefined) {
          const message = isKServeError(error)
            ? (error as KServeError).rawMessage
            : String((error as Error)?.message ?? error);
          span.setAttributes({ "error.type": errorType(error), "kserve.error.code": outcome });
          span.addEvent("exception", { "exception.type": errorName(error), "exception.message": message });
          span.setStatus({ code: SpanStatusCode.ERROR, message });
        }
        span.end();
        duration.record((performance.now() - started) / 1000, outcomeLabels(model ?? "", outcome));
      };

      let pending: Promise<unknown>;
      try {
        if (at === undefined || (contextWorks ??= hasContextManager())) {
          // Attempts find the call in the active context: what an app with OpenTelemetry's Node SDK (or a zone in a
          // browser) has; a readiness wait's checks carry no headers, so that is their only way.
          pending = context.with(spanContext.setValue(CALL, state), method, undefined, ...args);
        } else {
          // Without a context manager, a token in the call's headers takes the call to its attempts.
          const token = String(++lastCallId);
          calls.set(token, state);
          cleanup = () => calls.delete(token);
          const call = [...args];
          while (call.length < at) call.push(undefined);
          call[at] = { ...given, headers: { ...given?.headers, [CALL_HEADER]: token } };
          pending = method(...call);
        }
      } catch (error) {
        done(error);
        throw error;
      }
      return pending.then(
        (value) => {
          done();
          return value;
        },
        (error: unknown) => {
          done(error);
          throw error;
        },
      );
    };
  }
}

const PROBE = createContextKey("kserve-client context probe");

/** True when a context manager is registered: a context set with `context.with` is the active one inside it. */
function hasContextManager(): boolean {
  return context.with(ROOT_CONTEXT.setValue(PROBE, true), () => context.active().getValue(PROBE) === true);
}

/** `url.full` with credentials and query values taken out, and the server's address and port. */
export function urlAttributes(raw: string): Attributes {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return {};
  }
  url.username = "";
  url.password = "";
  for (const key of new Set(url.searchParams.keys())) url.searchParams.set(key, "REDACTED");
  const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
  return { "url.full": url.href, "server.address": url.hostname, "server.port": port };
}

function routing(options: { baseUrl?: string; host?: string }): Attributes {
  if (options.baseUrl === undefined) return {};
  const { "url.full": _, ...server } = urlAttributes(options.baseUrl);
  return { ...server, ...(options.host === undefined ? {} : { "kserve.routing.host": options.host }) };
}

function bodySize(body: Uint8Array | readonly Uint8Array[] | undefined): number {
  if (body === undefined) return 0;
  return body instanceof Uint8Array ? body.byteLength : body.reduce((n, chunk) => n + chunk.byteLength, 0);
}

/** `error.type`: the HTTP status of an HttpError, else the error's class name. */
function errorType(error: unknown): string {
  const status = (error as { status?: unknown })?.status;
  return typeof status === "number" ? String(status) : errorName(error);
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
