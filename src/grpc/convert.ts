/**
 * Tensors to and from the gRPC messages. Requests always carry tensors as `raw_input_contents` (one entry per
 * input, little-endian, BYTES length-prefixed: ARCHITECTURE.md, wire facts: gRPC tensors), which every server accepts and which keeps
 * INT64 exact and FP16/BF16 possible. Responses are read in either form: `raw_output_contents` (Triton always,
 * KServe after raw inputs) or typed `contents`.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { createInferResult, type InferResult } from "../core/inference.js";
import { ProtocolError, ValidationError } from "../core/errors.js";
import type { Datatype, TensorData } from "../tensor/datatype.js";
import type { JsonValue, TensorParameters } from "../tensor/json-value.js";
import { tensorFromBytes, tensorToBytes } from "../tensor/raw.js";
import { checkShape } from "../tensor/shape.js";
import { type AnyTensor, checkDatatype, checkName, checkedTensor, type Tensor } from "../tensor/tensor.js";
import { toTensorData } from "../tensor/convert.js";
import type { InferRequest, ModelMetadata, TensorMetadata } from "../v2/types.js";
import {
  type InferParameter,
  type InferTensorContents,
  type InferTensorContentsSchema,
  type ModelInferRequestSchema,
  type ModelInferResponse,
  type ModelMetadataResponse_TensorMetadata,
  type InferParameterSchema,
} from "./protobuf.js";

type Parameters = { [key: string]: InferParameter };

/**
 * The ModelInferRequest for `request` (already checked by the caller).
 *
 * @throws {ValidationError} for a parameter gRPC cannot carry (null, an array, an object)
 */
