/**
 * The mock speaks real gRPC: @grpc/grpc-js (another implementation entirely) with the .proto loaded at test
 * time calls it. If the mock only understood connect-es, these would fail.
 */
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockKServe, type MockKServe } from "../../src/testing/index.js";

const PROTO = fileURLToPath(new URL("../../src/grpc/proto/grpc_predict_v2.proto", import.meta.url));

type Callback<T> = (error: grpc.ServiceError | null, value?: T) => void;
interface InferenceClient extends grpc.Client {
  ServerLive(request: object, callback: Callback<{ live: boolean }>): void;
  ModelReady(request: { name: string }, callback: Callback<{ ready: boolean }>): void;
  ModelInfer(request: object, callback: Callback<ModelInferResponse>): void;
}
interface ModelInferResponse {
  model_name: string;
  id: string;
  outputs: { name: string; datatype: string; shape: string[] }[];
  raw_output_contents: Buffer[];
}

let mock: MockKServe;
let client: InferenceClient;

function call<T>(fn: (callback: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value as T))));
}

beforeAll(async () => {
  mock = await startMockKServe();
  const definition = protoLoader.loadSync(PROTO, {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    inference: { GRPCInferenceService: new (address: string, credentials: grpc.ChannelCredentials) => InferenceClient };
  };
  client = new loaded.inference.GRPCInferenceService(new URL(mock.grpcUrl!).host, grpc.credentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  await mock?.close();
});

describe("@grpc/grpc-js against the mock", () => {
  it("ServerLive", async () => {
    await expect(call<{ live: boolean }>((cb) => client.ServerLive({}, cb))).resolves.toEqual({ live: true });
  });

  it("ModelReady", async () => {
    await expect(call<{ ready: boolean }>((cb) => client.ModelReady({ name: "iris-classifier" }, cb))).resolves.toEqual(
      { ready: true },
    );
  });

  it("ModelInfer on iris with raw_input_contents answers raw_output_contents with the expected classes", async () => {
    const features = Buffer.from(Float32Array.of(5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3).buffer);
    const res = await call<ModelInferResponse>((cb) =>
      client.ModelInfer(
        {
          model_name: "iris-classifier",
          id: "grpc-js-1",
          inputs: [{ name: "input-0", datatype: "FP32", shape: [2, 4] }],
          raw_input_contents: [features],
        },
        cb,
      ),
    );
    expect(res.model_name).toBe("iris-classifier");
    expect(res.id).toBe("grpc-js-1");
    expect(res.outputs).toHaveLength(1);
    expect(res.outputs[0]).toMatchObject({ name: "output-0", datatype: "INT64", shape: ["2"] });
    expect(res.raw_output_contents).toHaveLength(1);
    const raw = res.raw_output_contents[0]!;
    expect(raw.byteLength).toBe(16);
    expect([raw.readBigInt64LE(0), raw.readBigInt64LE(8)]).toEqual([0n, 2n]);
  });

  it("an unknown model is status NOT_FOUND (5) with the server's message", async () => {
    const error = (await call((cb) => client.ModelInfer({ model_name: "no-such-model", inputs: [] }, cb)).then(
      () => {
        throw new Error("expected an error");
      },
      (e: unknown) => e,
    )) as grpc.ServiceError;
    expect(error.code).toBe(grpc.status.NOT_FOUND);
    expect(error.code).toBe(5);
    expect(error.details).toContain("Model with name no-such-model does not exist.");
  });
});
