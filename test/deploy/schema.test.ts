/** checkInferenceService / parseInferenceService: the shape, the Kubernetes rules, and every problem at once. */
import { describe, expect, it } from "vitest";
import {
  checkInferenceService,
  FRAMEWORKS,
  InferenceServiceValidationError,
  KServeError,
  parseInferenceService,
  type Problem,
  ValidationError,
} from "../../src/deploy/index.js";
import { thrown } from "../helpers.js";
import { copy, irisSpec, knativeIsvc, standardStatus } from "./status-objects.js";

const manifest = (predictor: Record<string, unknown>, metadata: Record<string, unknown> = {}) => ({
  apiVersion: "serving.kserve.io/v1beta1",
  kind: "InferenceService",
  metadata: { name: "sklearn-iris", namespace: "kserve-test", ...metadata },
  spec: { predictor },
});
const sklearn = (fields: Record<string, unknown> = {}) => ({
  model: { modelFormat: { name: "sklearn" }, storageUri: "s3://models/iris", ...fields },
});

function problemsOf(value: unknown): Problem[] {
  const result = checkInferenceService(value);
  if (result.ok) throw new Error(`expected problems, got a valid InferenceService`);
  return result.problems;
}
const pathsOf = (value: unknown) => problemsOf(value).map((p) => p.path);
const isValid = (value: unknown) => checkInferenceService(value).ok;

