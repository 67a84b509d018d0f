/**
 * The mock cluster when things go wrong, reported the way KServe reports them: storage-initializer errors (bad
 * or missing credentials, a missing bucket or model) in `modelStatus.lastFailureInfo` with botocore's and
 * kserve_storage's texts; pods that cannot be created (no ServiceAccount, a missing Secret) through the
 * revision's or Deployment's conditions; a model the runtime cannot load; a format no runtime serves
 * (`InvalidSpec`); a manifest the webhook refuses (422 with causes); a model that never gets ready.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { InferenceService } from "../../src/deploy/index.js";
import { createNodeHttpClient } from "../../src/node/http-client.js";
import { Tensor } from "../../src/tensor/index.js";
import { createV2Client } from "../../src/v2/index.js";
import { irisModelFile, MOCK_S3_BUCKET, type MockS3Buckets, STALL_ANNOTATION } from "../../src/testing/index.js";
import {
  applyCredentials,
  closeAfterTest,
  condition,
  create,
  gatewayRequest,
  type Harness,
  hostOf,
  isReady,
  manifest,
  NAMESPACE,
  recordStatuses,
  startHarness,
} from "./cluster-kit.js";

const blocked = (isvc: InferenceService) => isvc.status?.modelStatus?.transitionStatus === "BlockedByFailedLoad";

/** Create `isvc` and wait until the model is blocked by a failed load; the failure info and the object. */
async function deployUntilBlocked(h: Harness, isvc: InferenceService) {
  const recorder = await recordStatuses(h, isvc.metadata.name);
  await create(h, isvc);
  const failed = await recorder.until(blocked);
  return { failed, info: failed.status?.modelStatus?.lastFailureInfo, statuses: recorder.statuses };
}

/** Two buckets with their own key pairs: the demo one, and one for another team. */
const TWO_BUCKETS = (): MockS3Buckets => ({
  [MOCK_S3_BUCKET.name]: {
    credentials: { accessKeyId: "minio", secretAccessKey: "minio123" },
    objects: { "models/sklearn/iris/model.json": irisModelFile() },
  },
  "team-b": {
    credentials: { accessKeyId: "team-b", secretAccessKey: "team-b-secret" },
    objects: { "iris/model.json": irisModelFile(), "notes/README.txt": "no model here" },
  },
});

