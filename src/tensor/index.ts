/**
 * `kserve-client/tensor`: typed tensors and their codecs (JSON `data`, the binary tensor extension, raw
 * little-endian bytes), with no dependencies and no I/O.
 * @module
 */
export { Tensor } from "./tensor.js";
export type { AnyTensor, JsonValue, TensorArray, TensorFactory, TensorParameters } from "./tensor.js";
export { DATATYPES, elementByteSize, isDatatype } from "./datatype.js";
export type {
  AnyTypedArray,
  Datatype,
  NestedArray,
  TensorData,
  TensorDataMap,
  TensorElement,
  TensorElementMap,
  TensorInput,
  TensorInputElementMap,
} from "./datatype.js";
export { numel } from "./shape.js";
export type { NestedArrayOf } from "./shape.js";
export { bf16FromNumber, bf16ToNumber, fp16FromNumber, fp16ToNumber } from "./float16.js";
export { parseJson } from "./json-parse.js";
export { stringifyJson } from "./json-write.js";
export { encodeJsonData, encodeJsonTensor, tensorFromJson } from "./json-data.js";
export { decodeBytesElements, encodeBytesElements, tensorFromBytes, tensorToBytes } from "./raw.js";
export { decodeTensorBody, encodeTensorBody } from "./binary.js";
export type { DecodedBody, DecodeTensorBodyOptions, EncodedBody, EncodeTensorBodyOptions } from "./binary.js";
export { isKServeError, KServeError, ProtocolError, ValidationError } from "./errors.js";
export type { ErrorCode, KServeErrorOptions, ProblemDetails } from "./errors.js";
