/** The V2 (Open Inference Protocol) client interface, shared by the REST client and, later, gRPC. */
import type { ClientOptions } from "../core/request-context.js";
import type { CallOptions } from "../core/request.js";
import type { InferResult } from "../core/inference.js";
import type { ModelWaitOptions } from "../core/wait.js";
import type { Tensor, TensorParameters } from "../tensor/index.js";

export type { InferResult } from "../core/inference.js";
export type { ModelWaitOptions } from "../core/wait.js";

/** @deprecated Renamed {@link ModelWaitOptions} (deploy's wait for an InferenceService has `InferenceServiceWaitOptions`). */
export type WaitOptions = ModelWaitOptions;

/**
 * When tensors travel in the binary tensor extension instead of JSON:
 * - `"auto"` (default): inputs go binary when JSON cannot carry them (FP16/BF16, NaN/±Infinity, BYTES that are
 *   not UTF-8), or when they are 64 KiB or more and the server is known to speak the extension (it answered in
 *   binary before, or its metadata lists `binary_tensor_data`); outputs are asked for in binary only then, or
 *   when the request itself goes binary. Otherwise everything is JSON.
 * - `"always"`: every input and output binary.
 * - `"never"`: JSON only; a tensor JSON cannot carry is a ValidationError.
 */
export type BinaryMode = "auto" | "always" | "never";

/** An output to ask for by name. */
export interface RequestedOutput {
  name: string;
  /** Ask for this output in binary (overrides the call's mode for it). */
  binary?: boolean | undefined;
  /** Triton's classification extension: the top `classCount` classes as BYTES "value:index[:label]". */
  classCount?: number | undefined;
  parameters?: TensorParameters | undefined;
}

/** One inference request. */
export interface InferRequest {
  inputs: readonly Tensor[];
  /** Outputs to return; all of the model's when absent. */
  outputs?: readonly RequestedOutput[] | undefined;
  /** Request id, echoed by the server. */
  id?: string | undefined;
  parameters?: TensorParameters | undefined;
}

/** Per-call options of `infer`. */
export interface InferCallOptions extends CallOptions {
  binary?: BinaryMode | undefined;
  /** Model version (path `/versions/{version}`). */
  version?: string | undefined;
}

export interface ServerMetadata {
  name: string;
  version: string | undefined;
  extensions: string[];
}

export interface TensorMetadata {
  name: string;
  datatype: string;
  /** -1 marks a variable dimension. */
  shape: number[];
}

export interface ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

/** The V2 client: the same interface over REST and gRPC. */
export interface V2Client {
  infer(model: string, request: InferRequest, call?: InferCallOptions): Promise<InferResult>;
  serverLive(call?: CallOptions): Promise<boolean>;
  serverReady(call?: CallOptions): Promise<boolean>;
  modelReady(model: string, call?: CallOptions & { version?: string | undefined }): Promise<boolean>;
  serverMetadata(call?: CallOptions): Promise<ServerMetadata>;
  modelMetadata(model: string, call?: CallOptions & { version?: string | undefined }): Promise<ModelMetadata>;
  /** Poll `modelReady` with backoff until true (made for scale-from-zero); a TimeoutError past `timeoutMs`. */
  waitForModelReady(model: string, options?: ModelWaitOptions): Promise<void>;
}

/** Options of `createV2Client`: those of every client, plus the binary extension's mode. */
export interface V2ClientOptions extends ClientOptions {
  binary?: BinaryMode | undefined;
}