describe("the storage initializer", () => {
  it.each([
    [
      "an unknown access key",
      { accessKeyId: "nobody" },
      "InvalidAccessKeyId",
      "The AWS Access Key Id you provided does not exist in our records.",
    ],
    [
      "a wrong secret key",
      { secretAccessKey: "guess" },
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    ],
    [
      "another bucket's keys",
      { accessKeyId: "team-b", secretAccessKey: "team-b-secret" },
      "AccessDenied",
      "Access Denied",
    ],
  ])("fails on %s with S3's error, as botocore reports it", async (_what, keys, code, text) => {
    const h = await startHarness({ buckets: TWO_BUCKETS() });
    await applyCredentials(h, "s3-reader", keys);
    const { failed, info } = await deployUntilBlocked(h, manifest("sklearn-iris"));
    expect(info).toEqual({
      reason: "ModelLoadFailed",
      message: `botocore.exceptions.ClientError: An error occurred (${code}) when calling the ListObjects operation: ${text}`,
      exitCode: 1,
    });
    expect(failed.status?.modelStatus?.states).toEqual({ activeModelState: "", targetModelState: "FailedToLoad" });
    // Knative watches the model server, not the init container: the revision is still "starting".
    expect(condition(failed, "PredictorReady")).toMatchObject({ status: "Unknown", reason: "RevisionMissing" });
    expect(condition(failed, "Ready")?.status).toBe("Unknown");
    expect(failed.status?.url).toBeUndefined();
  });

  it("finds no credentials when the ServiceAccount lists no S3 Secret", async () => {
    const h = await startHarness();
    const { info } = await deployUntilBlocked(h, manifest("sklearn-iris", { serviceAccountName: undefined }));
    expect(info?.["message"]).toBe("botocore.exceptions.NoCredentialsError: Unable to locate credentials");
  });

  it("cannot reach an S3 endpoint other than the mock's", async () => {
    const h = await startHarness();
    await h.core.createNamespacedSecret({
      namespace: NAMESPACE,
      body: {
        metadata: {
          name: "elsewhere",
          annotations: { "serving.kserve.io/s3-endpoint": "minio.other:9000", "serving.kserve.io/s3-usehttps": "0" },
        },
        stringData: { AWS_ACCESS_KEY_ID: "minio", AWS_SECRET_ACCESS_KEY: "minio123" },
      },
    });
    await h.core.createNamespacedServiceAccount({
      namespace: NAMESPACE,
      body: { metadata: { name: "s3-reader" }, secrets: [{ name: "elsewhere" }] },
    });
    const { info } = await deployUntilBlocked(h, manifest("sklearn-iris"));
    expect(info?.["message"]).toBe(
      'botocore.exceptions.EndpointConnectionError: Could not connect to the endpoint URL: "http://minio.other:9000/kserve-examples?prefix=models%2Fsklearn%2Firis&encoding-type=url"',
    );
  });

  it.each([
    [
      "a prefix with no objects",
      "s3://kserve-examples/models/sklearn/missing",
      "RuntimeError: Failed to fetch model. No model found in models/sklearn/missing.",
    ],
    [
      "a bucket that does not exist",
      "s3://no-such-bucket/models/iris",
      "botocore.exceptions.ClientError: An error occurred (NoSuchBucket) when calling the ListObjects operation: The specified bucket does not exist",
    ],
    [
      "a scheme the mock has nothing behind",
      "gs://kfserving-examples/models/sklearn/1.0/model",
      "RuntimeError: gs:// storage is not available in the mock KServe",
    ],
    [
      "a local path that does not exist",
      "file:///no/such/model/dir",
      "RuntimeError: Local path file:///no/such/model/dir does not exist.",
    ],
  ])("fails on %s", async (_what, storageUri, message) => {
    const h = await startHarness();
    await applyCredentials(h);
    const { info } = await deployUntilBlocked(
      h,
      manifest("sklearn-iris", { model: { modelFormat: { name: "sklearn" }, storageUri } }),
    );
    expect(String(info?.["message"])).toContain(message);
  });

  it("reads a local directory for file:// URIs", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kserve-mock-"));
    closeAfterTest(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, "model.json"), irisModelFile());
    const h = await startHarness();
    const recorder = await recordStatuses(h, "local-iris");
    await create(
      h,
      manifest("local-iris", {
        serviceAccountName: undefined,
        model: { modelFormat: { name: "sklearn" }, storageUri: `file://${dir}` },
      }),
    );
    const ready = await recorder.until(isReady);
    const answer = await gatewayRequest(h.mock.ingressUrl, {
      host: hostOf(ready),
      method: "POST",
      path: "/v1/models/local-iris:predict",
      headers: { "content-type": "application/json" },
      body: '{"instances":[[5.1,3.5,1.4,0.2]]}',
    });
    expect(answer).toMatchObject({ status: 200, body: '{"predictions":[0]}' });
  });
});

describe("pods that cannot be created", () => {
  it("Knative: a ServiceAccount that does not exist fails the revision", async () => {
    const h = await startHarness();
    const recorder = await recordStatuses(h, "sklearn-iris");
    await create(h, manifest("sklearn-iris", { serviceAccountName: "ghost" }));
    const failed = await recorder.until((isvc) => condition(isvc, "Ready")?.status === "False");
    const configuration = condition(failed, "PredictorConfigurationReady");
    expect(configuration).toMatchObject({ status: "False", severity: "Info", reason: "RevisionFailed" });
    expect(configuration?.message).toMatch(
      /^Revision "sklearn-iris-predictor-00001" failed with message: pods "sklearn-iris-predictor-00001-deployment-[a-z0-9]+-" is forbidden: error looking up service account kserve-test\/ghost: serviceaccount "ghost" not found\.$/,
    );
    expect(condition(failed, "PredictorReady")).toMatchObject({
      status: "False",
      reason: "RevisionMissing",
      message: 'Configuration "sklearn-iris-predictor" does not have any ready Revision.',
    });
    expect(condition(failed, "IngressReady")).toMatchObject({
      status: "False",
      reason: "Predictor ingress not created",
    });
    expect(failed.status?.modelStatus).toMatchObject({
      transitionStatus: "BlockedByFailedLoad",
      states: { targetModelState: "FailedToLoad" },
    });
  });

  it("Standard: a Secret the ServiceAccount lists but that does not exist fails the ReplicaSet (FailedCreate)", async () => {
    const h = await startHarness({ deploymentMode: "Standard" });
    await h.core.createNamespacedServiceAccount({
      namespace: NAMESPACE,
      body: { metadata: { name: "s3-reader" }, secrets: [{ name: "forgotten" }] },
    });
    const recorder = await recordStatuses(h, "sklearn-iris");
    await create(h, manifest("sklearn-iris"));
    const failed = await recorder.until((isvc) => condition(isvc, "PredictorReady")?.reason === "FailedCreate");
    expect(condition(failed, "PredictorReady")).toMatchObject({
      status: "False",
      message:
        'admission webhook "inferenceservice.kserve-webhook-server.pod-mutator" denied the request: secrets "forgotten" not found',
    });
    expect(condition(failed, "Ready")?.status).toBe("False");
  });
});

