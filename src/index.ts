/**
 * `kserve-client`: a typed client for models served by KServe, Triton and MLServer.
 * @module
 */
export { Tensor, DATATYPES, isDatatype, numel } from "./tensor/index.js";
export type {
  Datatype,
  JsonValue,
  TensorArray,
  TensorData,
  TensorElement,
  TensorInput,
  TensorParameters,
} from "./tensor/index.js";
export { isKServeError, KServeError, ProtocolError, ValidationError } from "./tensor/index.js";
export type { ErrorCode, KServeErrorOptions, ProblemDetails } from "./tensor/index.js";