describe("valid manifests", () => {
  it("accepts the model form and returns an equal, new object", () => {
    const input = manifest(
      {
        serviceAccountName: "models-s3",
        minReplicas: 0,
        maxReplicas: 3,
        timeout: 60,
        containerConcurrency: 0,
        scaleTarget: 80,
        scaleMetric: "cpu",
        ...sklearn({
          protocolVersion: "v2",
          runtime: "kserve-sklearnserver",
          resources: {
            requests: { cpu: "500m", memory: "1Gi" },
            limits: { cpu: 1, memory: "2Gi", "nvidia.com/gpu": "1" },
          },
          env: [
            { name: "LOG_LEVEL", value: "debug" },
            { name: "TOKEN", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
          ],
          args: ["--workers", "2"],
        }),
      },
      {
        labels: { app: "iris", "app.kubernetes.io/part-of": "demo", empty: "" },
        annotations: { "serving.kserve.io/deploymentMode": "Standard", note: "any text: yes\nmulti-line" },
      },
    );
    const result = checkInferenceService(input);
    expect(result).toEqual({ ok: true, value: input });
    expect(result.ok && result.value).not.toBe(input);
    expect(result.ok && result.value.spec.predictor).not.toBe(input.spec.predictor);
  });

  it.each(FRAMEWORKS)("accepts the %s shorthand", (framework) => {
    const input = manifest({ [framework]: { storageUri: "gs://bucket/model", protocolVersion: "v1" } });
    expect(checkInferenceService(input)).toEqual({ ok: true, value: input });
  });

  it.each([
    "s3://bucket/path/to/model",
    "s3://bucket",
    "gs://kfserving-examples/models/sklearn/1.0/model",
    "pvc://model-claim/iris/model.joblib",
    "pvc://model-claim",
    "file:///mnt/models/iris",
    "http://models.internal/iris/model.joblib",
    "https://models.example.com:8443/iris.joblib?sig=abc",
    "hf://meta-llama/Llama-3.1-8B-Instruct",
    "hf://org/model:main",
  ])("accepts storageUri %s", (storageUri) => {
    expect(isValid(manifest(sklearn({ storageUri })))).toBe(true);
  });

  it("keeps the minimal form minimal: no storageUri, no namespace", () => {
    const input = {
      apiVersion: "serving.kserve.io/v1beta1",
      kind: "InferenceService",
      metadata: { name: "m" },
      spec: { predictor: { onnx: {} } },
    };
    expect(checkInferenceService(input)).toEqual({ ok: true, value: input });
  });
});

describe("unknown keys", () => {
  it("keeps fields this SDK does not model, at every level", () => {
    const full = {
      apiVersion: "serving.kserve.io/v1beta1",
      kind: "InferenceService",
      metadata: {
        name: "a",
        uid: "1f6c",
        resourceVersion: "12345",
        generation: 2,
        creationTimestamp: "2025-01-10T08:00:00Z",
        managedFields: [{ manager: "kubectl" }],
        finalizers: ["x"],
      },
      spec: {
        transformer: { containers: [{ name: "t", image: "t:1" }] },
        predictor: {
          nodeSelector: { "kubernetes.io/arch": "amd64" },
          tolerations: [{ key: "gpu", operator: "Exists" }],
          canaryTrafficPercent: 10,
          model: {
            modelFormat: { name: "sklearn", version: "1" },
            image: "registry.example.com/sklearn:1",
            ports: [{ containerPort: 8080, name: "h2c" }],
            resources: { requests: { cpu: "1" }, claims: [{ name: "gpu" }] },
            env: [{ name: "A", value: "1", extra: true }],
          },
        },
      },
      extraTopLevel: { kept: true },
    };
    expect(checkInferenceService(full)).toEqual({ ok: true, value: full });
  });

  it("refuses near-misses of known fields, which the API server would drop without a word", () => {
    const problems = problemsOf(
      manifest(
        {
          ServiceAccountName: "sa",
          min_replicas: 1,
          model: { modelFormat: { name: "sklearn", Version: "1" }, storageURI: "s3://b/m" },
        },
        { Labels: {} },
      ),
    );
    expect(problems).toEqual([
      { path: "metadata.Labels", message: 'is not a field; did you mean "labels"?' },
      { path: "spec.predictor.ServiceAccountName", message: 'is not a field; did you mean "serviceAccountName"?' },
      { path: "spec.predictor.min_replicas", message: 'is not a field; did you mean "minReplicas"?' },
      { path: "spec.predictor.model.modelFormat.Version", message: 'is not a field; did you mean "version"?' },
      { path: "spec.predictor.model.storageURI", message: 'is not a field; did you mean "storageUri"?' },
    ]);
  });

  it("reads creationTimestamp as kubectl (null) and @kubernetes/client-node (a Date) give it", () => {
    for (const creationTimestamp of [null, new Date("2025-01-10T08:00:00Z"), "2025-01-10T08:00:00Z"]) {
      expect(isValid(manifest(sklearn(), { creationTimestamp }))).toBe(true);
    }
    expect(problemsOf(manifest(sklearn(), { creationTimestamp: 5 }))).toEqual([
      { path: "metadata.creationTimestamp", message: "expected a string or a Date, got number 5" },
    ]);
  });

  it("copes with a cycle inside an unknown field", () => {
    const loop: Record<string, unknown> = { name: "loop" };
    loop["self"] = loop;
    const input = manifest({ ...sklearn({ storageUri: "nope" }), custom: loop });
    expect(problemsOf(input)).toEqual([
      { path: "spec.predictor.model.storageUri", message: expect.stringContaining("is not a storage URI") },
    ]);
  });

  it("orders known fields first in the returned object", () => {
    const result = checkInferenceService({
      spec: { predictor: { xgboost: {} } },
      status: { url: "http://x" },
      metadata: { name: "a" },
      kind: "InferenceService",
      apiVersion: "serving.kserve.io/v1beta1",
    });
    expect(result.ok && Object.keys(result.value)).toEqual(["apiVersion", "kind", "metadata", "spec", "status"]);
  });
});

describe("every problem, by path", () => {
  it("lists several problems at once, in the order of the manifest", () => {
    const input = {
      apiVersion: "serving.kserve.io/v1alpha1",
      kind: "InferenceService",
      metadata: {
        name: "Sklearn-Iris",
        namespace: "kserve_test",
        labels: { "app/x/y": "ok", tier: "front end" },
        annotations: { ok: 5 },
      },
      spec: {
        predictor: {
          minReplicas: 3,
          maxReplicas: 2,
          timeout: 0,
          scaleMetric: "gpu",
          model: {
            modelFormat: { name: "" },
            storageUri: "ftp://models/iris",
            protocolVersion: "v3",
            resources: { requests: { cpu: "2", memory: "1Gb" }, limits: { cpu: "500m" } },
            env: [{ name: "1BAD", value: 1 }],
            args: ["--x", 2],
          },
        },
      },
    };
    const problems = problemsOf(input);
    expect(problems.map((p) => p.path)).toEqual([
      "apiVersion",
      "metadata.name",
      "metadata.namespace",
      'metadata.labels["app/x/y"]',
      "metadata.labels.tier",
      "metadata.annotations.ok",
      "spec.predictor.maxReplicas",
      "spec.predictor.timeout",
      "spec.predictor.scaleMetric",
      "spec.predictor.model.modelFormat.name",
      "spec.predictor.model.storageUri",
      "spec.predictor.model.protocolVersion",
      "spec.predictor.model.resources.requests.cpu",
      "spec.predictor.model.resources.requests.memory",
      "spec.predictor.model.env[0].name",
      "spec.predictor.model.env[0].value",
      "spec.predictor.model.args[1]",
    ]);
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p.message]));
    expect(byPath).toMatchObject({
      apiVersion: 'expected "serving.kserve.io/v1beta1", got "serving.kserve.io/v1alpha1"',
      "metadata.name": expect.stringContaining('must be lower case, "Sklearn-Iris" has upper-case letters'),
      "metadata.namespace": expect.stringContaining('must not contain "_"'),
      'metadata.labels["app/x/y"]': "key \"app/x/y\" has more than one '/' (a key is [prefix/]name)",
      "metadata.labels.tier": expect.stringContaining('label value "front end" must be letters, digits'),
      "metadata.annotations.ok": 'expected a string, got number 5 (quote it in YAML: "…")',
      "spec.predictor.maxReplicas": "is 2, less than minReplicas (3)",
      "spec.predictor.timeout": "must be at least 1, got 0",
      "spec.predictor.scaleMetric": 'expected one of "cpu", "memory", "concurrency", "rps", got "gpu"',
      "spec.predictor.model.modelFormat.name": "must not be empty",
      "spec.predictor.model.storageUri": expect.stringMatching(
        /^storage URI scheme "ftp:\/\/" is not supported; use s3:\/\/bucket\/path, gs:\/\/.*hf:\/\/org\/model$/,
      ),
      "spec.predictor.model.protocolVersion": 'expected one of "v1", "v2", "grpc-v1", "grpc-v2", got "v3"',
      "spec.predictor.model.resources.requests.cpu":
        "2 is more than the limit 500m; a request must not exceed its limit",
      "spec.predictor.model.resources.requests.memory":
        'expected a quantity such as "1", "500m", "2Gi" or "1.5", got "1Gb"',
      "spec.predictor.model.env[0].name": expect.stringContaining('"1BAD" is not a portable environment variable name'),
      "spec.predictor.model.env[0].value": 'expected a string, got number 1 (quote it in YAML: "…")',
      "spec.predictor.model.args[1]": 'expected a string, got number 2 (quote it in YAML: "…")',
    });
  });

  it("says what is missing", () => {
    expect(problemsOf({ metadata: {} })).toEqual([
      { path: "apiVersion", message: 'is required; expected "serving.kserve.io/v1beta1"' },
      { path: "kind", message: 'is required; expected "InferenceService"' },
      { path: "spec", message: "is required" },
      { path: "metadata.name", message: "is required" },
    ]);
    expect(problemsOf(manifest({ model: { storageUri: "s3://b/m" } }))).toEqual([
      { path: "spec.predictor.model.modelFormat", message: "is required" },
    ]);
  });

  it.each([null, [], "isvc", 42])("refuses %j as a whole", (value) => {
    expect(problemsOf(value)).toEqual([{ path: "", message: expect.stringMatching(/^expected an object, got /) }]);
  });

  it("needs exactly one of model and the framework shorthands", () => {
    expect(problemsOf(manifest({ minReplicas: 1 }))).toEqual([
      {
        path: "spec.predictor",
        message: expect.stringContaining(
          'needs a model: set "model" (with modelFormat) or one framework shorthand (sklearn, xgboost,',
        ),
      },
    ]);
    expect(problemsOf(manifest({ ...sklearn(), sklearn: {}, onnx: {} }))).toEqual([
      {
        path: "spec.predictor",
        message: 'has "model" and "sklearn" and "onnx"; give exactly one of "model" and the framework shorthands',
      },
    ]);
  });

  it("refuses modelFormat inside a framework shorthand", () => {
    expect(problemsOf(manifest({ sklearn: { modelFormat: { name: "sklearn" } } }))).toEqual([
      {
        path: "spec.predictor.sklearn.modelFormat",
        message: expect.stringContaining('"sklearn" already names the format'),
      },
    ]);
  });

  it("checks env: value or valueFrom, not both", () => {
    expect(
      problemsOf(
        manifest(sklearn({ env: [{ name: "A", value: "x", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }] })),
      ),
    ).toEqual([{ path: "spec.predictor.model.env[0]", message: 'has both "value" and "valueFrom"; give one' }]);
  });

  it("checks the replica and scaling numbers", () => {
    expect(isValid(manifest({ ...sklearn(), minReplicas: 0, maxReplicas: 1 }))).toBe(true);
    expect(isValid(manifest({ ...sklearn(), minReplicas: 2, maxReplicas: 2 }))).toBe(true);
    expect(
      problemsOf(manifest({ ...sklearn(), minReplicas: -1, maxReplicas: 0, containerConcurrency: -1, scaleTarget: 0 })),
    ).toEqual([
      { path: "spec.predictor.minReplicas", message: "must be at least 0, got -1" },
      { path: "spec.predictor.maxReplicas", message: "must be at least 1, got 0" },
      { path: "spec.predictor.containerConcurrency", message: "must be at least 0, got -1" },
      { path: "spec.predictor.scaleTarget", message: "must be at least 1, got 0" },
    ]);
    expect(problemsOf(manifest({ ...sklearn(), minReplicas: 1.5, timeout: "30" }))).toEqual([
      { path: "spec.predictor.minReplicas", message: "expected an integer, got number 1.5" },
      { path: "spec.predictor.timeout", message: 'expected an integer, got "30"' },
    ]);
    expect(problemsOf(manifest({ ...sklearn(), scaleMetric: "memory", scaleTarget: 101 }))).toEqual([
      { path: "spec.predictor.scaleTarget", message: "is 101, but a memory target is a percentage from 1 to 100" },
    ]);
    expect(isValid(manifest({ ...sklearn(), scaleMetric: "concurrency", scaleTarget: 500 }))).toBe(true);
    expect(isValid(manifest({ ...sklearn(), scaleMetric: "cpu", scaleTarget: 100 }))).toBe(true);
  });
});

