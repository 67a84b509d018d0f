/**
 * Issue 26: kserve-client/otel against the mock KServe on loopback, with OpenTelemetry's in-memory span exporter
 * and a metric reader: span names, kinds, attributes and status; each attempt under a 503-then-200 retry; a
 * timeout; a cancel; gRPC; the trace context reaching the mock server; no credential anywhere; and clients without
 * telemetry left as they are.
 */
import { propagation, SpanKind, trace } from "@opentelemetry/api";
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  MeterProvider,
  MetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AbortError,
  createBatcher,
  createV1Batcher,
  createV1Client,
  createV2Client,
  Tensor,
  TimeoutError,
} from "kserve-client";
import { createGrpcClient } from "kserve-client/grpc";
import { createNodeGrpcTransport, type NodeGrpcTransport } from "kserve-client/node";
import { telemetry } from "kserve-client/otel";
import { type MockKServe, startMockKServe } from "kserve-client/testing";
import { urlAttributes } from "../../src/otel/telemetry.js";
import { rejection } from "../helpers.js";

class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const exporter = new InMemorySpanExporter();
const tracerProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const reader = new TestReader();
const meterProvider = new MeterProvider({ readers: [reader] });
let mock: MockKServe;
let transport: NodeGrpcTransport;

beforeAll(async () => {
  // The AsyncLocalStorage context manager and the W3C propagator, as an app's OpenTelemetry setup registers them.
  tracerProvider.register();
  mock = await startMockKServe();
  transport = createNodeGrpcTransport({ baseUrl: mock.grpcUrl! });
});
afterAll(async () => {
  transport.close();
  await mock.close();
  await tracerProvider.shutdown();
  trace.disable();
  propagation.disable();
});
beforeEach(() => exporter.reset());

