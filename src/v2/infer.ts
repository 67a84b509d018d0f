/** The V2 inference request body (JSON or binary extension) and the response decoding. */
import type { HttpResponse } from "../core/http.js";
import {
  decodeTensorBody,
  encodeTensorBody,
  type Tensor,
  type TensorParameters,
  ValidationError,
} from "../tensor/index.js";
import { utf8Text } from "../tensor/utf8.js";
import { checkAnswerShape } from "../core/json-answer.js";
import { checkInferRequest, createInferResult } from "../core/inference.js";
import { inferResponseFieldsSchema } from "./answer-shapes.js";
import type { BinaryMode, InferRequest, InferResult, RequestedOutput } from "./types.js";

/** In "auto" mode, inputs from this size up go binary once the server is known to speak the extension. */
export const AUTO_BINARY_BYTES = 64 * 1024;

const NO_BINARY = () => false;

/** A request body ready for the HttpClient. */
export interface InferBody {
  headers: Record<string, string>;
  body: Uint8Array | Uint8Array[];
}

/**
 * Build the body of an inference request.
 *
 * @param serverSpeaksBinary whether this server has answered in binary before (for "auto")
 * @throws {ValidationError} for a malformed request, or (in "never" mode) a tensor JSON cannot carry
 */
export function buildInferBody(
  model: string,
  request: InferRequest,
  mode: BinaryMode,
  serverSpeaksBinary: boolean,
): InferBody {
  checkInferRequest(model, request);
  const binaryInputs = request.inputs.map((tensor, i) => {
    if (mode === "always") return true;
    const needs = jsonCannotCarry(tensor);
    if (mode === "never") {
      if (needs) {
        throw new ValidationError(
          `Tensor "${tensor.name}" inputs[${i}] (${tensor.datatype}) cannot be sent as JSON: expected a tensor JSON can carry, but ${needs}. Use binary: "auto" or "always".`,
          { tensor: tensor.name, path: `inputs[${i}]`, expected: "a tensor JSON can carry", received: needs },
        );
      }
      return false;
    }
    return needs !== undefined || (serverSpeaksBinary && byteLength(tensor) >= AUTO_BINARY_BYTES);
  });
  // Binary outputs only where the server is known to speak the extension: it said so before, or this very
  // request already needs it. (A browser also needs the server to expose inference-header-content-length.)
  const wantsBinaryOutputs =
    mode === "always" || (mode === "auto" && (serverSpeaksBinary || binaryInputs.includes(true)));
  const outputs = request.outputs?.map((o) => requestedOutput(o, wantsBinaryOutputs));
  // binary_data_output only reaches outputs that are not listed (ARCHITECTURE.md, wire facts: binary outputs), so it is set only then.
  const parameters: TensorParameters | undefined =
    outputs === undefined && wantsBinaryOutputs
      ? { binary_data_output: true, ...request.parameters }
      : request.parameters;

  const encoded = encodeTensorBody(request.inputs, {
    key: "inputs",
    fields:
      request.id === undefined && parameters === undefined && outputs === undefined
        ? undefined
        : { id: request.id, parameters, outputs },
    binary: binaryInputs.includes(true) ? (_tensor, i) => binaryInputs[i] === true : NO_BINARY,
  });
  if (!encoded.hasBinary) return { headers: { "content-type": "application/json" }, body: encoded.chunks[0]! };
  return {
    // KServe's Python server reads the body as binary only with this exact type (JSON types get a 422).
    headers: {
      "content-type": "application/octet-stream",
      "inference-header-content-length": String(encoded.headerLength),
    },
    body: encoded.chunks,
  };
}

/** An output as requested: an explicit `binary` wins, then the caller's own `binary_data` parameter, then the mode. */
function requestedOutput(output: RequestedOutput, wantsBinary: boolean): Record<string, unknown> {
  const parameters: Record<string, unknown> = wantsBinary
    ? { binary_data: true, ...output.parameters }
    : { ...output.parameters };
  if (output.binary !== undefined) parameters["binary_data"] = output.binary;
  if (output.classCount !== undefined) parameters["classification"] = output.classCount;
  return Object.keys(parameters).length === 0 ? { name: output.name } : { name: output.name, parameters };
}

/** Why JSON cannot carry `tensor`, or undefined if it can. */
function jsonCannotCarry(tensor: Tensor): string | undefined {
  switch (tensor.datatype) {
    case "FP16":
    case "BF16":
      return `servers refuse ${tensor.datatype} in JSON`;
    case "FP32":
    case "FP64": {
      const data = tensor.data as Float32Array | Float64Array;
      for (let i = 0; i < data.length; i++)
        if (!Number.isFinite(data[i]!)) return `data[${i}] is ${data[i]}, which JSON has no number for`;
      return undefined;
    }
    case "BYTES": {
      const data = tensor.data as Uint8Array[];
      for (let i = 0; i < data.length; i++) if (utf8Text(data[i]!) === undefined) return `data[${i}] is not UTF-8 text`;
      return undefined;
    }
    default:
      return undefined;
  }
}

function byteLength(tensor: Tensor): number {
  if (tensor.datatype !== "BYTES") return (tensor.data as Exclude<Tensor["data"], Uint8Array[]>).byteLength;
  return (tensor.data as Uint8Array[]).reduce((n, b) => n + 4 + b.byteLength, 0);
}

/**
 * Decode an inference response, JSON or binary. Binary framing is recognised by `inference-header-content-length`
 * alone: KServe's binary answers carry no Content-Type and no Content-Length.
 *
 * @throws {ProtocolError} if the body does not decode or its fields are not an inference response
 */
export function decodeInferResponse(model: string, response: HttpResponse): { result: InferResult; binary: boolean } {
  const headerLength = response.headers["inference-header-content-length"];
  const { fields, tensors } = decodeTensorBody(response.body, { key: "outputs", headerLength });
  const envelope = checkAnswerShape(inferResponseFieldsSchema, fields, "inference response");
  const result = createInferResult(
    model,
    {
      modelName: envelope.model_name,
      modelVersion: envelope.model_version ?? undefined,
      id: envelope.id ?? undefined,
      parameters: (envelope.parameters ?? undefined) as TensorParameters | undefined,
    },
    tensors,
  );
  return { result, binary: headerLength !== undefined };
}
