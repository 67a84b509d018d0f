/**
 * What the mock cluster starts with unless told otherwise, as constants a demo or a test can build on: the
 * demo bucket and its credentials (to create the matching Secret), the ingress domain, the namespaces that
 * exist, and the annotation that keeps a model from ever getting ready.
 */
import { IRIS_MODEL_FILE_NAME, irisModelFile } from "./model-file.js";
import type { MockS3Buckets } from "./s3.js";

/** The S3 endpoint (host:port, as in the `serving.kserve.io/s3-endpoint` annotation) the mock buckets answer at. */
export const MOCK_S3_ENDPOINT = "minio-service.kubeflow:9000";

/**
 * The bucket every mock cluster has unless `buckets` replaces it, with the iris classifier's model file under
 * `irisPrefix`. The credentials are the MinIO ones of KServe's S3 examples; put them in a Secret
 * (`s3Credentials({ accessKeyId, secretAccessKey, endpoint, useHttps: false })` from `kserve-client/deploy`) and
 * deploy `irisUri` with `modelFormat: sklearn`.
 */
export const MOCK_S3_BUCKET = {
  name: "kserve-examples",
  endpoint: MOCK_S3_ENDPOINT,
  accessKeyId: "minio",
  secretAccessKey: "minio123",
  /** The key prefix (a "directory") holding `model.json`. */
  irisPrefix: "models/sklearn/iris",
  /** `s3://kserve-examples/models/sklearn/iris`: the storageUri of the iris model. */
  irisUri: "s3://kserve-examples/models/sklearn/iris",
} as const;

/** The default buckets: {@link MOCK_S3_BUCKET} with the iris model file (fresh objects on every call). */
export function defaultBuckets(): MockS3Buckets {
  return {
    [MOCK_S3_BUCKET.name]: {
      credentials: { accessKeyId: MOCK_S3_BUCKET.accessKeyId, secretAccessKey: MOCK_S3_BUCKET.secretAccessKey },
      objects: { [`${MOCK_S3_BUCKET.irisPrefix}/${IRIS_MODEL_FILE_NAME}`]: irisModelFile() },
    },
  };
}

/** The ingress domain of status URLs unless `domain` says otherwise (Knative's and KServe's default). */
export const DEFAULT_INGRESS_DOMAIN = "example.com";

/** The namespaces a mock cluster starts with: `default`, `kserve-test` (KServe's docs) and `kserve-demo` (the SDK's demo). */
export const MOCK_NAMESPACES: readonly string[] = ["default", "kserve-test", "kserve-demo"];

/**
 * Set this annotation to `"true"` on an InferenceService and the mock never gets its model ready: the status
 * stays at `Ready: Unknown` (Standard mode: `False`, still starting) with the model `Loading`, as with a model
 * server that never passes its readiness probe. For testing deadlines and timeouts.
 */
export const STALL_ANNOTATION = "testing.kserve-client.dev/stall";

/** KServe's annotation choosing the deployment mode of one InferenceService (`Knative`, `Standard`, or the legacy names). */
export const DEPLOYMENT_MODE_ANNOTATION = "serving.kserve.io/deploymentMode";

/** The finalizer KServe's controller puts on every InferenceService, and removes once it has cleaned up. */
export const KSERVE_FINALIZER = "inferenceservice.finalizers";
