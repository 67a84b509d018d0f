/**
 * Typed models: one model of a V2 client (REST or gRPC), with its signature. Calls are checked against the
 * signature before anything is sent, answers after, and the types follow the signature: only declared input names
 * compile, each with data of its datatype, and `output(name)` is typed by the declared output.
 */
import { AbortError, type KServeError, TimeoutError } from "../core/errors.js";
import type { CallOptions } from "../core/request.js";
import type { ModelWaitOptions } from "../core/wait.js";
import type { AnyTypedArray, Datatype, NestedArray, TensorDataMap, TensorInputElementMap } from "../tensor/datatype.js";
import type { TensorParameters } from "../tensor/json-value.js";
import type { Tensor } from "../tensor/tensor.js";
import { deadlineSignal, untilAborted } from "../internal/signals.js";
import {
  checkOutputs,
  checkSignature,
  inputsToTensors,
  type ModelSignature,
  signatureFromMetadata,
  type TensorSpec,
} from "./signature.js";
import type { BinaryMode, InferResult, ModelMetadata, RequestedOutput, V2Client } from "./types.js";

/**
 * What an input of datatype `D` may be given as: a Tensor of that datatype, its own typed array (raw bits in a
 * `Uint16Array` for FP16 and BF16), or flat or nested arrays of its elements (numbers for the floats, numbers or
 * bigints for the integers, booleans for BOOL, strings or bytes for BYTES). Where the datatype is not known, any
 * Tensor, typed array or array.
 */
export type ModelInput<D extends Datatype = Datatype> = [Datatype] extends [D]
  ? Tensor | AnyTypedArray | NestedArray<TensorInputElementMap[Datatype]>
  : Tensor<D> | TensorDataMap[D] | NestedArray<TensorInputElementMap[D]>;

/** The inputs of a call to a model with signature `S`: every declared input, by name. */
export type ModelInputs<S extends ModelSignature = ModelSignature> = {
  readonly [K in keyof S["inputs"]]: ModelInput<S["inputs"][K]["datatype"]>;
};

/** Declared output names (any string where the signature declares none). */
export type ModelOutputName<S extends ModelSignature = ModelSignature> = S["outputs"] extends {
  readonly [name: string]: TensorSpec;
}
  ? keyof S["outputs"] & string
  : string;

/** The `output(name)` of a typed model's result: a declared name gives a Tensor of the declared datatype. */
export type ModelOutputLookup<S extends ModelSignature = ModelSignature> = S["outputs"] extends {
  readonly [name: string]: TensorSpec;
}
  ? string extends keyof S["outputs"]
    ? InferResult["output"]
    : <K extends keyof S["outputs"] & string>(name: K) => Tensor<S["outputs"][K]["datatype"]>
  : InferResult["output"];

/**
 * An inference result of a typed model: an {@link InferResult} whose `output(name)` takes only declared names and
 * returns a Tensor of the declared datatype (`data` a `BigInt64Array` for INT64, and so on).
 */
export type ModelResult<S extends ModelSignature = ModelSignature> = Omit<InferResult, "output"> & {
  /**
   * The output called `name`, of its declared datatype (its datatype and shape were checked when the answer came).
   *
   * @throws {KServeError} `not_found` if the call's `outputs` left it out
   */
  output: ModelOutputLookup<S>;
};

/** An output to ask for: its name, or the name with options (binary, Triton's `classCount`, parameters). */
export type ModelRequestedOutput<N extends string = string> = N | (RequestedOutput & { name: N });

/** Options of a typed model's `infer`: the request's fields beside its inputs, and every per-call option. */
export interface ModelInferOptions<S extends ModelSignature = ModelSignature> extends CallOptions {
  /** Outputs to return; all of the model's when absent. */
  outputs?: readonly ModelRequestedOutput<ModelOutputName<S>>[] | undefined;
  /** Request id, echoed by the server. */
  id?: string | undefined;
  parameters?: TensorParameters | undefined;
  /** When tensors travel in the binary tensor extension (the client's mode when absent). */
  binary?: BinaryMode | undefined;
}

