/**
 * `inferenceService({...})`: an InferenceService from an input shaped like the manifest itself (so nothing is
 * hidden and the KServe docs still apply), with only the metadata flattened, checked before it is returned.
 */
import { API_VERSION, type Framework, KIND, type ProtocolVersion, type ScaleMetric } from "./constants.js";
import type { Quantity } from "./quantity.js";
import { describeValue, formatPath, InferenceServiceValidationError } from "./problems.js";
import { parseInferenceService } from "./schema.js";
import type { InferenceService } from "./types.js";

const INPUT_KEYS: readonly string[] = ["name", "namespace", "labels", "annotations", "predictor"];

/** Container resources of the model server. */
export interface ResourcesInput {
  requests?: Record<string, Quantity>;
  limits?: Record<string, Quantity>;
}

/** An environment variable: a `value`, or a `valueFrom` such as `{ secretKeyRef: { name, key } }`. */
export type EnvVarInput =
  | { name: string; value: string; valueFrom?: never }
  | { name: string; valueFrom: Record<string, unknown>; value?: never };

/** A framework shorthand's fields (`predictor.sklearn`): the model without `modelFormat`. */
export interface FrameworkInput {
  /** s3://bucket/path, gs://bucket/path, pvc://claim/path, file:///absolute/path, http(s)://…, hf://org/model. */
  storageUri?: string;
  protocolVersion?: ProtocolVersion;
  /** A ServingRuntime name, instead of the one KServe picks for the format. */
  runtime?: string;
  runtimeVersion?: string;
  resources?: ResourcesInput;
  env?: EnvVarInput[];
  args?: string[];
}

/** `predictor.model`: any format, served by a runtime that supports `modelFormat`. */
export interface ModelInput extends FrameworkInput {
  modelFormat: { name: string; version?: string };
}

/**
 * `predictor.batcher`: KServe's server-side batcher (a sidecar that joins the V1 `instances` of concurrent HTTP
 * requests). For V2, gRPC, or batching without changing the InferenceService, see `createBatcher`.
 */
export interface BatcherInput {
  /** Instances that make a batch go (KServe's default 32). */
  maxBatchSize?: number;
  /** Milliseconds after its first request that a batch goes (KServe's default 5000). */
  maxLatency?: number;
  /** Seconds to wait for the model server's answer (KServe's default 60). */
  timeout?: number;
}

/** Scaling and pod settings of the predictor, beside its model. */
export interface PredictorOptionsInput {
  /** The ServiceAccount whose Secrets hold the storage credentials. */
  serviceAccountName?: string;
  /** 0 allows scale to zero (Knative mode). */
  minReplicas?: number;
  /** At least 1 and at least `minReplicas`. */
  maxReplicas?: number;
  /** Request timeout in seconds. */
  timeout?: number;
  /** Concurrent requests per replica (Knative); 0 means unlimited. */
  containerConcurrency?: number;
  /** Autoscaling target for `scaleMetric` (a percentage for cpu and memory). */
  scaleTarget?: number;
  scaleMetric?: ScaleMetric;
  /** KServe's server-side batcher; see {@link BatcherInput}. */
  batcher?: BatcherInput;
}

type Implementation = "model" | Framework;

/** Exactly one implementation key set, the others absent: the type says what the webhook would. */
type OnlyImplementation<K extends Implementation> = { [P in K]: P extends "model" ? ModelInput : FrameworkInput } & {
  [P in Exclude<Implementation, K>]?: never;
};

/**
 * `spec.predictor`: exactly one of `model` and the framework shorthands (`sklearn`, `xgboost`, …), and the
 * scaling settings.
 */
export type PredictorInput = PredictorOptionsInput & { [K in Implementation]: OnlyImplementation<K> }[Implementation];

/** The input of {@link inferenceService}: the manifest's metadata fields, and its predictor as in the manifest. */
export interface InferenceServiceInput {
  /** Lower-case letters, digits and '-', starting with a letter, at most 63 characters. */
  name: string;
  /**
   * Left out of the manifest when absent, like `kubectl apply` without `-n`: the namespace then comes from where
   * it is applied (the kubeconfig context, `deploy()`'s option, kustomize, Argo CD).
   */
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  predictor: PredictorInput;
}

/**
 * A checked `serving.kserve.io/v1beta1` InferenceService. Throws an `InferenceServiceValidationError` (a
 * `ValidationError`) listing every problem by its path in the manifest (`metadata.name`,
 * `spec.predictor.sklearn.storageUri`). No namespace is filled in when none is given (see
 * {@link InferenceServiceInput.namespace}).
 *
 * Fields the input type does not list (nodeSelector, tolerations, a transformer, …) belong in a manifest given to
 * `parseInferenceService`, which keeps them.
 *
 * @example
 * ```ts
 * const isvc = inferenceService({
 *   name: "sklearn-iris",
 *   namespace: "kserve-test",
 *   predictor: {
 *     serviceAccountName: "models-s3",
 *     model: { modelFormat: { name: "sklearn" }, storageUri: "s3://models/iris", protocolVersion: "v2" },
 *   },
 * });
 * console.log(toYaml(isvc));
 * ```
 */
export function inferenceService(input: InferenceServiceInput): InferenceService {
  // The type rules these out; JavaScript callers (and `as` casts) deserve the same clear error as the manifest.
  if (typeof input !== "object" || input === null) {
    throw new InferenceServiceValidationError([
      {
        path: "",
        message: `inferenceService() takes an object such as { name, predictor }, got ${describeValue(input)}`,
      },
    ]);
  }
  const unknown = Object.keys(input).filter((key) => !INPUT_KEYS.includes(key));
  if (unknown.length > 0) {
    const hint = `inferenceService() takes ${INPUT_KEYS.join(", ")}; predictor settings such as minReplicas go inside predictor`;
    throw new InferenceServiceValidationError(
      unknown.map((key) => ({ path: formatPath([key]), message: `is not an option: ${hint}` })),
    );
  }
  const { name, namespace, labels, annotations, predictor } = input;
  return parseInferenceService({
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: {
      name,
      ...(namespace !== undefined && { namespace }),
      ...(labels !== undefined && { labels }),
      ...(annotations !== undefined && { annotations }),
    },
    spec: { predictor },
  });
}