describe("predictor.batcher (KServe's server-side batcher)", () => {
  it("accepts maxBatchSize, maxLatency (ms) and timeout (s), each optional", () => {
    const input = manifest({ ...sklearn(), batcher: { maxBatchSize: 32, maxLatency: 500, timeout: 60 } });
    expect(checkInferenceService(input)).toEqual({ ok: true, value: input });
    expect(isValid(manifest({ ...sklearn(), batcher: {} }))).toBe(true);
    expect(isValid(manifest({ sklearn: { storageUri: "s3://models/iris" }, batcher: { maxBatchSize: 8 } }))).toBe(true);
  });

  it("refuses counts below 1 and values that are not integers, every one at its path", () => {
    expect(
      problemsOf(manifest({ ...sklearn(), batcher: { maxBatchSize: 0, maxLatency: 2.5, timeout: "60" } })),
    ).toEqual([
      { path: "spec.predictor.batcher.maxBatchSize", message: "must be at least 1, got 0" },
      { path: "spec.predictor.batcher.maxLatency", message: "expected an integer, got number 2.5" },
      { path: "spec.predictor.batcher.timeout", message: 'expected an integer, got "60"' },
    ]);
    expect(pathsOf(manifest({ ...sklearn(), batcher: 32 }))).toEqual(["spec.predictor.batcher"]);
  });

  it("reports near-misses inside it, which the API server would drop", () => {
    expect(problemsOf(manifest({ ...sklearn(), batcher: { max_batch_size: 32, maxlatency: 100 } }))).toEqual([
      { path: "spec.predictor.batcher.max_batch_size", message: 'is not a field; did you mean "maxBatchSize"?' },
      { path: "spec.predictor.batcher.maxlatency", message: 'is not a field; did you mean "maxLatency"?' },
    ]);
  });

  it("reports a near-miss of batcher itself", () => {
    expect(problemsOf(manifest({ ...sklearn(), Batcher: { maxBatchSize: 32 } }))).toEqual([
      { path: "spec.predictor.Batcher", message: 'is not a field; did you mean "batcher"?' },
    ]);
  });
});

