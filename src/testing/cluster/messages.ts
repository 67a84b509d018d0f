/**
 * The texts the mock cluster reports, each as the component that produces it in a real cluster words it, so
 * that code written against the mock recognises the real thing. Sources (read, not copied):
 * - kserve/kserve `python/storage/kserve_storage/kserve_storage.py` (storage initializer) and botocore's
 *   `ClientError` format `An error occurred ({code}) when calling the {operation} operation: {message}`; boto3's
 *   `Bucket.objects.filter` calls ListObjects; S3's own error messages per code.
 * - kserve/kserve `python/sklearnserver/sklearnserver/model.py`, `python/kserve/kserve/errors.py`.
 * - kserve/kserve `pkg/controller/v1beta1/inferenceservice/components/predictor.go` (runtime selection),
 *   `pkg/apis/serving/v1beta1/inference_service_status.go` (status propagation), the ingress reconcilers.
 * - knative/serving `pkg/apis/serving/v1/{configuration,route,revision}_lifecycle.go`.
 * - Kubernetes' ServiceAccount admission plugin and Deployment controller condition messages.
 */

/** An exception line as a Python traceback ends: `module.Class: message`. */
export function pythonException(type: string, message: string): string {
  return `${type}: ${message}`;
}

/** A botocore `ClientError` from an S3 call that boto3's `Bucket.objects.filter` makes (ListObjects). */
export function s3ClientError(code: S3ErrorCode): string {
  return pythonException(
    "botocore.exceptions.ClientError",
    `An error occurred (${code}) when calling the ListObjects operation: ${S3_ERROR_MESSAGES[code]}`,
  );
}

/** The S3 error codes the mock buckets answer with, and S3's messages for them. */
export const S3_ERROR_MESSAGES = {
  AccessDenied: "Access Denied",
  NoSuchBucket: "The specified bucket does not exist",
  InvalidAccessKeyId: "The AWS Access Key Id you provided does not exist in our records.",
  SignatureDoesNotMatch:
    "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
} as const;

/** One of the S3 error codes of {@link S3_ERROR_MESSAGES}. */
export type S3ErrorCode = keyof typeof S3_ERROR_MESSAGES;

/** The storage initializer's exception lines (kserve_storage.py, botocore). */
export const storageMessages = {
  noCredentials: () => pythonException("botocore.exceptions.NoCredentialsError", "Unable to locate credentials"),
  partialCredentials: (missing: string) =>
    pythonException(
      "botocore.exceptions.PartialCredentialsError",
      `Partial credentials found in env, missing: ${missing}`,
    ),
  endpointUnreachable: (url: string) =>
    pythonException("botocore.exceptions.EndpointConnectionError", `Could not connect to the endpoint URL: "${url}"`),
  /** kserve_storage: the S3 variant names the key prefix; the local and other variants the URI. */
  noModelFound: (where: string) =>
    pythonException("RuntimeError", `Failed to fetch model. No model found in ${where}.`),
  localPathMissing: (uri: string) => pythonException("RuntimeError", `Local path ${uri} does not exist.`),
  /** Not KServe's: the mock has no GCS, PVC or web server behind these schemes. */
  schemeUnavailable: (uri: string, scheme: string) =>
    pythonException(
      "RuntimeError",
      `${scheme}:// storage is not available in the mock KServe (it serves s3:// from its mock buckets, file:// from local files, and hf:// as an empty download for its Hugging Face runtime): ${uri}`,
    ),
} as const;

/** Where the storage initializer puts the model, and where the model server reads it. */
export const MODEL_MOUNT_DIR = "/mnt/models";

/** The model server's exception lines when it cannot load the model (KServe's sklearn server). */
export const runtimeMessages = {
  /** KServe's sklearn server found no `.joblib`/`.pkl`/`.pickle` file (the mock also looks for `.json`). */
  modelMissing: () => pythonException("kserve.errors.ModelMissingError", MODEL_MOUNT_DIR),
  moreThanOneModelFile: (files: readonly string[]) =>
    pythonException(
      "RuntimeError",
      `More than one model file is detected, Only one is allowed within model_dir: [${files.map((f) => `PosixPath('${MODEL_MOUNT_DIR}/${f}')`).join(", ")}]`,
    ),
  /** Not KServe's: the mock cannot unpickle scikit-learn models. */
  pickleUnsupported: (file: string) =>
    pythonException(
      "RuntimeError",
      `${MODEL_MOUNT_DIR}/${file} is a pickled scikit-learn model, which the mock KServe cannot load; store the tree classifier file (irisModelFile()) as model.json instead`,
    ),
  badModelFile: (file: string, why: string) =>
    pythonException("ValueError", `${MODEL_MOUNT_DIR}/${file} is not a kserve-client tree classifier: ${why}`),
} as const;

/** `modelStatus.lastFailureInfo` texts of KServe's predictor reconciler (runtime selection). */
export const runtimeSelectionMessages = {
  noRuntime: "No runtime found to support specified framework/version",
  runtimeNotFound: "Waiting for runtime to become available",
  runtimeDoesNotSupportFormat: "Specified runtime does not support specified framework/version",
} as const;

/** Knative's condition texts. */
export const knativeMessages = {
  waitingForRevision: (configuration: string) =>
    `Configuration "${configuration}" is waiting for a Revision to become ready.`,
  noReadyRevision: (configuration: string) => `Configuration "${configuration}" does not have any ready Revision.`,
  revisionFailed: (revision: string, message: string) => `Revision "${revision}" failed with message: ${message}.`,
  containerFailed: (message: string) => `Container failed with: ${message}`,
} as const;

/** KServe's ingress reconcilers, while the predictor is not ready. */
export const INGRESS_NOT_CREATED = "Predictor ingress not created";

/** Deployment controller condition texts (Standard mode copies them into PredictorReady). */
export const deploymentMessages = {
  unavailable: { reason: "MinimumReplicasUnavailable", message: "Deployment does not have minimum availability." },
  available: { reason: "MinimumReplicasAvailable", message: "Deployment has minimum availability." },
  progressing: (replicaSet: string) => ({
    reason: "ReplicaSetUpdated",
    message: `ReplicaSet "${replicaSet}" is progressing.`,
  }),
  progressed: (replicaSet: string) => ({
    reason: "NewReplicaSetAvailable",
    message: `ReplicaSet "${replicaSet}" has successfully progressed.`,
  }),
} as const;

/** Why pods of the predictor cannot be created (the ReplicaSet's FailedCreate). */
export const podCreationMessages = {
  serviceAccountMissing: (pod: string, namespace: string, serviceAccount: string) =>
    `pods "${pod}" is forbidden: error looking up service account ${namespace}/${serviceAccount}: serviceaccount "${serviceAccount}" not found`,
  secretMissing: (secret: string) =>
    `admission webhook "inferenceservice.kserve-webhook-server.pod-mutator" denied the request: secrets "${secret}" not found`,
} as const;
