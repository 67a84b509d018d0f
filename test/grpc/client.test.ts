/** createGrpcClient end to end: the mock over real HTTP/2 (h2c) on loopback, through createNodeGrpcTransport. */
import type { Interceptor } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFetchHttpClient } from "../../src/core/fetch-client.js";
import { AbortError, ConnectionError, isKServeError, KServeError, TimeoutError } from "../../src/core/errors.js";
import { createGrpcClient, type GrpcClientOptions } from "kserve-client/grpc";
import { createNodeGrpcTransport, type NodeGrpcTransport } from "../../src/node/grpc-transport.js";
import { Tensor } from "../../src/tensor/index.js";
import { tensorToBytes } from "../../src/tensor/raw.js";
import { startMockKServe, type MockKServe } from "../../src/testing/index.js";
import { createV2Client } from "../../src/v2/client.js";
import { rejection } from "../helpers.js";
import { attemptCounter, closedPort, startGrpcServer, type TestGrpcServer } from "./servers.js";

let mock: MockKServe;
let transport: NodeGrpcTransport;
const transports: NodeGrpcTransport[] = [];

function newTransport(baseUrl: string): NodeGrpcTransport {
  const t = createNodeGrpcTransport({ baseUrl });
  transports.push(t);
  return t;
}

beforeAll(async () => {
  mock = await startMockKServe();
  if (mock.grpcUrl === undefined) throw new Error("the mock has no gRPC server");
  transport = newTransport(mock.grpcUrl);
});

afterAll(async () => {
  for (const t of transports) t.close();
  await mock?.close();
});

const client = (extra: Partial<GrpcClientOptions> = {}) => createGrpcClient({ transport, ...extra });

const IRIS_ROWS = [5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3];
const irisRequest = () => ({ inputs: [Tensor.fp32("input-0", [2, 4], IRIS_ROWS)] });

describe("every RPC", () => {
  it("serverLive and serverReady", async () => {
    await expect(client().serverLive()).resolves.toBe(true);
    await expect(client().serverReady()).resolves.toBe(true);
  });

  it("modelReady: true for a served model, false for an unknown one", async () => {
    await expect(client().modelReady("iris-classifier")).resolves.toBe(true);
    await expect(client().modelReady("no-such-model")).resolves.toBe(false);
  });

  it("modelReady: false for a model that is not ready", async () => {
    mock.models.add({ ...mock.models.get("echo")!, name: "asleep", ready: false });
    await expect(client().modelReady("asleep")).resolves.toBe(false);
  });

  it("serverMetadata", async () => {
    await expect(client().serverMetadata()).resolves.toEqual({ name: "kserve", version: "0.14.1", extensions: [] });
  });

  it("modelMetadata, and not_found for an unknown model", async () => {
    const meta = await client().modelMetadata("echo");
    expect(meta).toMatchObject({ name: "echo", platform: "kserve-client_echo", inputs: [], outputs: [] });
    const error = await rejection(client().modelMetadata("no-such-model"));
    expect(isKServeError(error) && error.code).toBe("not_found");
  });

  it("infer on iris answers the expected classes, echoing the id", async () => {
    const res = await client().infer("iris-classifier", { ...irisRequest(), id: "req-1" });
    expect(res.modelName).toBe("iris-classifier");
    expect(res.id).toBe("req-1");
    const out = res.output("output-0", "INT64");
    expect(out.shape).toEqual([2]);
    expect(Array.from(out.data)).toEqual([0n, 2n]);
  });

  it("infer with requested outputs returns only those", async () => {
    const res = await client().infer("echo", {
      inputs: [Tensor.int32("a", [1], [1]), Tensor.int32("b", [1], [2])],
      outputs: [{ name: "b" }],
    });
    expect(res.outputs.map((t) => t.name)).toEqual(["b"]);
  });

  it("waitForModelReady resolves once the model becomes ready", async () => {
    mock.models.add({ ...mock.models.get("echo")!, name: "waking", ready: false });
    const timer = setTimeout(() => {
      mock.models.get("waking")!.ready = true;
    }, 150);
    try {
      await client().waitForModelReady("waking", { timeoutMs: 10_000 });
      expect(mock.models.get("waking")!.ready).toBe(true);
    } finally {
      clearTimeout(timer);
    }
  });

  it("waitForModelReady is a TimeoutError for a model that never appears", async () => {
    const error = await rejection(client().waitForModelReady("never-there", { timeoutMs: 300 }));
    expect(error).toBeInstanceOf(TimeoutError);
  });
});

