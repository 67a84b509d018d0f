/**
 * One code per failure, REST and gRPC alike (core/kserve-failures.ts). Each error answer recorded from a real
 * KServe 0.14.1 server is read by the REST clients; the same failure as that server reports it over gRPC (UNKNOWN,
 * ``Unexpected <class '…'>: <the same message>``) is read by the gRPC client's mapping; both must give the table's
 * code. Then the mock KServe, in both gRPC error styles, against its own REST answers for every status it fakes.
 */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeForKServeException, codeForStatus, KSERVE_EXCEPTIONS } from "../../src/core/kserve-failures.js";
import { isKServeError, type KServeError, serverMessage } from "../../src/core/errors.js";
import type { HttpClient } from "../../src/core/http.js";
import { createGrpcClient } from "../../src/grpc/index.node.js";
import { fromConnectError } from "../../src/grpc/errors.js";
import { createNodeGrpcTransport, type NodeGrpcTransport } from "../../src/node/grpc-transport.js";
import { Tensor } from "../../src/tensor/index.js";
import { startMockKServe, type MockKServe } from "../../src/testing/index.js";
import { createV1Client } from "../../src/v1/client.js";
import { createV2Client } from "../../src/v2/client.js";
import { bodyBytes, kserveFixture } from "../fixtures.js";
import { rejection } from "../helpers.js";

/**
 * The exception KServe 0.14.1 raised for each recorded error answer (its source: errors.py's handlers, and where
 * each message is raised). A recorded error answer missing here fails the test: a new fixture must say which.
 */
const RAISED: Readonly<Record<string, string>> = {
  // sklearnserver's predict wraps scikit-learn's ValueError: "X has 3 features, but SVC is expecting 4 …"
  "v2-model-error-500": "kserve.errors.InferenceError",
  "v2-unknown-model": "kserve.errors.ModelNotFound",
  "v1-unknown-model": "kserve.errors.ModelNotFound",
  // infer_type.py: "Sending FP16 data via JSON is not supported …"
  "v2-fp16-json-rejected": "kserve.errors.InvalidInput",
  // dataplane.py: "received byte inputs, but the 'inference-header-content-length' header is missing."
  "v2-binary-without-header": "kserve.errors.InvalidInput",
  // v2_endpoints.py: "Model versioning not supported yet."
  "v2-versioned-path-501": "NotImplementedError",
  // model.py: "Could not find explainer_host."
  "v1-explain-unsupported": "NotImplementedError",
  // FastAPI checks the body against the V2 schema before KServe sees it; gRPC has no such check (a request
  // without inputs reaches the model, which fails: InferenceError, internal on both).
  "v2-missing-inputs-422": "fastapi.exceptions.RequestValidationError",
};

const recorded = readdirSync(fileURLToPath(new URL("../fixtures/kserve-0.14.1/", import.meta.url)))
  .map((file) => file.replace(/\.json$/, ""))
  .filter((name) => kserveFixture(name).response.status >= 400);

/** The error the REST client gives for a recorded answer: a client on an HttpClient that plays the recording. */
async function restError(name: string): Promise<KServeError> {
  const { request, response } = kserveFixture(name);
  const httpClient: HttpClient = async () => ({
    status: response.status,
    headers: response.headers,
    body: bodyBytes(response.body),
  });
  const options = { baseUrl: "http://kserve.test", httpClient, retry: false } as const;
  const model = /\/models\/([^/:]+)/.exec(request.path)![1]!;
  const input = Tensor.fp32("input-0", [1, 4], [1, 2, 3, 4]);
  const error = request.path.startsWith("/v1/")
    ? await rejection(
        createV1Client(options)[request.path.endsWith(":explain") ? "explain" : "predict"](model, {
          instances: [[1, 2, 3, 4]],
        }),
      )
    : await rejection(
        createV2Client(options).infer(
          model,
          { inputs: [input] },
          /\/versions\/(\w+)\//.test(request.path) ? { version: "1" } : {},
        ),
      );
  expect(isKServeError(error), String(error)).toBe(true);
  return error as KServeError;
}

/** The same failure as KServe 0.14.1 reports it over gRPC, read by the gRPC client's mapping. */
function grpcError(exception: string, message: string, model: string): KServeError {
  const sent = new ConnectError(`Unexpected <class '${exception}'>: ${message}`, Code.Unknown, {
    "grpc-status": String(Code.Unknown),
  });
  return fromConnectError(sent, { rpc: "ModelInfer", model });
}