describe("names", () => {
  const nameOk = (name: string) => isValid(manifest(sklearn(), { name }));
  const namespaceOk = (namespace: string) => isValid(manifest(sklearn(), { namespace }));

  it("takes 63 characters and refuses 64", () => {
    expect(nameOk(`a${"b".repeat(62)}`)).toBe(true);
    expect(problemsOf(manifest(sklearn(), { name: `a${"b".repeat(63)}` }))).toEqual([
      { path: "metadata.name", message: expect.stringMatching(/^is 64 characters long, more than 63 \(allowed: /) },
    ]);
    expect(namespaceOk("n".repeat(63))).toBe(true);
    expect(namespaceOk("n".repeat(64))).toBe(false);
  });

  it.each([
    ["1abc", "must start with a lower-case letter"],
    ["Abc", "must be lower case"],
    ["abc-", "must end with a letter or digit"],
    ["-abc", "must start with a lower-case letter"],
    ["a_b", 'must not contain "_"'],
    ["a.b", 'must not contain "."'],
    ["", "must not be empty"],
  ])("refuses the name %j: %s", (name, reason) => {
    const [problem] = problemsOf(manifest(sklearn(), { name }));
    expect(problem?.path).toBe("metadata.name");
    expect(problem?.message.startsWith(reason)).toBe(true);
  });

  it.each(["a", "a1", "a-1", "sklearn-iris-v2"])("accepts the name %j", (name) => {
    expect(nameOk(name)).toBe(true);
  });

  it("lets a namespace start with a digit (DNS-1123, not 1035) but not end with '-'", () => {
    expect(namespaceOk("1team")).toBe(true);
    expect(namespaceOk("team-")).toBe(false);
    expect(namespaceOk("Team")).toBe(false);
  });

  it("checks serviceAccountName, runtime and pvc claim names as DNS subdomains", () => {
    expect(
      isValid(
        manifest({
          ...sklearn({ runtime: "kserve-sklearnserver", storageUri: "pvc://claim.v1/m" }),
          serviceAccountName: "sa.models",
        }),
      ),
    ).toBe(true);
    expect(
      pathsOf(
        manifest({ ...sklearn({ runtime: "My_Runtime", storageUri: "pvc://Claim/m" }), serviceAccountName: "SA" }),
      ),
    ).toEqual(["spec.predictor.model.storageUri", "spec.predictor.model.runtime", "spec.predictor.serviceAccountName"]);
  });
});

describe("labels and annotations", () => {
  const labelsOk = (labels: Record<string, unknown>) => isValid(manifest(sklearn(), { labels }));
  const annotationsOk = (annotations: Record<string, unknown>) => isValid(manifest(sklearn(), { annotations }));

  it.each([
    "app",
    "app.kubernetes.io/name",
    "a/b",
    "A_b.c-d",
    "x".repeat(63),
    `${"p".repeat(253)}/n`,
    "serving.kserve.io/deploymentMode",
  ])("accepts the key %j", (key) => {
    expect(labelsOk({ [key]: "v" })).toBe(true);
    expect(annotationsOk({ [key]: "v" })).toBe(true);
  });

  it.each([
    ["a/b/c", "more than one '/'"],
    ["/x", "empty prefix"],
    ["Example.com/x", 'the prefix "Example.com" is not a DNS subdomain'],
    [`${"p".repeat(254)}/n`, "the prefix is 254 characters long, more than 253"],
    ["-x", "the name must be letters, digits"],
    ["x-", "the name must be letters, digits"],
    ["a/", "the name must not be empty"],
    ["x".repeat(64), "the name is 64 characters long, more than 63"],
    ["with space", "the name must be letters, digits"],
  ])("refuses the key %j (%s) in labels and annotations", (key, reason) => {
    for (const field of ["labels", "annotations"]) {
      const problems = problemsOf(manifest(sklearn(), { [field]: { [key]: "v" } }));
      expect(problems).toHaveLength(1);
      expect(problems[0]?.path).toBe(
        /^\w+$/.test(key) ? `metadata.${field}.${key}` : `metadata.${field}[${JSON.stringify(key)}]`,
      );
      expect(problems[0]?.message).toContain(reason);
    }
  });

  it("checks label values: empty or ≤ 63 of [A-Za-z0-9._-], alphanumeric at both ends", () => {
    expect(labelsOk({ a: "", b: "v".repeat(63), c: "V1.2_b-c" })).toBe(true);
    expect(problemsOf(manifest(sklearn(), { labels: { a: "v".repeat(64), b: "-v", c: "v v", d: true } }))).toEqual([
      { path: "metadata.labels.a", message: "label value is 64 characters long, more than 63" },
      { path: "metadata.labels.b", message: expect.stringContaining('label value "-v" must be') },
      { path: "metadata.labels.c", message: expect.stringContaining('label value "v v" must be') },
      { path: "metadata.labels.d", message: 'expected a string, got boolean true (quote it in YAML: "…")' },
    ]);
  });

  it("takes any annotation value but caps the total at 256 KiB of UTF-8", () => {
    expect(annotationsOk({ a: "yes, any text: ✓\nand lines", b: "" })).toBe(true);
    const key = "big";
    expect(annotationsOk({ [key]: "x".repeat(256 * 1024 - key.length) })).toBe(true);
    expect(
      problemsOf(manifest(sklearn(), { annotations: { [key]: "x".repeat(256 * 1024 - key.length + 1) } })),
    ).toEqual([
      { path: "metadata.annotations", message: "total 262145 bytes, more than Kubernetes' limit of 262144 (256 KiB)" },
    ]);
    // Counted in bytes: "é" is two bytes of UTF-8 but one UTF-16 unit.
    expect(annotationsOk({ [key]: "é".repeat((256 * 1024 - key.length) / 2 + 1) })).toBe(false);
  });
});

describe("storageUri", () => {
  it.each([
    ["models/iris", "is not a storage URI; use s3://bucket/path"],
    ["ftp://host/model", 'storage URI scheme "ftp://" is not supported'],
    ["oci://registry/model:1", 'storage URI scheme "oci://" is not supported'],
    ["S3://bucket/model", 'storage URI scheme "S3://" is not supported'],
    ["s3:///model", "s3:// URIs name a bucket"],
    ["gs://", "gs:// URIs name a bucket"],
    ["pvc:///path", "pvc:// URIs name a PersistentVolumeClaim"],
    ["file://models/iris", "file:// URIs take an absolute path"],
    ["hf://gpt2", "hf:// URIs name a Hub repository"],
    ["hf://org/model/extra", "hf:// URIs name a Hub repository"],
    ["https://", "is not a valid URL"],
    ["s3://bucket/my model", "contains white space"],
  ])("refuses %j", (storageUri, reason) => {
    expect(problemsOf(manifest(sklearn({ storageUri })))).toEqual([
      { path: "spec.predictor.model.storageUri", message: expect.stringContaining(reason) },
    ]);
  });
});

describe("resource quantities", () => {
  const resourcesOk = (resources: Record<string, unknown>) => isValid(manifest(sklearn({ resources })));

  it.each(["1", "500m", "2Gi", "1.5", "1e3", ".5", "100Mi", "+1", "0", "1E", "250u", "1k", 1, 0.5, 0])(
    "accepts %j",
    (quantity) => {
      expect(resourcesOk({ requests: { cpu: quantity } })).toBe(true);
    },
  );

  it.each(["1Gb", "abc", "-1", "", "1.2.3", "1 Gi", "Gi", -1, true, null])("refuses %j", (quantity) => {
    expect(problemsOf(manifest(sklearn({ resources: { limits: { memory: quantity } } })))).toEqual([
      {
        path: "spec.predictor.model.resources.limits.memory",
        message: expect.stringMatching(/^(expected a quantity|must not be negative)/),
      },
    ]);
  });

  it("compares requests with limits across units", () => {
    expect(resourcesOk({ requests: { memory: "1Gi", cpu: "500m" }, limits: { memory: "1024Mi", cpu: "0.5" } })).toBe(
      true,
    );
    expect(resourcesOk({ requests: { cpu: "100m" }, limits: { memory: "1Gi" } })).toBe(true);
    expect(
      problemsOf(
        manifest(
          sklearn({ resources: { requests: { memory: "2Gi", cpu: 2 }, limits: { memory: "2G", cpu: "2000m" } } }),
        ),
      ),
    ).toEqual([
      {
        path: "spec.predictor.model.resources.requests.memory",
        message: "2Gi is more than the limit 2G; a request must not exceed its limit",
      },
    ]);
  });

  it("checks resource names like label keys", () => {
    expect(pathsOf(manifest(sklearn({ resources: { requests: { "nvidia.com/gpu": "1", "bad name": "1" } } })))).toEqual(
      ['spec.predictor.model.resources.requests["bad name"]'],
    );
  });
});

describe("status read back from a cluster", () => {
  it("keeps the Knative and Standard status objects of PROTOCOL §5.5 as they are", () => {
    const knative = { ...copy(knativeIsvc), spec: irisSpec };
    expect(checkInferenceService(knative)).toEqual({ ok: true, value: knative });
    const standard = { ...copy(knativeIsvc), spec: irisSpec, status: copy(standardStatus) };
    expect(checkInferenceService(standard)).toEqual({ ok: true, value: standard });
  });

  it.each(["Knative", "Standard", "Serverless", "RawDeployment", "ModelMesh"])(
    "accepts deploymentMode %s",
    (deploymentMode) => {
      expect(isValid({ ...manifest(sklearn()), status: { deploymentMode } })).toBe(true);
    },
  );

  it("tolerates unknown status fields but checks the types of known ones", () => {
    const status = {
      url: "http://a.b",
      futureField: { x: 1 },
      conditions: [{ type: "Ready", status: "True", newKey: 1 }],
      modelStatus: { transitionStatus: "SomethingNew" },
    };
    expect(checkInferenceService({ ...manifest(sklearn()), status })).toEqual({
      ok: true,
      value: { ...manifest(sklearn()), status },
    });
    expect(
      problemsOf({
        ...manifest(sklearn()),
        status: { conditions: [{ type: "Ready", status: "Maybe" }, { status: "True" }], observedGeneration: "1" },
      }),
    ).toEqual([
      { path: "status.conditions[0].status", message: 'expected one of "True", "False", "Unknown", got "Maybe"' },
      { path: "status.conditions[1].type", message: "is required" },
      { path: "status.observedGeneration", message: 'expected an integer, got "1"' },
    ]);
  });
});

describe("parseInferenceService", () => {
  it("returns the checked object", () => {
    const input = manifest(sklearn());
    expect(parseInferenceService(input)).toEqual(input);
  });

  it("throws a ValidationError that lists every problem, one per line, and carries them as data", () => {
    const input = manifest(sklearn({ storageUri: "ftp://x" }), { namespace: "-ns", labels: { "a/b/c": "v" } });
    const error = thrown(InferenceServiceValidationError, () => parseInferenceService(input));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toBeInstanceOf(KServeError);
    expect(error.code).toBe("invalid_argument");
    expect(error.name).toBe("InferenceServiceValidationError");
    expect(error.problems).toEqual(problemsOf(input));
    expect(error.problems.map((p) => p.path)).toEqual([
      "metadata.namespace",
      'metadata.labels["a/b/c"]',
      "spec.predictor.model.storageUri",
    ]);
    expect(error.message.split("\n")).toEqual([
      '[invalid_argument] InferenceService "sklearn-iris" is not valid (3 problems):',
      `  metadata.namespace: ${error.problems[0]!.message}`,
      `  metadata.labels["a/b/c"]: ${error.problems[1]!.message}`,
      `  spec.predictor.model.storageUri: ${error.problems[2]!.message}`,
    ]);
    expect(error.details).toEqual({
      path: "metadata.namespace",
      expected: "a valid serving.kserve.io/v1beta1 InferenceService",
      received: "3 problems",
    });
    expect(error.toJSON()).toMatchObject({
      name: "InferenceServiceValidationError",
      code: "invalid_argument",
      problems: error.problems,
    });
    expect(Object.isFrozen(error.problems)).toBe(true);
  });

  it("does not name the object when its name is itself invalid, and marks root problems", () => {
    const error = thrown(InferenceServiceValidationError, () =>
      parseInferenceService(manifest(sklearn(), { name: "Bad" })),
    );
    expect(error.message).toMatch(
      /^\[invalid_argument\] The InferenceService is not valid \(1 problem\):\n {2}metadata\.name: /,
    );
    expect(thrown(InferenceServiceValidationError, () => parseInferenceService(undefined)).message).toBe(
      "[invalid_argument] The InferenceService is not valid (1 problem):\n  (root): is required",
    );
  });
});
