/** The fixed vocabulary of the InferenceService API, shared by the schema, its cross-field rules and the builder. */

/** The InferenceService API group and version this SDK writes and reads. */
export const API_VERSION = "serving.kserve.io/v1beta1";
/** The InferenceService kind. */
export const KIND = "InferenceService";

/** The framework shorthands of a predictor (`predictor.sklearn`, …): each names the model format itself. */
export const FRAMEWORKS = [
  "sklearn",
  "xgboost",
  "lightgbm",
  "tensorflow",
  "pytorch",
  "onnx",
  "triton",
  "pmml",
  "paddle",
  "huggingface",
] as const;
/** One of {@link FRAMEWORKS}. */
export type Framework = (typeof FRAMEWORKS)[number];

/** The protocols a model server can speak: KServe V1, Open Inference (V2), and their gRPC forms. */
export const PROTOCOL_VERSIONS = ["v1", "v2", "grpc-v1", "grpc-v2"] as const;
/** One of {@link PROTOCOL_VERSIONS}. */
export type ProtocolVersion = (typeof PROTOCOL_VERSIONS)[number];

/** The metrics the autoscaler can target (`scaleMetric`); `cpu` and `memory` targets are percentages. */
export const SCALE_METRICS = ["cpu", "memory", "concurrency", "rps"] as const;
/** One of {@link SCALE_METRICS}. */
export type ScaleMetric = (typeof SCALE_METRICS)[number];

/** Kubernetes' limit on the total size of an object's annotations (keys and values, in bytes). */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;