describe("every datatype round trips through echo exactly", () => {
  const tensors = [
    Tensor.bool("bool", [2, 2], [true, false, false, true]),
    Tensor.uint8("uint8", [3], [0, 128, 255]),
    Tensor.uint16("uint16", [3], [0, 1, 65535]),
    Tensor.uint32("uint32", [3], [0, 1, 0xffffffff]),
    Tensor.uint64("uint64", [3], [0n, 2n ** 63n, 2n ** 64n - 1n]),
    Tensor.int8("int8", [3], [-128, 0, 127]),
    Tensor.int16("int16", [3], [-32768, 0, 32767]),
    Tensor.int32("int32", [3], [-(2 ** 31), 0, 2 ** 31 - 1]),
    Tensor.int64("int64", [3], [-(2n ** 63n), -1n, 2n ** 63n - 1n]),
    Tensor.fp16("fp16", [4], Uint16Array.of(0x3c00, 0x7e00, 0x8000, 0x7c00)),
    Tensor.fp32("fp32", [5], [1.5, Number.NaN, -0, Infinity, 3.4e38]),
    Tensor.fp64("fp64", [4], [Math.PI, Number.NaN, -0, -1e-300]),
    Tensor.bf16("bf16", [3], Uint16Array.of(0x3f80, 0xff80, 0x7fc0)),
    Tensor.bytes("bytes", [4], ["hello", "", new Uint8Array([0xff, 0xfe, 0x00, 0x80]), "ünïcode"]),
  ];

  it("in one request", async () => {
    const res = await client().infer("echo", { inputs: tensors });
    expect(res.outputs.map((t) => t.name)).toEqual(tensors.map((t) => t.name));
    for (const sent of tensors) {
      const got = res.output(sent.name);
      expect(got.datatype, sent.name).toBe(sent.datatype);
      expect(got.shape, sent.name).toEqual(sent.shape);
      expect(got.data.constructor, sent.name).toBe(sent.data.constructor);
      // Byte for byte: NaN payloads and -0 included.
      expect(Array.from(tensorToBytes(got)), sent.name).toEqual(Array.from(tensorToBytes(sent)));
    }
    expect(Array.from(res.output("int64", "INT64").data)).toEqual([-(2n ** 63n), -1n, 2n ** 63n - 1n]);
    expect(Array.from(res.output("uint64", "UINT64").data)).toEqual([0n, 2n ** 63n, 2n ** 64n - 1n]);
    expect(res.output("bytes").data).toEqual([
      new TextEncoder().encode("hello"),
      new Uint8Array(0),
      new Uint8Array([0xff, 0xfe, 0x00, 0x80]),
      new TextEncoder().encode("ünïcode"),
    ]);
  });

  it.each(tensors.map((t) => [t.datatype, t] as const))("%s on its own", async (_datatype, sent) => {
    const got = (await client().infer("echo", { inputs: [sent] })).output(sent.name);
    expect(got.datatype).toBe(sent.datatype);
    expect(got.shape).toEqual(sent.shape);
    expect(Array.from(tensorToBytes(got))).toEqual(Array.from(tensorToBytes(sent)));
  });
});

describe("REST and gRPC agree", () => {
  it.each(["never", "always"] as const)("on the same iris request (REST binary %s)", async (binary) => {
    const rest = createV2Client({ baseUrl: mock.url, httpClient: createFetchHttpClient(), binary });
    const [overRest, overGrpc] = await Promise.all([
      rest.infer("iris-classifier", irisRequest()),
      client().infer("iris-classifier", irisRequest()),
    ]);
    const a = overRest.output("output-0");
    const b = overGrpc.output("output-0", "INT64");
    expect(b.datatype).toBe(a.datatype);
    expect(b.shape).toEqual(a.shape);
    expect(b.data).toEqual(a.data);
    expect(Array.from(b.data)).toEqual([0n, 2n]);
    expect(overGrpc.outputs.map((t) => t.name)).toEqual(overRest.outputs.map((t) => t.name));
  });
});

