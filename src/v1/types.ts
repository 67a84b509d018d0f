/** The KServe V1 client interface (TensorFlow-Serving style `:predict` / `:explain`). */
import type { ClientOptions } from "../core/request-context.js";
import type { CallOptions } from "../core/request.js";
import type { AnyTensor, Datatype, JsonValue, Tensor } from "../tensor/index.js";

/**
 * A V1 request body:
 * - `{ instances: tensor }`: a `[N, …]` tensor sent as N rows, each nested by the remaining dimensions;
 * - `{ inputs: { name: tensor, … } }`: the columnar form, one full tensor per named input, all with the same
 *   batch size (first dimension). TF Serving reads it; KServe's own Python runtimes read only lists;
 * - or a raw body, passed through as it is: `{ instances: [...] }` or `{ inputs: ... }`, plus any other fields
 *   (e.g. `signature_name`). bigint values are written as exact integers.
 */
export type V1Request = V1TensorRequest | V1RawRequest;

/** A V1 body built from tensors. */
export type V1TensorRequest =
  | { instances: Tensor; inputs?: undefined; signature_name?: string | undefined }
  | { inputs: Readonly<Record<string, Tensor>>; instances?: undefined; signature_name?: string | undefined };

/** A V1 body given as JSON, sent unchanged (numbers must be finite: JSON has no NaN). */
export type V1RawRequest =
  | { instances: readonly unknown[]; inputs?: undefined; [field: string]: unknown }
  | { inputs: unknown; instances?: undefined; [field: string]: unknown };

/** Options of {@link V1Result.tensor}; `D` is the datatype asked for, when one is. */
export interface V1TensorOptions<D extends Datatype = Datatype> {
  /** Read `outputs[output]` (the columnar answer with several outputs) instead of `predictions`. */
  output?: string | undefined;
  /** The datatype to build; default INT64 when every value is an integer, FP64 otherwise. */
  datatype?: D | undefined;
  /** The tensor's name; default `output`, or "predictions". */
  name?: string | undefined;
}

/** A V1 answer. */
export interface V1Result {
  /**
   * `predictions` of the answer (the row form): one JSON value per row, as KServe sends them (numbers, strings,
   * booleans, `null` for NaN, nested lists, objects); integers beyond 2^53 arrive as bigint.
   *
   * `undefined` when the answer has no `predictions` list: an answer in the columnar form (read `outputs`), an
   * explainer's, or a custom model's whose `predictions` is not a list (read it from `body.predictions`).
   */
  predictions: JsonValue[] | undefined;
  /** `outputs` of the answer (the columnar form), if it has one. */
  outputs: JsonValue | undefined;
  /** The whole answer, e.g. an explainer's `explanations`. */
  body: { [field: string]: JsonValue };
  /**
   * The predictions (or one of the outputs) as a tensor, when they are a rectangular array of numbers (or
   * booleans): shape from the nesting, datatype INT64 if all are integers, FP64 otherwise. With
   * `options.datatype` it is a tensor of that datatype (`tensor({ datatype: "FP32" }).data` is a
   * `Float32Array`); without, an {@link AnyTensor}: check its `datatype` to narrow its `data`.
   *
   * @throws {ValidationError} if they are missing, ragged, or hold something else (strings, objects, nulls)
   */
  tensor<D extends Datatype = Datatype>(options?: V1TensorOptions<D>): AnyTensor<D>;
}

/** The V1 client. */
export interface V1Client {
  /** `POST /v1/models/{model}:predict`. */
  predict(model: string, request: V1Request, call?: CallOptions): Promise<V1Result>;
  /** `POST /v1/models/{model}:explain` (the explainer's answer; 501 `unimplemented` when there is none). */
  explain(model: string, request: V1Request, call?: CallOptions): Promise<V1Result>;
  /** `GET /v1/models/{model}`: its `ready` (true or the string "True" some builds send); 404 or 503 → false. */
  modelReady(model: string, call?: CallOptions): Promise<boolean>;
  /** `GET /v1/models`: the names the server serves. */
  listModels(call?: CallOptions): Promise<string[]>;
  /** `GET /`: whether the server answers (KServe's liveness route); 503 → false. */
  serverLive(call?: CallOptions): Promise<boolean>;
}

/** Options of `createV1Client`: those of every client. */
export type V1ClientOptions = ClientOptions;
