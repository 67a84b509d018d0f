/**
 * `kserve-client`: a typed client for models served by KServe, Triton and MLServer.
 * @module
 */
export { Tensor, DATATYPES, isDatatype, numel } from "./tensor/index.js";
export type {
  AnyTensor,
  Datatype,
  JsonValue,
  TensorArray,
  TensorData,
  TensorElement,
  TensorFactory,
  TensorInput,
  TensorParameters,
} from "./tensor/index.js";
export {
  createBatcher,
  createFetchHttpClient,
  createModelClient,
  createV2Client,
  signatureFromMetadata,
} from "./v2/index.js";
export * from "./errors/public.js";
export { HttpError } from "./errors/http-error.js";
export type { HttpErrorOptions } from "./errors/http-error.js";
export type {
  Auth,
  BatchCallOptions,
  Batcher,
  BatcherControls,
  BatcherOptions,
  BatcherStats,
  BatchInferOptions,
  BatchLimitOptions,
  BinaryMode,
  CallOptions,
  FetchHttpClientOptions,
  HttpClient,
  HttpRequest,
  HttpResponse,
  InferCallOptions,
  InferRequest,
  InferResult,
  Interceptor,
  Logger,
  CheckedInputs,
  ModelClient,
  ModelClientOptions,
  ModelInferOptions,
  ModelInput,
  ModelInputs,
  ModelMetadata,
  ModelMetadataLike,
  ModelOutputLookup,
  ModelOutputName,
  ModelRequestedOutput,
  ModelResult,
  ModelSignature,
  RequestedOutput,
  RetryOptions,
  ServerMetadata,
  TensorMetadata,
  TensorMetadataLike,
  TensorSpec,
  V2Client,
  V2ClientOptions,
  ModelWaitOptions,
  WaitOptions,
} from "./v2/index.js";
export { createV1Batcher, createV1Client } from "./v1/index.js";
export type {
  ClientOptions,
  CommonOptions,
  V1Batcher,
  V1BatcherOptions,
  V1Client,
  V1ClientOptions,
  V1RawRequest,
  V1Request,
  V1Result,
  V1TensorOptions,
  V1TensorRequest,
} from "./v1/index.js";
