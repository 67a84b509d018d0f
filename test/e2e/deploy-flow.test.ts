/**
 * The whole deploy flow end to end, as `npm run demo` runs it: examples/deploy-flow against the embedded mock
 * KServe (Kubernetes API, reconciler with the mock S3 bucket, ingress gateway), through the official
 * Kubernetes client. Then the failure flows a user meets, each a clear error within seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDeployFlow, SPECIES } from "../../examples/deploy-flow/flow.mjs";
import {
  deploy,
  type DeployEvent,
  inferenceService,
  InferenceServiceFailedError,
  s3Credentials,
} from "../../src/deploy/index.node.js";
import { TimeoutError } from "../../src/core/errors.js";
import { Tensor } from "../../src/tensor/index.js";
import { MOCK_S3_BUCKET, type MockKServe, startMockKServe, STALL_ANNOTATION } from "../../src/testing/index.js";

let mock: MockKServe;
beforeAll(async () => {
  mock = await startMockKServe();
});
afterAll(async () => {
  await mock.close();
});

const s3 = {
  accessKeyId: MOCK_S3_BUCKET.accessKeyId,
  secretAccessKey: MOCK_S3_BUCKET.secretAccessKey,
  endpoint: MOCK_S3_BUCKET.endpoint,
  useHttps: false,
};

describe("the deploy flow of examples/deploy-flow", () => {
  it("credentials → manifest → apply → Ready → endpoint → the same species over V1, V2 JSON, V2 binary and gRPC", async () => {
    const lines: string[] = [];
    const result = await runDeployFlow({
      kubeconfig: { yaml: mock.kubeconfig },
      ingress: mock.ingressUrl,
      namespace: "kserve-demo",
      name: "sklearn-iris",
      storageUri: MOCK_S3_BUCKET.irisUri,
      s3,
      timeoutMs: 30_000,
      print: (line) => lines.push(line),
      progress: undefined,
    });
    expect(result.agree).toBe(true);
    expect(Object.keys(result.answers)).toEqual(["V1 :predict", "V2 JSON", "V2 binary", "gRPC"]);
    for (const names of Object.values(result.answers)) expect(names).toEqual(SPECIES);
    // The host comes from status.url (Knative pattern by default), the requests go to the gateway.
    expect(result.endpoint).toMatchObject({
      baseUrl: mock.ingressUrl,
      host: "sklearn-iris.kserve-demo.example.com",
      url: "http://sklearn-iris.kserve-demo.example.com",
    });
    const applied = result.events
      .filter((e) => e.type === "applied")
      .map((e) => (e.type === "applied" ? `${e.kind} ${e.action}` : ""));
    expect(applied).toEqual(["Secret created", "ServiceAccount created", "InferenceService created"]);
    const conditions = result.events.flatMap((e) =>
      e.type === "condition" ? [`${e.condition.type}=${e.condition.status}`] : [],
    );
    expect(conditions).toContain("PredictorReady=True");
    expect(conditions.at(-1) === "Ready=True" || conditions.includes("Ready=True")).toBe(true);
    expect(conditions.indexOf("Ready=True")).toBeGreaterThan(conditions.indexOf("Ready=Unknown"));
    expect(result.events.at(-1)).toMatchObject({ type: "ready", url: "http://sklearn-iris.kserve-demo.example.com" });
    // What a user sees: each step, the manifest as YAML, the predictions by name.
    expect(lines.some((line) => line.includes("storageUri: s3://kserve-examples/models/sklearn/iris"))).toBe(true);
    expect(lines.some((line) => line.includes("gRPC") && line.includes("virginica"))).toBe(true);
    expect(lines.at(-1)).toBe("7. Verify: every protocol gives the same species");
  });

  it("deploying the same manifest again changes nothing and is ready at once", async () => {
    const isvc = inferenceService({
      name: "iris-again",
      namespace: "kserve-test",
      predictor: {
        serviceAccountName: "again-s3",
        model: { modelFormat: { name: "sklearn" }, storageUri: MOCK_S3_BUCKET.irisUri },
      },
    });
    const options = {
      kubeconfig: { yaml: mock.kubeconfig },
      ingress: mock.ingressUrl,
      credentials: s3Credentials({ name: "again-s3", namespace: "kserve-test", ...s3 }),
      timeoutMs: 30_000,
    };
    const first = await deploy(isvc, options);
    first.close();
    const events: DeployEvent[] = [];
    const second = await deploy(isvc, { ...options, onEvent: (e) => events.push(e) });
    second.close();
    expect(events.find((e) => e.type === "applied" && e.kind === "InferenceService")).toMatchObject({
      action: "unchanged",
    });
  });
});

describe("Standard (raw Kubernetes) deployment mode", () => {
  it("deploys through the Standard host pattern; False-while-starting conditions are not failures", async () => {
    const standard = await startMockKServe({ cluster: { deploymentMode: "Standard" } });
    try {
      const events: DeployEvent[] = [];
      const deployment = await deploy(
        inferenceService({
          name: "iris-raw",
          namespace: "kserve-test",
          predictor: {
            serviceAccountName: "raw-s3",
            model: { modelFormat: { name: "sklearn" }, storageUri: MOCK_S3_BUCKET.irisUri },
          },
        }),
        {
          kubeconfig: { yaml: standard.kubeconfig },
          ingress: standard.ingressUrl,
          credentials: s3Credentials({ name: "raw-s3", namespace: "kserve-test", ...s3 }),
          grpc: true,
          timeoutMs: 30_000,
          onEvent: (e) => events.push(e),
        },
      );
      try {
        expect(deployment.endpoint.host).toBe("iris-raw-kserve-test.example.com");
        expect(deployment.inferenceService.status?.deploymentMode).toBe("Standard");
        expect(events.some((e) => e.type === "condition" && e.condition.status === "False")).toBe(true);
        const x = Tensor.fp32("input-0", [1, 4], [6.8, 2.8, 4.8, 1.4]);
        expect((await deployment.grpc!.infer("iris-raw", { inputs: [x] })).output("output-0").data).toEqual(
          new BigInt64Array([1n]),
        );
      } finally {
        deployment.close();
      }
    } finally {
      await standard.close();
    }
  });
});

describe("failure flows end with a clear error within seconds", () => {
  const base = { kubeconfig: () => ({ yaml: mock.kubeconfig }), ingress: () => mock.ingressUrl };

  it("wrong storage credentials: the storage initializer's denial, as KServe reports it", async () => {
    const started = Date.now();
    const error = await deploy(
      inferenceService({
        name: "iris-denied",
        namespace: "kserve-test",
        predictor: {
          serviceAccountName: "bad-s3",
          model: { modelFormat: { name: "sklearn" }, storageUri: MOCK_S3_BUCKET.irisUri },
        },
      }),
      {
        kubeconfig: base.kubeconfig(),
        ingress: base.ingress(),
        credentials: s3Credentials({ name: "bad-s3", namespace: "kserve-test", ...s3, secretAccessKey: "wrong" }),
        timeoutMs: 30_000,
      },
    ).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(InferenceServiceFailedError);
    expect((error as InferenceServiceFailedError).conditionMessage ?? "").toMatch(
      /denied|forbidden|signature|credentials/i,
    );
  });

  it("no credentials at all: the download fails, not a timeout", async () => {
    const error = await deploy(
      inferenceService({
        name: "iris-anonymous",
        namespace: "kserve-test",
        predictor: { model: { modelFormat: { name: "sklearn" }, storageUri: MOCK_S3_BUCKET.irisUri } },
      }),
      { kubeconfig: base.kubeconfig(), ingress: base.ingress(), timeoutMs: 30_000 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InferenceServiceFailedError);
  });

  it("a model format no runtime supports: KServe's InvalidSpec, at once", async () => {
    const started = Date.now();
    const error = await deploy(
      inferenceService({
        name: "iris-unknown",
        namespace: "kserve-test",
        predictor: { model: { modelFormat: { name: "no-such-framework" }, storageUri: MOCK_S3_BUCKET.irisUri } },
      }),
      { kubeconfig: base.kubeconfig(), ingress: base.ingress(), timeoutMs: 30_000 },
    ).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(InferenceServiceFailedError);
    expect((error as Error).message).toMatch(/runtime/i);
  });

  it("a ServiceAccount that does not exist: the pod cannot be created, and the error says why", async () => {
    const error = await deploy(
      inferenceService({
        name: "iris-no-sa",
        namespace: "kserve-test",
        predictor: {
          serviceAccountName: "missing-sa",
          model: { modelFormat: { name: "sklearn" }, storageUri: MOCK_S3_BUCKET.irisUri },
        },
      }),
      { kubeconfig: base.kubeconfig(), ingress: base.ingress(), timeoutMs: 30_000 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InferenceServiceFailedError);
    expect((error as Error).message).toContain("missing-sa");
    expect((error as Error).message).not.toContain("Predictor ingress not created");
  });

  it("a model that never gets ready: a TimeoutError at the deadline naming the last conditions", async () => {
    const started = Date.now();
    const error = await deploy(
      inferenceService({
        name: "iris-stalled",
        namespace: "kserve-test",
        annotations: { [STALL_ANNOTATION]: "true" },
        predictor: {
          serviceAccountName: "stall-s3",
          model: { modelFormat: { name: "sklearn" }, storageUri: MOCK_S3_BUCKET.irisUri },
        },
      }),
      {
        kubeconfig: base.kubeconfig(),
        ingress: base.ingress(),
        credentials: s3Credentials({ name: "stall-s3", namespace: "kserve-test", ...s3 }),
        timeoutMs: 2000,
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(5000);
    expect((error as Error).message).toMatch(/kserve-test\/iris-stalled was not Ready within \d+ ms; last: .*Ready=/);
  });
});
