/**
 * The `serving.kserve.io/v1beta1` InferenceService as TypeScript types. Written out (not inferred from the zod
 * schema in schema.ts) so that editors show them with their documentation; schema.ts checks at compile time that
 * its schema produces them.
 */
import type { API_VERSION, KIND, ProtocolVersion, ScaleMetric } from "./constants.js";
import type { Quantity } from "./quantity.js";

/** `metadata`: what the user sets, plus whatever the API server added (uid, resourceVersion, managedFields, …). */
export interface ObjectMeta {
  /** A DNS-1035 label: lower-case letters, digits and '-', starting with a letter, at most 63 characters. */
  name: string;
  /** A DNS-1123 label. Absent means the namespace of the kubeconfig context (or the one `kubectl -n` gives). */
  namespace?: string | undefined;
  labels?: Record<string, string> | undefined;
  annotations?: Record<string, string> | undefined;
  /** Set by the API server. */
  uid?: string | undefined;
  /** Set by the API server; changes on every write. */
  resourceVersion?: string | undefined;
  /** Set by the API server; increases when the spec changes. Compare with `status.observedGeneration`. */
  generation?: number | undefined;
  /**
   * Set by the API server (RFC 3339). `null` in `kubectl create --dry-run -o yaml` output; a `Date` in objects
   * that @kubernetes/client-node deserialised.
   */
  creationTimestamp?: string | Date | null | undefined;
  [key: string]: unknown;
}

/** `modelFormat` of `predictor.model`: which ServingRuntime can serve it. */
export interface ModelFormat {
  /** `sklearn`, `xgboost`, `onnx`, `huggingface`, … */
  name: string;
  version?: string | undefined;
  [key: string]: unknown;
}

/** Container resources: `{ requests: { cpu: "500m", memory: "1Gi" }, limits: { … } }`. */
export interface ResourceRequirements {
  requests?: Record<string, Quantity> | undefined;
  limits?: Record<string, Quantity> | undefined;
  [key: string]: unknown;
}

/** An environment variable of the model server container. `valueFrom` (secretKeyRef, …) is kept as given. */
export interface EnvVar {
  name: string;
  value?: string | undefined;
  valueFrom?: Record<string, unknown> | undefined;
  [key: string]: unknown;
}

/**
 * A framework shorthand (`predictor.sklearn`, …): the model without `modelFormat`, which the key already names.
 * Other Container fields (image, ports, …) are kept as given.
 */
export interface FrameworkSpec {
  /** Where the storage initializer downloads the model from: s3://, gs://, pvc://, file:///, http(s)://, hf://. */
  storageUri?: string | undefined;
  protocolVersion?: ProtocolVersion | undefined;
  /** The ServingRuntime (or ClusterServingRuntime) to use, instead of the one KServe picks for the format. */
  runtime?: string | undefined;
  runtimeVersion?: string | undefined;
  resources?: ResourceRequirements | undefined;
  env?: EnvVar[] | undefined;
  args?: string[] | undefined;
  [key: string]: unknown;
}

/** `predictor.model`: a model of any format, served by a runtime that supports `modelFormat`. */
export interface ModelSpec extends FrameworkSpec {
  modelFormat: ModelFormat;
}

/**
 * `predictor.batcher`: KServe's server-side batcher, a sidecar (the model agent) in front of the model server that
 * joins V1 `instances` of concurrent HTTP requests. Every field has KServe's default when absent.
 */
export interface BatcherSpec {
  /** Instances that make a batch go. KServe's default 32. */
  maxBatchSize?: number | undefined;
  /** Milliseconds after its first request that a batch goes. KServe's default 5000. */
  maxLatency?: number | undefined;
  /** Seconds the batcher waits for the model server's answer. KServe's default 60. */
  timeout?: number | undefined;
  [key: string]: unknown;
}

/**
 * `spec.predictor`: exactly one of `model` and the framework shorthands, plus scaling and pod settings. Other
 * PodSpec and component fields (nodeSelector, tolerations, canaryTrafficPercent, logger, …) are kept as given.
 */