describe("each error answer recorded from KServe 0.14.1 has one code, over REST and over gRPC", () => {
  it("every recorded error answer says which exception KServe raised for it", () => {
    expect(recorded.length).toBeGreaterThanOrEqual(8);
    expect(recorded.filter((name) => RAISED[name] === undefined)).toEqual([]);
  });

  it.each(recorded)("%s", async (name) => {
    const exception = RAISED[name]!;
    const { response, request } = kserveFixture(name);
    const message = serverMessage(new TextDecoder().decode(bodyBytes(response.body)))!;
    const rest = await restError(name);
    const grpc = grpcError(exception, message, /\/models\/([^/:]+)/.exec(request.path)![1]!);
    expect(rest.status).toBe(response.status);
    expect(rest.code).toBe(codeForStatus(response.status));
    expect(grpc.code, `gRPC's code for ${exception}`).toBe(rest.code);
    expect(codeForKServeException(exception)).toBe(rest.code);
    expect(grpc.rawMessage).toContain(message);
  });

  it("a model that fails on its input (InferenceError) is internal on both, as the README promises", async () => {
    const rest = await restError("v2-model-error-500");
    expect(rest.code).toBe("internal");
    expect(
      grpcError(
        "kserve.errors.InferenceError",
        "X has 3 features, but SVC is expecting 4 features as input.",
        "iris-classifier",
      ).code,
    ).toBe("internal");
  });
});

describe("the mock KServe's gRPC errors agree with its REST answers, in both styles", () => {
  const statuses = [...new Set([...KSERVE_EXCEPTIONS.map(([, status]) => status), 401, 403, 408, 409, 429, 502, 504])];
  let mock: MockKServe;
  let old: MockKServe;
  const transports: NodeGrpcTransport[] = [];
  beforeAll(async () => {
    [mock, old] = await Promise.all([
      startMockKServe({ cluster: false }),
      startMockKServe({ cluster: false, grpcErrors: "kserve-0.14" }),
    ]);
  });
  afterAll(async () => {
    for (const transport of transports) transport.close();
    await Promise.all([mock?.close(), old?.close()]);
  });

  const x = () => ({ inputs: [Tensor.int32("x", [1], [1])] });
  async function codes(server: MockKServe, status: number): Promise<{ rest: KServeError; grpc: KServeError }> {
    const transport = createNodeGrpcTransport({ baseUrl: server.grpcUrl! });
    transports.push(transport);
    const faults = server.models.get("faulty")!.faults;
    faults.push({ status, body: JSON.stringify({ error: `fault ${status}` }) });
    const rest = (await rejection(
      createV2Client({ baseUrl: server.url, retry: false }).infer("faulty", x()),
    )) as KServeError;
    faults.push({ status, body: `fault ${status}` });
    const grpc = (await rejection(createGrpcClient({ transport, retry: false }).infer("faulty", x()))) as KServeError;
    return { rest, grpc };
  }

  it.each(statuses)("status %i", async (status) => {
    for (const server of [mock, old]) {
      const { rest, grpc } = await codes(server, status);
      expect(rest.code).toBe(codeForStatus(status));
      expect(grpc.code, `gRPC (${server === old ? "kserve-0.14" : "codes"} style)`).toBe(rest.code);
    }
    // KServe's own statuses go as 0.14 sends them: UNKNOWN, naming the table's first exception for that status.
    const { grpc } = await codes(old, status);
    const exception = KSERVE_EXCEPTIONS.find(([, raises]) => raises === status)?.[0];
    if (exception === undefined) expect(grpc.grpcCode).not.toBe(Code.Unknown);
    else {
      expect(grpc.grpcCode).toBe(Code.Unknown);
      expect(grpc.rawMessage).toContain(exception);
    }
  });

  it("an unknown model and a model that is not ready, in the 0.14 style", async () => {
    const transport = createNodeGrpcTransport({ baseUrl: old.grpcUrl! });
    transports.push(transport);
    const grpc = createGrpcClient({ transport, retry: false });
    const rest = createV2Client({ baseUrl: old.url, retry: false });
    const unknown = [
      await rejection(rest.infer("no-such-model", x())),
      await rejection(grpc.infer("no-such-model", x())),
    ] as KServeError[];
    expect(unknown.map((e) => e.code)).toEqual(["not_found", "not_found"]);
    expect(unknown[1]!.rawMessage).toContain("kserve.errors.ModelNotFound");
    const faulty = old.models.get("faulty")!;
    faulty.ready = false;
    try {
      const notReady = [
        await rejection(rest.infer("faulty", x())),
        await rejection(grpc.infer("faulty", x())),
      ] as KServeError[];
      expect(notReady.map((e) => e.code)).toEqual(["unavailable", "unavailable"]);
      expect(notReady[1]!.rawMessage).toContain("kserve.errors.ModelNotReady");
    } finally {
      faulty.ready = true;
    }
  });
});