/** Options of {@link createModelClient}. */
export interface ModelClientOptions {
  /** Model version: every call goes to `/versions/{version}` (gRPC: the request's `model_version`). */
  version?: string | undefined;
}

/** A number literal type (from `const` inference) that is not a safe integer: 2^53 and beyond, or a fraction. */
type UnsafeInteger<N> = N extends number
  ? number extends N
    ? false
    : `${N}` extends `${string}e+${string}` | `${string}.${string}`
      ? true
      : DigitsBeyondSafe<`${N}` extends `-${infer A}` ? A : `${N}`>
  : false;
type Leaves<T> = T extends readonly (infer E)[] ? Leaves<E> : T;
type Length<S extends string, C extends unknown[] = []> = S extends `${string}${infer R}`
  ? Length<R, [...C, 0]>
  : C["length"];
// 9007199254740991 is the largest safe integer: 16 digits.
type DigitsBeyondSafe<S extends string> =
  Length<S> extends 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15
    ? false
    : Length<S> extends 16
      ? Greater<S, "9007199254740991">
      : true;
type Below = {
  "0": never;
  "1": "0";
  "2": "0" | "1";
  "3": "0" | "1" | "2";
  "4": "0" | "1" | "2" | "3";
  "5": "0" | "1" | "2" | "3" | "4";
  "6": "0" | "1" | "2" | "3" | "4" | "5";
  "7": "0" | "1" | "2" | "3" | "4" | "5" | "6";
  "8": "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7";
  "9": "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8";
};
type Greater<A extends string, B extends string> = A extends `${infer a}${infer ar}`
  ? B extends `${infer b}${infer br}`
    ? a extends b
      ? Greater<ar, br>
      : b extends Below[a & keyof Below]
        ? true
        : false
    : false
  : false;

/**
 * What the types check beyond the declared inputs: no undeclared name, and no INT64/UINT64 number written beyond
 * 2^53 (it would have lost digits before the SDK saw it: write it as a bigint).
 */
export type CheckedInputs<I, S extends ModelSignature> = {
  [K in keyof I]: K extends keyof S["inputs"]
    ? S["inputs"][K]["datatype"] extends "INT64" | "UINT64"
      ? true extends UnsafeInteger<Leaves<I[K]>>
        ? "INT64 numbers beyond 2^53 lose digits: write them as bigint (9007199254740993n)"
        : unknown
      : unknown
    : `"${K & string}" is not an input of this model`;
};

/** One model of a V2 client, typed by its signature `S`. Made by {@link createModelClient}. */
export interface ModelClient<S extends ModelSignature = ModelSignature> {
  /** The model's name. */
  readonly name: string;
  /** The model version every call goes to, if one was given. */
  readonly version: string | undefined;
  /**
   * One inference. Inputs are given by name, as Tensors, typed arrays, or flat or nested arrays (plain data takes
   * the declared datatype; its shape comes from nesting, or from the declared shape with one `-1` resolved from a
   * flat array's length). They are checked against the signature before anything is sent, and the answer's
   * declared outputs after it comes.
   *
   * @throws {ValidationError} naming the model and the input: an unknown or missing input, a Tensor of another
   *   datatype or rank, a fixed dimension that differs, data out of range; nothing is sent
   * @throws {ProtocolError} naming the model and the output: a declared output missing, or of another datatype,
   *   rank or fixed dimension
   * @throws {KServeError} as the client's `infer` does
   */
  infer<const I extends ModelInputs<S>>(
    inputs: I & CheckedInputs<I, S>,
    options?: ModelInferOptions<S>,
  ): Promise<ModelResult<S>>;
  /** Whether the model is ready (a 404 or 503 answer is `false`). */
  ready(call?: CallOptions): Promise<boolean>;
  /** Poll readiness with backoff until the model is ready; a TimeoutError past `timeoutMs`. */
  waitForReady(options?: Omit<ModelWaitOptions, "version">): Promise<void>;
  /** The model's metadata, read from the server each time. */
  metadata(call?: CallOptions): Promise<ModelMetadata>;
  /**
   * The signature calls are checked against: the one given, or the one the model's metadata declares (read once;
   * KServe's own runtimes declare no inputs, and then nothing is checked).
   */
  signature(call?: CallOptions): Promise<S>;
}