export interface PredictorSpec {
  model?: ModelSpec | undefined;
  sklearn?: FrameworkSpec | undefined;
  xgboost?: FrameworkSpec | undefined;
  lightgbm?: FrameworkSpec | undefined;
  tensorflow?: FrameworkSpec | undefined;
  pytorch?: FrameworkSpec | undefined;
  onnx?: FrameworkSpec | undefined;
  triton?: FrameworkSpec | undefined;
  pmml?: FrameworkSpec | undefined;
  paddle?: FrameworkSpec | undefined;
  huggingface?: FrameworkSpec | undefined;
  /** The ServiceAccount whose Secrets hold the storage credentials. */
  serviceAccountName?: string | undefined;
  /** 0 allows scale to zero (Knative mode). */
  minReplicas?: number | undefined;
  /** At least 1 and at least `minReplicas`; absent means no limit. */
  maxReplicas?: number | undefined;
  /** Request timeout in seconds. */
  timeout?: number | undefined;
  /** Concurrent requests per replica (Knative); 0 means unlimited. */
  containerConcurrency?: number | undefined;
  /** Autoscaling target for `scaleMetric` (a percentage for cpu and memory). */
  scaleTarget?: number | undefined;
  scaleMetric?: ScaleMetric | undefined;
  /** KServe's server-side batcher (V1 HTTP only); see {@link BatcherSpec}. */
  batcher?: BatcherSpec | undefined;
  [key: string]: unknown;
}

/** `spec`. `transformer` and `explainer` are kept as given, not checked. */
export interface InferenceServiceSpec {
  predictor: PredictorSpec;
  [key: string]: unknown;
}

/** A condition's status: Knative writes these three strings. */
export type ConditionStatus = "True" | "False" | "Unknown";

/** A Knative condition from `status.conditions` (`Ready`, `PredictorReady`, `IngressReady`, …). */
export interface Condition {
  type: string;
  status: ConditionStatus;
  reason?: string | undefined;
  message?: string | undefined;
  /** `"Info"` on conditions that do not decide `Ready`; empty or absent on those that do. */
  severity?: string | undefined;
  lastTransitionTime?: string | undefined;
  [key: string]: unknown;
}

/** An addressable URL as Knative reports it. */
export interface Addressable {
  url?: string | undefined;
  [key: string]: unknown;
}

/** `status.components.predictor` (and transformer, explainer). */
export interface ComponentStatus {
  url?: string | undefined;
  restUrl?: string | undefined;
  grpcUrl?: string | undefined;
  address?: Addressable | undefined;
  latestReadyRevision?: string | undefined;
  latestCreatedRevision?: string | undefined;
  previousRolledoutRevision?: string | undefined;
  latestRolledoutRevision?: string | undefined;
  traffic?: Record<string, unknown>[] | undefined;
  [key: string]: unknown;
}

/** `status.modelStatus`: where the model is in being loaded. */
export interface ModelStatus {
  /** `UpToDate`, `InProgress`, `BlockedByFailedLoad`, `InvalidSpec`. */
  transitionStatus?: string | undefined;
  states?:
    | { activeModelState?: string | undefined; targetModelState?: string | undefined; [key: string]: unknown }
    | undefined;
  lastFailureInfo?: Record<string, unknown> | undefined;
  copies?: { failedCopies?: number | undefined; totalCopies?: number | undefined; [key: string]: unknown } | undefined;
  [key: string]: unknown;
}

/**
 * The deployment modes KServe reports: `Knative` and `Standard`, and their legacy names `Serverless` and
 * `RawDeployment`. Any other string is kept too (`ModelMesh`, or a mode newer than this SDK).
 */
export type DeploymentMode = "Knative" | "Standard" | "Serverless" | "RawDeployment" | (string & {});

/** `status`, written by KServe. Parsed tolerantly: every field optional, unknown fields kept. */
export interface InferenceServiceStatus {
  /** The external URL: scheme, host and, with path-based routing, a path. */
  url?: string | undefined;
  /** The cluster-internal URL. */
  address?: Addressable | undefined;
  conditions?: Condition[] | undefined;
  components?: Record<string, ComponentStatus> | undefined;
  modelStatus?: ModelStatus | undefined;
  deploymentMode?: DeploymentMode | undefined;
  observedGeneration?: number | undefined;
  [key: string]: unknown;
}

/** A `serving.kserve.io/v1beta1` InferenceService. */
export interface InferenceService {
  apiVersion: typeof API_VERSION;
  kind: typeof KIND;
  metadata: ObjectMeta;
  spec: InferenceServiceSpec;
  /** Only on objects read back from a cluster. */
  status?: InferenceServiceStatus | undefined;
  [key: string]: unknown;
}

/**
 * The parts of an InferenceService that endpoint and readiness helpers read. Any {@link InferenceService} is one;
 * so is an object read back from a cluster and only partly checked (say, `{ metadata, status }`).
 */
export interface InferenceServiceLike {
  metadata?: { name?: string | undefined; namespace?: string | undefined; generation?: number | undefined } | undefined;
  status?: InferenceServiceStatus | undefined;
}