const instrumented = () => telemetry({ tracerProvider, meterProvider });
const row = () => Tensor.fp32("input-0", [1, 4], [6.8, 2.8, 4.8, 1.4]);
const spans = () => exporter.getFinishedSpans();
const named = (name: string) => spans().filter((s) => s.name === name);
const only = (name: string): ReadableSpan => {
  const found = named(name);
  expect(found.map((s) => s.name)).toEqual([name]);
  return found[0]!;
};
const traceparentOf = (span: ReadableSpan) => `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;

describe("REST", () => {
  it("a span per call, kind CLIENT, with the semantic conventions' attributes and the trace context sent", async () => {
    const client = createV2Client({ baseUrl: mock.url, telemetry: instrumented() });
    const res = await client.infer("iris-classifier", { inputs: [row()] });
    expect(res.output("output-0").data).toEqual(new BigInt64Array([1n]));
    const call = only("infer iris-classifier");
    expect(call.kind).toBe(SpanKind.CLIENT);
    const port = Number(new URL(mock.url).port);
    expect(call.attributes).toMatchObject({
      "kserve.model.name": "iris-classifier",
      "kserve.protocol": "v2",
      "kserve.operation": "infer",
      "server.address": "127.0.0.1",
      "server.port": port,
      "url.full": `${mock.url}/v2/models/iris-classifier/infer`,
      "http.request.method": "POST",
      "http.response.status_code": 200,
      "kserve.binary": false,
    });
    expect(call.attributes["http.request.body.size"]).toBeGreaterThan(50);
    expect(call.attributes["http.response.body.size"]).toBeGreaterThan(50);
    expect(call.status.code).toBe(0); // UNSET: success
    // One attempt: the span describes it; attempt events appear once there is a second.
    expect(call.events.filter((e) => e.name === "attempt")).toEqual([]);
    // The mock server got the call's trace context, and not the token that ties attempts to their call.
    const sent = mock.requests.at(-1)!.headers;
    expect(sent["traceparent"]).toBe(traceparentOf(call));
    expect(Object.keys(sent).filter((name) => name.includes("otel"))).toEqual([]);
  });

  it("makes each attempt visible under a 503-then-200 retry, with the retry's reason and the wait before it", async () => {
    const client = createV2Client({
      baseUrl: mock.url,
      telemetry: instrumented(),
      retry: { initialDelayMs: 20, maxDelayMs: 20 },
    });
    mock.models.get("faulty")!.faults.push({ status: 503, body: "busy" });
    await client.infer("faulty", { inputs: [Tensor.fp32("x", [1], [1])] });
    const call = only("infer faulty");
    const attempts = call.events.filter((e) => e.name === "attempt").map((e) => e.attributes!);
    expect(
      attempts.map((a) => [a["http.response.status_code"], a["http.request.resend_count"], a["kserve.retry.reason"]]),
    ).toEqual([
      [503, undefined, undefined],
      [200, 1, "HTTP 503"],
    ]);
    // Full jitter: the wait is at most the 20 ms asked for (and the timer's few ms of lateness).
    expect(attempts[1]!["kserve.retry.wait_ms"]).toBeGreaterThanOrEqual(0);
    expect(attempts[1]!["kserve.retry.wait_ms"]).toBeLessThan(1000);
    expect(call.status.code).toBe(0);
    expect(call.attributes["http.response.status_code"]).toBe(200);
    // Both attempts carried the call's trace context.
    expect(mock.requests.slice(-2).map((r) => r.headers["traceparent"])).toEqual([
      traceparentOf(call),
      traceparentOf(call),
    ]);
  });

  it("records a timeout as an ERROR span with the error's code and message", async () => {
    const client = createV2Client({ baseUrl: mock.url, telemetry: instrumented(), retry: false });
    mock.models.get("faulty")!.faults.push({ hang: true });
    const error = await rejection(client.infer("faulty", { inputs: [Tensor.fp32("x", [1], [1])] }, { timeoutMs: 150 }));
    expect(error).toBeInstanceOf(TimeoutError);
    const call = only("infer faulty");
    expect(call.status).toEqual({ code: 2, message: (error as TimeoutError).rawMessage });
    expect(call.attributes).toMatchObject({ "error.type": "TimeoutError", "kserve.error.code": "deadline_exceeded" });
    expect(call.events.find((e) => e.name === "exception")?.attributes).toMatchObject({
      "exception.type": "TimeoutError",
    });
  });

  it("records a cancel", async () => {
    const client = createV2Client({ baseUrl: mock.url, telemetry: instrumented() });
    mock.models.get("faulty")!.faults.push({ hang: true });
    const controller = new AbortController();
    const call = client.infer("faulty", { inputs: [Tensor.fp32("x", [1], [1])] }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect(await rejection(call)).toBeInstanceOf(AbortError);
    expect(only("infer faulty").attributes).toMatchObject({
      "error.type": "AbortError",
      "kserve.error.code": "canceled",
    });
  });

  it("V1 calls and health checks have their own spans; a 404 is an HttpError span", async () => {
    const v1 = createV1Client({ baseUrl: mock.url, telemetry: instrumented() });
    await v1.predict("iris-classifier", { instances: [[6.8, 2.8, 4.8, 1.4]] });
    expect(only("predict iris-classifier").attributes).toMatchObject({
      "kserve.protocol": "v1",
      "url.full": `${mock.url}/v1/models/iris-classifier:predict`,
    });
    const v2 = createV2Client({ baseUrl: mock.url, telemetry: instrumented() });
    expect(await v2.modelReady("nope")).toBe(false);
    expect(only("modelReady nope").attributes["http.response.status_code"]).toBe(404);
    await rejection(v2.infer("nope", { inputs: [row()] }));
    expect(only("infer nope").attributes).toMatchObject({ "error.type": "404", "kserve.error.code": "not_found" });
  });
});

describe("gRPC", () => {
  it("a span per call with rpc.* attributes, and the trace context in the metadata", async () => {
    const client = createGrpcClient({ transport, telemetry: instrumented() });
    await client.infer("iris-classifier", { inputs: [row()] }, { version: "1" });
    await client.infer("iris-classifier", { inputs: [row()] });
    const [versioned, call] = named("infer iris-classifier");
    expect(call!.kind).toBe(SpanKind.CLIENT);
    expect(call!.attributes).toMatchObject({
      "kserve.protocol": "grpc",
      "rpc.system": "grpc",
      "rpc.service": "inference.GRPCInferenceService",
      "rpc.method": "ModelInfer",
      "rpc.grpc.status_code": 0,
      "kserve.model.name": "iris-classifier",
    });
    const sent = mock.requests.filter((r) => r.path === "/inference.GRPCInferenceService/ModelInfer").at(-1);
    expect(sent?.headers["traceparent"]).toBe(traceparentOf(call!));
    expect(Object.keys(sent!.headers).filter((name) => name.includes("otel"))).toEqual([]);
    expect(versioned!.attributes["kserve.model.version"]).toBe("1");
    // A retried RPC: an attempt event each, with the gRPC status each met.
    const retried = createGrpcClient({
      transport,
      telemetry: instrumented(),
      retry: { initialDelayMs: 1, maxDelayMs: 5 },
    });
    mock.models.get("faulty")!.faults.push({ status: 503 });
    await retried.infer("faulty", { inputs: [Tensor.fp32("x", [1], [1])] });
    const events = only("infer faulty")
      .events.filter((e) => e.name === "attempt")
      .map((e) => e.attributes!);
    expect(
      events.map((e) => [e["rpc.grpc.status_code"], e["http.request.resend_count"], e["kserve.retry.reason"]]),
    ).toEqual([
      [14, undefined, undefined],
      [0, 1, "gRPC 14"],
    ]);
  });
});

describe("batchers", () => {
  it("a span per caller's call (kserve.batched), and one for the batch request when the client has telemetry too", async () => {
    const client = createV2Client({ baseUrl: mock.url, telemetry: instrumented() });
    const batcher = createBatcher(client, "iris-classifier", { maxDelayMs: 50, telemetry: instrumented() });
    const answers = await Promise.all([1, 2, 3].map(() => batcher.infer({ inputs: [row()] })));
    expect(answers.map((a) => a.output("output-0").data[0])).toEqual([1n, 1n, 1n]);
    const calls = named("infer iris-classifier");
    expect(calls).toHaveLength(4);
    const callers = calls.filter((s) => s.attributes["kserve.batched"] === true);
    expect(callers).toHaveLength(3);
    for (const span of callers)
      expect(span.attributes).toMatchObject({ "kserve.model.name": "iris-classifier", "kserve.protocol": "v2" });
    const request = calls.find((s) => s.attributes["kserve.batched"] === undefined)!;
    expect(request.attributes["http.request.body.size"]).toBeGreaterThan(0);
    expect(batcher.stats()).toMatchObject({ calls: 3, batches: 1 });
    await batcher.close();
  });

  it("a V1 batcher's predict, and a refused call's ERROR span", async () => {
    const batcher = createV1Batcher(createV1Client({ baseUrl: mock.url }), "iris-classifier", {
      telemetry: instrumented(),
    });
    await batcher.predict({ instances: [[6.8, 2.8, 4.8, 1.4]] });
    expect(only("predict iris-classifier").attributes).toMatchObject({
      "kserve.batched": true,
      "kserve.protocol": "v1",
    });
    await batcher.close();
    await rejection(batcher.predict({ instances: [[6.8, 2.8, 4.8, 1.4]] }));
    expect(named("predict iris-classifier")[1]!.attributes["kserve.error.code"]).toBe("failed_precondition");
  });
});

describe("metrics", () => {
  it("a duration histogram by model, protocol and outcome, and an in-flight count back to zero", async () => {
    const client = createV2Client({ baseUrl: mock.url, telemetry: instrumented(), retry: false });
    await client.infer("echo", { inputs: [Tensor.fp32("x", [1], [1])] });
    await rejection(client.infer("nope", { inputs: [row()] }));
    const { resourceMetrics } = await reader.collect();
    const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const histogram = all.find((m) => m.descriptor.name === "kserve.client.request.duration")!;
    expect(histogram.descriptor.unit).toBe("s");
    const points = histogram.dataPoints as DataPoint<Histogram>[];
    const echo = points.find(
      (p) => p.attributes["kserve.model.name"] === "echo" && p.attributes["kserve.outcome"] === "ok",
    );
    expect(echo?.value.count).toBeGreaterThanOrEqual(1);
    expect(echo?.attributes["kserve.protocol"]).toBe("v2");
    expect(
      points.some(
        (p) => p.attributes["kserve.model.name"] === "nope" && p.attributes["kserve.outcome"] === "not_found",
      ),
    ).toBe(true);
    const inFlight = all.find((m) => m.descriptor.name === "kserve.client.requests.in_flight")!;
    for (const p of inFlight.dataPoints) expect(p.value).toBe(0);
  });
});

describe("credentials", () => {
  it("reach no span attribute, event or metric label: bearer, basic, a header an interceptor added, a URL's", async () => {
    const secrets = ["bearer-s3cret", "basic-s3cret", "interceptor-s3cret", "query-s3cret"];
    const bearer = createV2Client({
      baseUrl: mock.url,
      auth: { bearer: "bearer-s3cret" },
      telemetry: instrumented(),
      interceptors: [
        (next) => (request) => next({ ...request, headers: { ...request.headers, "x-api-key": "interceptor-s3cret" } }),
      ],
    });
    await bearer.infer("iris-classifier", { inputs: [row()] });
    const basic = createV2Client({
      baseUrl: mock.url,
      auth: { basic: { username: "u", password: "basic-s3cret" } },
      telemetry: instrumented(),
    });
    await basic.modelReady("iris-classifier");
    const grpc = createGrpcClient({ transport, auth: { bearer: "bearer-s3cret" }, telemetry: instrumented() });
    await grpc.infer("iris-classifier", { inputs: [row()] });
    expect(mock.requests.some((r) => r.headers["x-api-key"] === "interceptor-s3cret")).toBe(true);
    const { resourceMetrics } = await reader.collect();
    const recorded = JSON.stringify({
      spans: spans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })),
      metrics: resourceMetrics.scopeMetrics.flatMap((s) =>
        s.metrics.flatMap((m) => m.dataPoints.map((p) => p.attributes)),
      ),
    });
    expect(recorded).toContain("iris-classifier");
    for (const secret of secrets) expect(recorded).not.toContain(secret);
    expect(urlAttributes("http://user:query-s3cret@h:8080/v2?token=query-s3cret&a=1")["url.full"]).toBe(
      "http://h:8080/v2?token=REDACTED&a=REDACTED",
    );
  });
});

describe("without telemetry", () => {
  it("a client records nothing and sends no trace context, even with a global tracer registered", async () => {
    const client = createV2Client({ baseUrl: mock.url });
    await client.infer("iris-classifier", { inputs: [row()] });
    expect(spans()).toEqual([]);
    expect(mock.requests.at(-1)!.headers["traceparent"]).toBeUndefined();
  });

  it("with it, the caller's logger and interceptors still see every attempt", async () => {
    const lines: string[] = [];
    const seen: string[] = [];
    const client = createV2Client({
      baseUrl: mock.url,
      telemetry: instrumented(),
      retry: { initialDelayMs: 1 },
      logger: { debug: (message) => lines.push(message) },
      interceptors: [(next) => (request) => (seen.push(Object.keys(request.headers).join(",")), next(request))],
    });
    mock.models.get("faulty")!.faults.push({ status: 503 });
    await client.infer("faulty", { inputs: [Tensor.fp32("x", [1], [1])] });
    expect(lines).toEqual(["kserve-client: attempt", "kserve-client: retrying", "kserve-client: attempt"]);
    expect(seen).toHaveLength(2);
    // They see the trace context, never the token that ties attempts to their call.
    for (const names of seen) expect(names).toContain("traceparent");
    for (const names of seen) expect(names).not.toContain("otel");
  });
});