describe("the model server", () => {
  it("fails to load a model file that is not a tree classifier; Knative fails the revision with its message", async () => {
    const buckets = TWO_BUCKETS();
    buckets["team-b"]!.objects["broken/model.json"] = "{ not json";
    const h = await startHarness({ buckets });
    await applyCredentials(h, "s3-reader", { accessKeyId: "team-b", secretAccessKey: "team-b-secret" });
    const { failed, info } = await deployUntilBlocked(
      h,
      manifest("broken", { model: { modelFormat: { name: "sklearn" }, storageUri: "s3://team-b/broken" } }),
    );
    expect(String(info?.["message"])).toMatch(
      /^ValueError: \/mnt\/models\/model\.json is not a kserve-client tree classifier: not JSON/,
    );
    expect(condition(failed, "PredictorConfigurationReady")?.message).toBe(
      `Revision "broken-predictor-00001" failed with message: Container failed with: ${String(info?.["message"])}.`,
    );
    expect(condition(failed, "PredictorReady")).toMatchObject({ status: "False", reason: "RevisionMissing" });
  });

  it("finds no model file among files it does not load", async () => {
    const h = await startHarness({ buckets: TWO_BUCKETS() });
    await applyCredentials(h, "s3-reader", { accessKeyId: "team-b", secretAccessKey: "team-b-secret" });
    const { info } = await deployUntilBlocked(
      h,
      manifest("notes", { model: { modelFormat: { name: "sklearn" }, storageUri: "s3://team-b/notes" } }),
    );
    expect(info?.["message"]).toBe("kserve.errors.ModelMissingError: /mnt/models");
  });

  it("serves the echo format (runtime kserve-client-echo) without a model file", async () => {
    const h = await startHarness();
    const recorder = await recordStatuses(h, "echo");
    await create(h, manifest("echo", { serviceAccountName: undefined, model: { modelFormat: { name: "echo" } } }));
    const ready = await recorder.until(isReady);
    expect(ready.status?.["clusterServingRuntimeName"]).toBe("kserve-client-echo");
    const httpClient = createNodeHttpClient();
    closeAfterTest(() => httpClient.close());
    const v2 = createV2Client({ baseUrl: h.mock.ingressUrl, host: hostOf(ready), httpClient });
    const answer = await v2.infer("echo", { inputs: [Tensor.int64("big", [2], [9007199254740993n, -1n])] });
    expect(Array.from(answer.output("big", "INT64").data)).toEqual([9007199254740993n, -1n]);
  });

  it("keeps the old revision serving when a new generation fails to load", async () => {
    const h = await startHarness();
    await applyCredentials(h);
    const recorder = await recordStatuses(h, "sklearn-iris");
    const first = await create(h, manifest("sklearn-iris"));
    const ready = await recorder.until(isReady);
    const body = {
      ...ready,
      spec: {
        predictor: {
          ...first.spec.predictor,
          model: { modelFormat: { name: "sklearn" }, storageUri: "s3://kserve-examples/models/none" },
        },
      },
    };
    await h.custom.replaceNamespacedCustomObject({
      group: "serving.kserve.io",
      version: "v1beta1",
      namespace: NAMESPACE,
      plural: "inferenceservices",
      name: "sklearn-iris",
      body,
    });
    const failed = await recorder.until((isvc) => isvc.status?.observedGeneration === 2 && blocked(isvc));
    expect(failed.status?.modelStatus?.states).toEqual({
      activeModelState: "Loaded",
      targetModelState: "FailedToLoad",
    });
    expect(
      (await gatewayRequest(h.mock.ingressUrl, { host: hostOf(ready), path: "/v2/models/sklearn-iris/ready" })).status,
    ).toBe(200);
  });
});

