/** inferenceService(): the manifest from a friendly input, checked, with the manifest's paths in errors. */
import { describe, expect, it } from "vitest";
import {
  type InferenceServiceInput,
  InferenceServiceValidationError,
  inferenceService,
  ValidationError,
} from "../../src/deploy/index.js";
import { thrown } from "../helpers.js";

describe("inferenceService", () => {
  it("builds the model form, without inventing a namespace", () => {
    expect(
      inferenceService({
        name: "sklearn-iris",
        predictor: { model: { modelFormat: { name: "sklearn" }, storageUri: "s3://models/iris" } },
      }),
    ).toEqual({
      apiVersion: "serving.kserve.io/v1beta1",
      kind: "InferenceService",
      metadata: { name: "sklearn-iris" },
      spec: { predictor: { model: { modelFormat: { name: "sklearn" }, storageUri: "s3://models/iris" } } },
    });
  });

  it("puts every field where the manifest has it", () => {
    const isvc = inferenceService({
      name: "iris",
      namespace: "kserve-test",
      labels: { team: "ml" },
      annotations: { "serving.kserve.io/deploymentMode": "Standard" },
      predictor: {
        serviceAccountName: "models-s3",
        minReplicas: 1,
        maxReplicas: 4,
        timeout: 30,
        containerConcurrency: 8,
        scaleTarget: 10,
        scaleMetric: "concurrency",
        xgboost: {
          storageUri: "gs://bucket/xgb",
          protocolVersion: "v2",
          runtime: "kserve-xgbserver",
          runtimeVersion: "1.0",
          resources: { requests: { cpu: "1" }, limits: { cpu: 2, memory: "4Gi" } },
          env: [
            { name: "A", value: "1" },
            { name: "B", valueFrom: { secretKeyRef: { name: "s", key: "b" } } },
          ],
          args: ["--x"],
        },
      },
    });
    expect(isvc.metadata).toEqual({
      name: "iris",
      namespace: "kserve-test",
      labels: { team: "ml" },
      annotations: { "serving.kserve.io/deploymentMode": "Standard" },
    });
    expect(isvc.spec.predictor).toEqual({
      serviceAccountName: "models-s3",
      minReplicas: 1,
      maxReplicas: 4,
      timeout: 30,
      containerConcurrency: 8,
      scaleTarget: 10,
      scaleMetric: "concurrency",
      xgboost: {
        storageUri: "gs://bucket/xgb",
        protocolVersion: "v2",
        runtime: "kserve-xgbserver",
        runtimeVersion: "1.0",
        resources: { requests: { cpu: "1" }, limits: { cpu: 2, memory: "4Gi" } },
        env: [
          { name: "A", value: "1" },
          { name: "B", valueFrom: { secretKeyRef: { name: "s", key: "b" } } },
        ],
        args: ["--x"],
      },
    });
    expect(Object.keys(isvc)).toEqual(["apiVersion", "kind", "metadata", "spec"]);
  });

  it("takes KServe's server-side batcher beside the model", () => {
    const isvc = inferenceService({
      name: "iris",
      predictor: { batcher: { maxBatchSize: 32, maxLatency: 500 }, sklearn: { storageUri: "s3://models/iris" } },
    });
    expect(isvc.spec.predictor.batcher).toEqual({ maxBatchSize: 32, maxLatency: 500 });
    expect(() =>
      inferenceService({ name: "iris", predictor: { batcher: { timeout: 0 }, sklearn: { storageUri: "s3://m/i" } } }),
    ).toThrow("spec.predictor.batcher.timeout: must be at least 1, got 0");
  });

  it("does not share the caller's objects", () => {
    const predictor = { sklearn: { storageUri: "s3://b/m", args: ["--a"] } };
    const isvc = inferenceService({ name: "m", predictor });
    predictor.sklearn.args.push("--b");
    expect(isvc.spec.predictor.sklearn?.args).toEqual(["--a"]);
  });

  it("throws every problem at once, by the manifest's paths", () => {
    const error = thrown(InferenceServiceValidationError, () =>
      inferenceService({
        name: "1-iris",
        namespace: "Prod",
        predictor: {
          minReplicas: 2,
          maxReplicas: 1,
          model: { modelFormat: { name: "sklearn" }, storageUri: "bucket/iris" },
        },
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.problems.map((p) => p.path)).toEqual([
      "metadata.name",
      "metadata.namespace",
      "spec.predictor.maxReplicas",
      "spec.predictor.model.storageUri",
    ]);
  });

  it("refuses what the types rule out, for JavaScript callers", () => {
    const twoModels = { name: "m", predictor: { sklearn: {}, onnx: {} } } as unknown as InferenceServiceInput;
    expect(thrown(InferenceServiceValidationError, () => inferenceService(twoModels)).problems).toEqual([
      {
        path: "spec.predictor",
        message: 'has "sklearn" and "onnx"; give exactly one of "model" and the framework shorthands',
      },
    ]);
    const misplaced = {
      name: "m",
      minReplicas: 1,
      spec: {},
      predictor: { sklearn: {} },
    } as unknown as InferenceServiceInput;
    expect(thrown(InferenceServiceValidationError, () => inferenceService(misplaced)).problems).toEqual([
      {
        path: "minReplicas",
        message: expect.stringMatching(
          /^is not an option: inferenceService\(\) takes name, namespace, labels, annotations, predictor; predictor settings such as minReplicas go inside predictor$/,
        ),
      },
      { path: "spec", message: expect.stringContaining("is not an option") },
    ]);
    expect(
      thrown(InferenceServiceValidationError, () => inferenceService(null as unknown as InferenceServiceInput))
        .problems,
    ).toEqual([{ path: "", message: "inferenceService() takes an object such as { name, predictor }, got null" }]);
  });
});

// Compile-time checks: `tsc -p tsconfig.test.json` fails if any of these lines stops being an error.
export function typeChecks(): void {
  // @ts-expect-error two implementations at once
  inferenceService({ name: "m", predictor: { sklearn: {}, onnx: {} } });
  // @ts-expect-error no implementation
  inferenceService({ name: "m", predictor: { minReplicas: 1 } });
  // @ts-expect-error modelFormat belongs to predictor.model only
  inferenceService({ name: "m", predictor: { sklearn: { modelFormat: { name: "sklearn" } } } });
  // @ts-expect-error predictor.model needs modelFormat
  inferenceService({ name: "m", predictor: { model: { storageUri: "s3://b/m" } } });
  // @ts-expect-error a typo is not a field
  inferenceService({ name: "m", predictor: { sklearn: { storageURI: "s3://b/m" } } });
  // @ts-expect-error protocolVersion is one of four
  inferenceService({ name: "m", predictor: { sklearn: { protocolVersion: "v3" } } });
  // @ts-expect-error an env var has value or valueFrom, not both
  inferenceService({ name: "m", predictor: { sklearn: { env: [{ name: "A", value: "1", valueFrom: {} }] } } });
}