describe("errors", () => {
  it("an unknown model is not_found with the server's message", async () => {
    const error = await rejection(client().infer("no-such-model", irisRequest()));
    expect(error).toBeInstanceOf(KServeError);
    const e = error as KServeError;
    expect(e.code).toBe("not_found");
    expect(e.grpcCode).toBe(5);
    expect(e.model).toBe("no-such-model");
    expect(e.message).toContain("Model with name no-such-model does not exist.");
  });

  it("against a KServe 0.14-style server (UNKNOWN), an unknown model is still not_found", async () => {
    const old = await startMockKServe({ grpcErrors: "kserve-0.14" });
    try {
      const c = createGrpcClient({ transport: newTransport(old.grpcUrl!) });
      const error = await rejection(c.infer("no-such-model", irisRequest()));
      expect(error).toBeInstanceOf(KServeError);
      const e = error as KServeError;
      expect(e.code).toBe("not_found");
      expect(e.grpcCode).toBe(2);
      expect(e.message).toContain("Model with name no-such-model does not exist.");
      await expect(c.modelReady("no-such-model")).resolves.toBe(false);
      await expect(c.modelReady("iris")).resolves.toBe(true);
      old.models.get("faulty")!.faults.push({ status: 500, body: "boom" });
      const internal = await rejection(c.infer("faulty", { inputs: [Tensor.int32("x", [1], [1])] }));
      expect(isKServeError(internal) && internal.code).toBe("internal");
    } finally {
      await old.close();
    }
  });

  it("a model failure (status 500 → INTERNAL) is internal and not retried", async () => {
    const counter = attemptCounter();
    mock.models.get("faulty")!.faults.push({ status: 500, body: "the model broke" });
    const error = await rejection(
      client({ interceptors: [counter.interceptor], retry: { initialDelayMs: 5 } }).infer("faulty", {
        inputs: [Tensor.int32("x", [1], [1])],
      }),
    );
    expect(error).toBeInstanceOf(KServeError);
    expect((error as KServeError).code).toBe("internal");
    expect((error as KServeError).message).toContain("the model broke");
    expect(counter.count).toBe(1);
    expect(mock.models.get("faulty")!.faults).toEqual([]);
  });

  it("UNAVAILABLE twice, then success: retried, three attempts", async () => {
    const counter = attemptCounter();
    mock.models.get("faulty")!.faults.push({ status: 503 }, { status: 503 });
    const res = await client({ interceptors: [counter.interceptor], retry: { initialDelayMs: 5 } }).infer("faulty", {
      inputs: [Tensor.int32("x", [2], [7, 8])],
    });
    expect(Array.from(res.output("x", "INT32").data)).toEqual([7, 8]);
    expect(counter.count).toBe(3);
  });

  it("UNAVAILABLE more often than the retries allow: the server's error after maxRetries + 1 attempts", async () => {
    const counter = attemptCounter();
    mock.models.get("faulty")!.faults.push({ status: 503 }, { status: 503 }, { status: 503 });
    const error = await rejection(
      client({ interceptors: [counter.interceptor], retry: { initialDelayMs: 5, maxRetries: 1 } }).infer("faulty", {
        inputs: [Tensor.int32("x", [1], [1])],
      }),
    );
    expect(isKServeError(error) && error.code).toBe("unavailable");
    expect(error).not.toBeInstanceOf(ConnectionError);
    expect(counter.count).toBe(2);
    // It says it was retried: the server's message, then the count; `attempts` set.
    expect(error).toMatchObject({
      grpcCode: 14,
      attempts: 2,
      rawMessage: 'fault: status 503 (gRPC UNAVAILABLE from ModelInfer of model "faulty"). Failed after 2 attempts.',
    });
    mock.models.get("faulty")!.faults.length = 0;
  });

  it("a deadline that ends the retries: a TimeoutError naming the attempts and the last error", async () => {
    mock.models.get("faulty")!.faults.push({ status: 503, body: "overloaded" }, { hang: true });
    const error = await rejection(
      client({ timeoutMs: 500, retry: { initialDelayMs: 5 } }).infer("faulty", {
        inputs: [Tensor.int32("x", [1], [1])],
      }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({
      code: "deadline_exceeded",
      attempts: 2,
      rawMessage:
        'No answer from gRPC ModelInfer within 500 ms, after 2 attempts (last: overloaded (gRPC UNAVAILABLE from ModelInfer of model "faulty")).',
    });
    mock.models.get("faulty")!.faults.length = 0;
  });

  it("an error after a single attempt does not mention attempts", async () => {
    mock.models.get("faulty")!.faults.push({ status: 500, body: "the model broke" });
    const error = await rejection(client().infer("faulty", { inputs: [Tensor.int32("x", [1], [1])] }));
    expect(error).toMatchObject({
      code: "internal",
      rawMessage: 'the model broke (gRPC INTERNAL from ModelInfer of model "faulty")',
    });
    expect(error).not.toHaveProperty("attempts");
  });

  it("retry: false fails on the first UNAVAILABLE", async () => {
    const counter = attemptCounter();
    mock.models.get("faulty")!.faults.push({ status: 503 });
    const error = await rejection(
      client({ interceptors: [counter.interceptor], retry: false }).infer("faulty", {
        inputs: [Tensor.int32("x", [1], [1])],
      }),
    );
    expect(isKServeError(error) && error.code).toBe("unavailable");
    expect(counter.count).toBe(1);
    expect(mock.models.get("faulty")!.faults).toEqual([]);
  });

  it("a hanging server past timeoutMs is a TimeoutError (deadline_exceeded)", async () => {
    mock.models.get("faulty")!.faults.push({ hang: true });
    const started = Date.now();
    const error = await rejection(
      client({ timeoutMs: 300 }).infer("faulty", { inputs: [Tensor.int32("x", [1], [1])] }),
    );
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).code).toBe("deadline_exceeded");
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(5000);
  });

  it("a per-call timeoutMs works too", async () => {
    mock.models.get("faulty")!.faults.push({ hang: true });
    const error = await rejection(
      client().infer("faulty", { inputs: [Tensor.int32("x", [1], [1])] }, { timeoutMs: 200 }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).code).toBe("deadline_exceeded");
  });

  it("the caller's AbortSignal is an AbortError (canceled)", async () => {
    mock.models.get("faulty")!.faults.push({ hang: true });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error("user gave up")), 100);
    try {
      const started = Date.now();
      const error = await rejection(
        client().infer("faulty", { inputs: [Tensor.int32("x", [1], [1])] }, { signal: controller.signal }),
      );
      expect(error).toBeInstanceOf(AbortError);
      expect((error as AbortError).code).toBe("canceled");
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      clearTimeout(timer);
    }
  });

  it("an already aborted signal fails before anything is sent", async () => {
    const counter = attemptCounter();
    const error = await rejection(
      client({ interceptors: [counter.interceptor] }).serverLive({ signal: AbortSignal.abort() }),
    );
    expect(error).toBeInstanceOf(AbortError);
    expect(counter.count).toBe(0);
  });

  it("connection refused is a ConnectionError (unavailable), retried per the policy", async () => {
    const port = await closedPort();
    const counter = attemptCounter();
    const c = createGrpcClient({
      transport: newTransport(`http://127.0.0.1:${port}`),
      interceptors: [counter.interceptor],
      retry: { initialDelayMs: 5, maxRetries: 2 },
    });
    const error = await rejection(c.serverLive());
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).code).toBe("unavailable");
    expect((error as ConnectionError).retryable).toBe(true);
    expect(counter.count).toBe(3);
    expect(error).toMatchObject({ attempts: 3 });
    expect((error as ConnectionError).rawMessage).toMatch(/ECONNREFUSED.*\. Failed after 3 attempts\.$/);

    const once = attemptCounter();
    const noRetry = createGrpcClient({
      transport: newTransport(`http://127.0.0.1:${port}`),
      interceptors: [once.interceptor],
      retry: false,
    });
    expect(await rejection(noRetry.serverLive())).toBeInstanceOf(ConnectionError);
    expect(once.count).toBe(1);
  });
});

