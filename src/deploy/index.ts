/**
 * `kserve-client/deploy`, the universal part: the `serving.kserve.io/v1beta1` InferenceService as a checked type,
 * a builder, YAML/JSON output for GitOps, and the pure helpers that turn a reported status into an endpoint and
 * a readiness verdict. Nothing here touches Node or a cluster; it loads unchanged in browsers and edge runtimes.
 * @module
 */
export { inferenceService } from "./builder.js";
export type {
  BatcherInput,
  EnvVarInput,
  FrameworkInput,
  InferenceServiceInput,
  ModelInput,
  PredictorInput,
  PredictorOptionsInput,
  ResourcesInput,
} from "./builder.js";

export {
  API_VERSION,
  checkInferenceService,
  FRAMEWORKS,
  KIND,
  parseInferenceService,
  PROTOCOL_VERSIONS,
  SCALE_METRICS,
} from "./schema.js";
export type { Framework, InferenceServiceCheck, ProtocolVersion, Quantity, ScaleMetric } from "./schema.js";
export type {
  Addressable,
  BatcherSpec,
  ComponentStatus,
  Condition,
  ConditionStatus,
  DeploymentMode,
  EnvVar,
  FrameworkSpec,
  InferenceService,
  InferenceServiceLike,
  InferenceServiceSpec,
  InferenceServiceStatus,
  ModelFormat,
  ModelSpec,
  ModelStatus,
  ObjectMeta,
  PredictorSpec,
  ResourceRequirements,
} from "./types.js";
export { STORAGE_URI_SCHEMES } from "./storage-uri.js";
export type { StorageUriScheme } from "./storage-uri.js";

export { InferenceServiceValidationError } from "./problems.js";
export type { Problem } from "./problems.js";

export { toJson, toYaml } from "./serialize.js";

export { s3Credentials } from "./credentials.js";
export type { S3CredentialsInput, StorageCredentials } from "./credentials.js";

export { describeHost, resolveEndpoint } from "./endpoint.js";
export type { EndpointOptions, HostDescription, ResolvedEndpoint } from "./endpoint.js";

export { conditionsOf, describeCondition, failingCondition, READY, readiness, readyCondition } from "./conditions.js";
export type { Readiness } from "./conditions.js";

export * from "../errors/public.js";
export { HttpError } from "../errors/http-error.js";
export type { HttpErrorOptions } from "../errors/http-error.js";