export function toModelInferRequest(
  model: string,
  version: string | undefined,
  request: InferRequest,
): MessageInitShape<typeof ModelInferRequestSchema> {
  const inputs = request.inputs;
  const raw = new Array<Uint8Array>(inputs.length);
  const tensors = inputs.map((tensor, i) => {
    raw[i] = tensorToBytes(tensor);
    return {
      name: tensor.name,
      datatype: tensor.datatype,
      shape: tensor.shape.map(BigInt),
      parameters: toParameters(tensor.parameters, `inputs[${i}].parameters`, tensor.name),
    };
  });
  return {
    modelName: model,
    modelVersion: version ?? "",
    id: request.id ?? "",
    parameters: toParameters(request.parameters, "parameters"),
    inputs: tensors,
    // `binary` is the REST extension's concept: over gRPC every tensor already travels as raw bytes.
    outputs:
      request.outputs?.map((output, i) => {
        const parameters = toParameters(output.parameters, `outputs[${i}].parameters`);
        if (output.classCount !== undefined)
          parameters["classification"] = parameter({ case: "int64Param", value: BigInt(output.classCount) });
        return { name: output.name, parameters };
      }) ?? [],
    rawInputContents: raw,
  };
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** A parameter as a message init: connect's `create` turns the request into messages, map values included. */
function parameter(choice: InferParameter["parameterChoice"]): ParameterInit {
  return { parameterChoice: choice };
}
type ParameterInit = MessageInitShape<typeof InferParameterSchema>;

/**
 * Parameters as InferParameter values: booleans, strings, integers (int64; uint64 past int64's range) and other
 * numbers (double — which KServe's and MLServer's servers drop: ARCHITECTURE.md, wire facts: gRPC tensors).
 */
function toParameters(
  parameters: TensorParameters | undefined,
  path: string,
  tensor?: string,
): Record<string, ParameterInit> {
  const out: Record<string, ParameterInit> = {};
  if (parameters === undefined) return out;
  for (const key of Object.keys(parameters)) {
    const value = parameters[key];
    if (typeof value === "boolean") out[key] = parameter({ case: "boolParam", value });
    else if (typeof value === "string") out[key] = parameter({ case: "stringParam", value });
    else if (typeof value === "number" && Number.isSafeInteger(value))
      out[key] = parameter({ case: "int64Param", value: BigInt(value) });
    else if (typeof value === "number" && Number.isFinite(value)) out[key] = parameter({ case: "doubleParam", value });
    else if (typeof value === "bigint" && value >= INT64_MIN && value <= INT64_MAX)
      out[key] = parameter({ case: "int64Param", value });
    else if (typeof value === "bigint" && value > INT64_MAX && value <= UINT64_MAX)
      out[key] = parameter({ case: "uint64Param", value });
    else {
      const shown =
        typeof value === "bigint"
          ? `${value}n (outside int64 and uint64)`
          : value === null
            ? "null"
            : Array.isArray(value)
              ? "an array"
              : typeof value === "object"
                ? "an object"
                : String(value);
      const expected = "a boolean, string, integer (int64/uint64) or finite number";
      throw new ValidationError(
        `${tensor === undefined ? "" : `Tensor "${tensor}" `}${path}.${key}: gRPC parameter "${key}" cannot be ${shown}: expected ${expected}, got ${shown}. Leave it out, or send it as a string.`,
        { tensor, path: `${path}.${key}`, expected, received: shown },
      );
    }
  }
  return out;
}

/** Parameters back as plain values: integers beyond 2^53 stay bigint, the rest are numbers. */
export function fromParameters(parameters: Parameters): TensorParameters | undefined {
  const keys = Object.keys(parameters);
  if (keys.length === 0) return undefined;
  const out: Record<string, JsonValue> = {};
  for (const key of keys) {
    const choice = parameters[key]!.parameterChoice;
    switch (choice.case) {
      case "int64Param":
      case "uint64Param":
        out[key] =
          choice.value >= -BigInt(Number.MAX_SAFE_INTEGER) && choice.value <= BigInt(Number.MAX_SAFE_INTEGER)
            ? Number(choice.value)
            : choice.value;
        break;
      case undefined:
        out[key] = null; // a parameter with no value set: kept, so the key is not lost
        break;
      default:
        out[key] = choice.value;
    }
  }
  return out;
}

/**
 * The InferResult for a ModelInferResponse.
 *
 * @throws {ProtocolError} if an output's name, datatype, shape or data is malformed or contradicts itself
 */
export function fromModelInferResponse(model: string, response: ModelInferResponse): InferResult {
  const raw = response.rawOutputContents;
  const outputs = response.outputs;
  if (raw.length > 0 && raw.length !== outputs.length) {
    throw new ProtocolError(
      `The server sent ${raw.length} raw_output_contents for ${outputs.length} outputs; each output needs exactly one.`,
      {
        path: "raw_output_contents",
        expected: `${outputs.length} entries`,
        received: `${raw.length}`,
      },
    );
  }
  const tensors = outputs.map((output, i): AnyTensor => {
    const path = `outputs[${i}]`;
    const shape = toShape(output.shape, output.name, `${path}.shape`);
    const parameters = fromParameters(output.parameters);
    if (raw.length > 0) return tensorFromBytes(output.name, output.datatype as Datatype, shape, raw[i]!, parameters);
    return tensorFromContents(output.name, output.datatype, shape, output.contents, parameters, path);
  });
  return createInferResult(
    model,
    {
      modelName: response.modelName,
      modelVersion: response.modelVersion || undefined,
      id: response.id || undefined,
      parameters: fromParameters(response.parameters),
    },
    tensors,
  );
}

/**
 * A tensor from typed `contents` (the datatype's own field: ARCHITECTURE.md, wire facts: gRPC tensors). Internal; the mock server reads
 * requests with it too.
 *
 * @throws {ProtocolError} for a bad name, datatype or shape, or values that do not fit the datatype or shape
 */
export function tensorFromContents(
  name: string,
  datatype: string,
  shape: number[],
  contents: InferTensorContents | undefined,
  parameters: TensorParameters | undefined,
  path: string,
): AnyTensor {
  const checkedName = checkName(name, "response", `${path}.name`);
  const checked = checkDatatype(datatype as Datatype, "response", checkedName, `${path}.datatype`);
  const count = checkShape(shape, "response", checkedName, `${path}.shape`);
  const [field, values] = typedContents(checked, contents, checkedName, path);
  const data: TensorData = toTensorData(checked, shape, count, values, {
    origin: "response",
    tensor: checkedName,
    path: `${path}.contents.${field}`,
  });
  return checkedTensor(checkedName, checked, shape, data, parameters);
}

/**
 * The typed `contents` field of each datatype that has one (ARCHITECTURE.md, wire facts: gRPC tensors), as its family: `int` is
 * `int_contents` on the wire and `intContents` in the message. FP16 and BF16 have none.
 */
const CONTENTS_FAMILY: Partial<Record<Datatype, string>> = {
  BOOL: "bool",
  INT8: "int",
  INT16: "int",
  INT32: "int",
  INT64: "int64",
  UINT8: "uint",
  UINT16: "uint",
  UINT32: "uint",
  UINT64: "uint64",
  FP32: "fp32",
  FP64: "fp64",
  BYTES: "bytes",
};

/** A tensor's data as typed `contents`; undefined for FP16/BF16, which have no typed field. Internal. */
export function contentsFromTensor(tensor: Tensor): MessageInitShape<typeof InferTensorContentsSchema> | undefined {
  const family = CONTENTS_FAMILY[tensor.datatype];
  if (family === undefined) return undefined;
  const data = tensor.data;
  const values =
    tensor.datatype === "BYTES"
      ? data
      : tensor.datatype === "BOOL"
        ? Array.from(data as Uint8Array, (b) => b === 1)
        : Array.from(data as ArrayLike<number | bigint>);
  return { [`${family}Contents`]: values };
}

/** The typed `contents` field a datatype is carried in, and its values. */
function typedContents(
  datatype: Datatype,
  contents: InferTensorContents | undefined,
  tensor: string,
  path: string,
): [string, unknown] {
  const family = CONTENTS_FAMILY[datatype];
  if (family === undefined) {
    throw new ProtocolError(
      `Output "${tensor}" is ${datatype}, which has no typed contents field; the server must send it in raw_output_contents.`,
      {
        tensor,
        path: `${path}.contents`,
        expected: "raw_output_contents",
        received: "typed contents",
      },
    );
  }
  return [
    `${family}_contents`,
    (contents as unknown as Record<string, unknown> | undefined)?.[`${family}Contents`] ?? [],
  ];
}

/** A shape from int64 values, each a safe non-negative integer (checked again by checkShape). Internal. */
export function toShape(shape: readonly bigint[], tensor: string, path: string): number[] {
  return shape.map((dim, i) => {
    if (dim < 0n || dim > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new ProtocolError(`Output "${tensor}" has an impossible dimension ${dim} in its shape.`, {
        tensor,
        path: `${path}[${i}]`,
        expected: "a non-negative integer",
        received: String(dim),
      });
    }
    return Number(dim);
  });
}

/** Model metadata as the V2 interface has it; -1 marks a variable dimension and is kept. */
export function toModelMetadata(message: {
  name: string;
  versions: string[];
  platform: string;
  inputs: ModelMetadataResponse_TensorMetadata[];
  outputs: ModelMetadataResponse_TensorMetadata[];
}): ModelMetadata {
  const tensors = (list: ModelMetadataResponse_TensorMetadata[], key: string): TensorMetadata[] =>
    list.map((t, i) => ({
      name: t.name,
      datatype: t.datatype,
      shape: t.shape.map((dim, j) => {
        if (dim < -1n || dim > BigInt(Number.MAX_SAFE_INTEGER)) {
          throw new ProtocolError(`Model metadata ${key}[${i}] ("${t.name}") has an impossible dimension ${dim}.`, {
            path: `${key}[${i}].shape[${j}]`,
            expected: "-1 or a non-negative integer",
            received: String(dim),
          });
        }
        return Number(dim);
      }),
    }));
  return {
    name: message.name,
    versions: message.versions,
    platform: message.platform,
    inputs: tensors(message.inputs, "inputs"),
    outputs: tensors(message.outputs, "outputs"),
  };
}