describe("auth", () => {
  let server: TestGrpcServer;
  let serverTransport: NodeGrpcTransport;
  beforeAll(async () => {
    server = await startGrpcServer();
    serverTransport = newTransport(server.url);
  });
  afterAll(async () => {
    serverTransport?.close();
    await server?.close();
  });

  const inferSeen = () => server.seen.filter((r) => r.path.endsWith("/ModelInfer"));

  it("the server sees 'authorization: Bearer tok' on every attempt", async () => {
    server.seen.length = 0;
    server.models.get("faulty")!.faults.push({ status: 503 }, { status: 503 });
    const c = createGrpcClient({ transport: serverTransport, auth: { bearer: "tok" }, retry: { initialDelayMs: 5 } });
    await c.infer("faulty", { inputs: [Tensor.int32("x", [1], [1])] });
    expect(inferSeen().map((r) => r.authorization)).toEqual(["Bearer tok", "Bearer tok", "Bearer tok"]);
    await c.serverLive();
    expect(server.seen.at(-1)!.authorization).toBe("Bearer tok");
  });

  it("an auth function is called once per attempt, and the server sees each token", async () => {
    server.seen.length = 0;
    server.models.get("faulty")!.faults.push({ status: 503 }, { status: 503 });
    let calls = 0;
    const c = createGrpcClient({
      transport: serverTransport,
      auth: () => ({ Authorization: `Bearer t${++calls}` }),
      retry: { initialDelayMs: 5 },
    });
    await c.infer("faulty", { inputs: [Tensor.int32("x", [1], [1])] });
    expect(calls).toBe(3);
    expect(inferSeen().map((r) => r.authorization)).toEqual(["Bearer t1", "Bearer t2", "Bearer t3"]);
  });

  it("basic auth is sent as a Basic header", async () => {
    server.seen.length = 0;
    await createGrpcClient({
      transport: serverTransport,
      auth: { basic: { username: "u", password: "p" } },
    }).serverReady();
    expect(server.seen.at(-1)!.authorization).toBe(`Basic ${Buffer.from("u:p").toString("base64")}`);
  });

  it("the token never appears in the error's message or JSON", async () => {
    const token = "s3cr3t-token-value";
    server.models.get("faulty")!.faults.push({ status: 500, body: "model failed" });
    const error = await rejection(
      createGrpcClient({ transport: serverTransport, auth: { bearer: token } }).infer("faulty", {
        inputs: [Tensor.int32("x", [1], [1])],
      }),
    );
    expect(error).toBeInstanceOf(KServeError);
    const e = error as KServeError;
    expect(e.code).toBe("internal");
    expect(e.message).not.toContain(token);
    expect(JSON.stringify(e)).not.toContain(token);
    expect(String(e.stack)).not.toContain(token);
    const notFound = await rejection(
      createGrpcClient({ transport: serverTransport, auth: { bearer: token } }).infer("nope", {
        inputs: [Tensor.int32("x", [1], [1])],
      }),
    );
    expect(JSON.stringify(notFound)).not.toContain(token);
    expect((notFound as Error).message).not.toContain(token);
  });

  it("static headers and per-call headers reach the server", async () => {
    const seenHeaders: (string | null)[] = [];
    const spy: Interceptor = (next) => async (req) => {
      seenHeaders.push(req.header.get("x-tenant"), req.header.get("x-call"));
      return next(req);
    };
    await createGrpcClient({
      transport: serverTransport,
      headers: { "X-Tenant": "a" },
      interceptors: [spy],
    }).serverLive({ headers: { "X-Call": "b" } });
    expect(seenHeaders).toEqual(["a", "b"]);
  });

  it("your interceptors see the RPC's path as url and its method, as connect's own transports show them", async () => {
    const seen: string[] = [];
    const spy: Interceptor = (next) => async (req) => {
      seen.push(`${req.url} ${req.method.name} ${req.service.typeName}`);
      return next(req);
    };
    await createGrpcClient({ transport: serverTransport, interceptors: [spy] }).serverLive();
    expect(seen).toEqual(["/inference.GRPCInferenceService/ServerLive ServerLive inference.GRPCInferenceService"]);
  });
});