describe("runtime selection", () => {
  it("reports InvalidSpec when no runtime supports the model format, and deploys nothing", async () => {
    const h = await startHarness();
    const recorder = await recordStatuses(h, "xgb");
    await create(
      h,
      manifest("xgb", { model: { modelFormat: { name: "xgboost" }, storageUri: MOCK_S3_BUCKET.irisUri } }),
    );
    const invalid = await recorder.until((isvc) => isvc.status?.modelStatus?.transitionStatus === "InvalidSpec");
    expect(invalid.status?.modelStatus).toEqual({
      transitionStatus: "InvalidSpec",
      states: { activeModelState: "", targetModelState: "FailedToLoad" },
      lastFailureInfo: {
        reason: "NoSupportingRuntime",
        message: "No runtime found to support specified framework/version",
      },
    });
    expect(invalid.status?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
      "IngressReady=Unknown",
      "PredictorReady=Unknown",
      "Ready=Unknown",
    ]);
    expect(invalid.status?.observedGeneration).toBeUndefined(); // no Knative Service, so no generation observed
  });

  it.each([
    [
      "a runtime that does not exist",
      { runtime: "kserve-tritonserver" },
      "RuntimeNotRecognized",
      "Waiting for runtime to become available",
    ],
    [
      "a runtime of another format",
      { runtime: "kserve-client-echo" },
      "NoSupportingRuntime",
      "Specified runtime does not support specified framework/version",
    ],
    [
      "a model format version the runtime lacks",
      { modelFormat: { name: "sklearn", version: "2" } },
      "NoSupportingRuntime",
      "No runtime found to support specified framework/version",
    ],
  ])("reports InvalidSpec for %s", async (_what, model, reason, message) => {
    const h = await startHarness();
    const recorder = await recordStatuses(h, "picky");
    await create(
      h,
      manifest("picky", { model: { modelFormat: { name: "sklearn" }, storageUri: MOCK_S3_BUCKET.irisUri, ...model } }),
    );
    const invalid = await recorder.until((isvc) => isvc.status?.modelStatus?.transitionStatus === "InvalidSpec");
    expect(invalid.status?.modelStatus?.lastFailureInfo).toEqual({ reason, message });
  });
});

describe("admission", () => {
  it("refuses an invalid manifest with 422 and a cause per problem, as KServe's webhook", async () => {
    const h = await startHarness();
    const bad = manifest("sklearn-iris", {
      minReplicas: -1,
      model: { modelFormat: { name: "sklearn" }, storageURI: MOCK_S3_BUCKET.irisUri },
    });
    const failure = await create(h, bad).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(k8s.ApiException);
    const error = failure as k8s.ApiException<string>;
    expect(error.code).toBe(422);
    const status = JSON.parse(error.body) as {
      reason: string;
      message: string;
      details: { causes: { field: string; message: string }[] };
    };
    expect(status.reason).toBe("Invalid");
    expect(status.message).toMatch(
      /^admission webhook "inferenceservice\.kserve-webhook-server\.validator" denied the request: /,
    );
    const causes = Object.fromEntries(status.details.causes.map((c) => [c.field, c.message]));
    expect(Object.keys(causes).sort()).toEqual(["spec.predictor.minReplicas", "spec.predictor.model.storageURI"]);
    expect(causes["spec.predictor.model.storageURI"]).toContain('did you mean "storageUri"');
    expect(h.mock.store.list("inferenceservices").items).toHaveLength(0);
  });
});

describe("admission of predictor.batcher", () => {
  it("refuses a batcher that could never batch, naming the field", async () => {
    const h = await startHarness();
    const failure = await create(h, manifest("sklearn-iris", { batcher: { maxBatchSize: 0 } })).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(k8s.ApiException);
    const status = JSON.parse((failure as k8s.ApiException<string>).body) as {
      details: { causes: { field: string; message: string }[] };
    };
    expect(status.details.causes).toEqual([
      {
        field: "spec.predictor.batcher.maxBatchSize",
        message: "must be at least 1, got 0",
        reason: "FieldValueInvalid",
      },
    ]);
  });
});

describe("a model that never gets ready", () => {
  it(`stays Loading, never Ready, with the ${STALL_ANNOTATION} annotation`, async () => {
    const stepMs = 20;
    const h = await startHarness({ stepMs });
    await applyCredentials(h);
    const recorder = await recordStatuses(h, "stuck");
    await create(h, manifest("stuck", {}, { annotations: { [STALL_ANNOTATION]: "true" } }));
    const loading = await recorder.until((isvc) => isvc.status?.modelStatus?.states?.targetModelState === "Loading");
    // Well past the steps a healthy model takes to get ready.
    await new Promise((resolve) => setTimeout(resolve, stepMs * 10));
    expect(recorder.statuses.at(-1)).toEqual(loading.status);
    expect(condition(loading, "Ready")?.status).toBe("Unknown");
    expect(loading.status?.url).toBeUndefined();
  });
});