/**
 * One model of a V2 client (REST or gRPC), typed by its signature. With a signature, calls are checked against it;
 * without one, the model's metadata is read once (concurrent first calls share the read; a failed read is tried
 * again by the next call) and what it declares is checked.
 *
 * @example
 * ```ts
 * const iris = createModelClient(client, "iris-classifier", {
 *   inputs: { "input-0": { datatype: "FP32", shape: [-1, 4] } },
 *   outputs: { "output-0": { datatype: "INT64", shape: [-1] } },
 * });
 * const res = await iris.infer({ "input-0": [[6.8, 2.8, 4.8, 1.4]] });
 * res.output("output-0").data; // BigInt64Array
 * ```
 * @throws {ValidationError} for a signature whose datatypes or shapes are not V2's
 */
export function createModelClient<const S extends ModelSignature>(
  client: V2Client,
  name: string,
  signature: S,
  options?: ModelClientOptions,
): ModelClient<S>;
export function createModelClient(
  client: V2Client,
  name: string,
  signature?: undefined,
  options?: ModelClientOptions,
): ModelClient;
export function createModelClient(
  client: V2Client,
  name: string,
  given?: ModelSignature,
  options: ModelClientOptions = {},
): ModelClient {
  if (given !== undefined) checkSignature(name, given);
  const { version } = options;
  let read: Promise<ModelSignature> | undefined;
  // The metadata read is shared by concurrent calls, so it runs with no caller's signal: each caller waits for it
  // under its own signal and deadline instead, and one caller's cancel does not fail the others.
  const readSignature = (): Promise<ModelSignature> => {
    read ??= client.modelMetadata(name, { version }).then(signatureFromMetadata, (error: unknown) => {
      read = undefined;
      throw error;
    });
    return read;
  };
  const signatureFor = async (call: CallOptions): Promise<{ signature: ModelSignature; call: CallOptions }> => {
    if (given !== undefined) return { signature: given, call };
    if (call.signal?.aborted) throw cancelled(name, call.signal.reason);
    const started = Date.now();
    const deadline =
      call.timeoutMs === undefined
        ? undefined
        : deadlineSignal(
            call.timeoutMs,
            () =>
              new TimeoutError(`model("${name}"): ${call.timeoutMs} ms passed while reading its metadata.`, {
                model: name,
              }),
            call.signal,
          );
    try {
      const signature = await untilAborted(readSignature(), deadline?.signal ?? call.signal);
      const left = call.timeoutMs === undefined ? undefined : Math.max(1, call.timeoutMs - (Date.now() - started));
      return { signature, call: left === undefined ? call : { ...call, timeoutMs: left } };
    } catch (error) {
      if (deadline?.timedOut()) throw error;
      if (call.signal?.aborted && error === call.signal.reason) throw cancelled(name, error);
      throw error;
    } finally {
      deadline?.dispose();
    }
  };

  return {
    name,
    version,
    async infer(inputs, inferOptions = {}) {
      const { outputs, id, parameters, ...rest } = inferOptions;
      const { signature, call } = await signatureFor(rest);
      const requested = outputs?.map((o) => (typeof o === "string" ? { name: o } : o));
      const tensors = inputsToTensors(name, signature, inputs as Record<string, unknown>);
      const result = await client.infer(
        name,
        { inputs: tensors, outputs: requested, id, parameters },
        { ...call, version, binary: inferOptions.binary },
      );
      checkOutputs(name, signature.outputs, result.outputs, requested);
      return result as ModelResult as never;
    },
    ready: (call = {}) => client.modelReady(name, { ...call, version }),
    waitForReady: (wait = {}) => client.waitForModelReady(name, { ...wait, version }),
    metadata: (call = {}) => client.modelMetadata(name, { ...call, version }),
    async signature(call = {}) {
      return (await signatureFor(call)).signature;
    },
  };
}

function cancelled(model: string, reason: unknown): KServeError {
  return new AbortError(`model("${model}"): the call was cancelled while reading its metadata.`, {
    model,
    cause: reason,
  });
}
