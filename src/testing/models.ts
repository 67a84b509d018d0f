/**
 * Fake models for tests and demos: an iris classifier that answers like the real KServe sklearn server, an
 * echo model for every datatype, and a scriptable faulty model.
 */
import { ConfigError } from "../core/errors.js";
import { Tensor } from "../tensor/index.js";
import { IRIS_MODEL } from "./iris-model.js";
import type { TensorMetadata } from "../v2/types.js";

/**
 * Server time a model spends on a request: `perRequestMs` for each request plus `perRowMs` for each row (dimension
 * 0 of its first input), spent busy in the server's process, as a Python model server spends it (its CPU is
 * taken, other requests wait). Benchmarks on the mock set one to behave like a real server; the default is none.
 */
export interface ModelCost {
  perRequestMs?: number | undefined;
  perRowMs?: number | undefined;
}

/** What a faulty model does with one request. */
export type FaultAction =
  /** Answer with this status (and optional body and headers) instead of inferring. */
  | { status: number; body?: string | undefined; headers?: Record<string, string> | undefined }
  /** Wait, then answer normally. */
  | { delayMs: number }
  /** Never answer. */
  | { hang: true }
  /** Send only the first `bytes` bytes of the normal answer, then close the connection. */
  | { truncateAt: number }
  /** Answer 200 with a body that is not JSON. */
  | { malformed: true }
  /** Close the connection without answering. */
  | { reset: true };

/** A model the fake servers can serve. */
export interface FakeModel {
  name: string;
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
  ready: boolean;
  /** Outputs for `inputs`; throw a FakeModelError for a model failure (a 500 with its message, or its `status`). */
  infer(inputs: Tensor[]): Tensor[];
  /** Faults to play, one per request, before normal answers resume. */
  faults: FaultAction[];
  /** Set on a text generation model: it also serves KServe's OpenAI-compatible routes (`/openai/v1/…`). */
  generative?: GenerativeSettings | undefined;
  /** What each request costs the server (see {@link ModelCost}); default: the server's `cost`, else none. */
  cost?: ModelCost | undefined;
}

/**
 * `model.infer(inputs)` after spending its cost (the model's own, else `fallback`): what every protocol handler
 * runs for an inference.
 */
export function runModel(model: FakeModel, inputs: Tensor[], fallback?: ModelCost): Tensor[] {
  const cost = model.cost ?? fallback;
  if (cost !== undefined) {
    const rows = inputs[0]?.shape[0] ?? 1;
    const until = performance.now() + (cost.perRequestMs ?? 0) + (cost.perRowMs ?? 0) * rows;
    // Busy, not asleep: a model's work holds the server's one thread, so requests queue behind it as they do on a
    // real Python server.
    while (performance.now() < until);
  }
  return model.infer(inputs);
}

/**
 * `cost` checked: each part a finite number of milliseconds, at least 0.
 *
 * @throws {ConfigError} naming the part that is not
 */
export function checkModelCost(cost: ModelCost | undefined, where: string): ModelCost | undefined {
  for (const part of ["perRequestMs", "perRowMs"] as const) {
    const value = cost?.[part];
    if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value >= 0))
      throw new ConfigError(
        `${where}.${part} must be a finite number of milliseconds, at least 0, got ${String(value)}.`,
      );
  }
  return cost;
}

/** How a text generation model of the mock answers on the OpenAI-compatible routes. */
export interface GenerativeSettings {
  /** Prompt and completion tokens together at most (vLLM's `max_model_len`); a request beyond it is a 400. */
  contextLength: number;
  /** Time before each streamed token, in ms. */
  tokenDelayMs: number;
  /** Sees each stream as the server writes it (see {@link MockStreamEvent}). */
  onStream?: ((event: MockStreamEvent) => void | Promise<void>) | undefined;
}

/** What a streamed answer of a text generation model does, as the server writes it. */
export type MockStreamEvent =
  /**
   * Token `index` (from 0) of `count` is about to be written. The stream waits for a promise the hook returns, so a
   * test can hold it between two tokens (or until the client goes away).
   */
  | { type: "token"; model: string; index: number; count: number }
  /**
   * The stream ended after `written` tokens: `complete` once `data: [DONE]` was written, false when the client
   * closed the connection first.
   */
  | { type: "end"; model: string; written: number; complete: boolean };

/**
 * A failure inside the model: the servers answer 500 with this message, as KServe does, or `status` (400 for a
 * request the model refuses, as Triton does for inputs its configuration does not declare). Over gRPC, the code
 * that status means.
 */
export class FakeModelError extends Error {
  readonly status: number;
  constructor(message: string, options: { status?: number | undefined } = {}) {
    super(message);
    this.status = options.status ?? 500;
  }
}

/** The fake models by name. */
export interface FakeModels {
  get(name: string): FakeModel | undefined;
  names(): string[];
  add(model: FakeModel): void;
  /** Stop serving a model; true if it was there. */
  delete(name: string): boolean;
}

/**
 * What every fake model starts as: ready, with no faults queued, and no tensor metadata (KServe's own runtimes
 * declare none).
 */
export function readyModel(name: string, platform: string): Omit<FakeModel, "infer"> {
  return { name, platform, inputs: [], outputs: [], ready: true, faults: [] };
}

/** A node of a decision tree classifier: a leaf with a class, or a split on one feature (`<=` goes left). */
export type TreeNode =
  | { readonly class: number }
  | { readonly feature: number; readonly threshold: number; readonly left: TreeNode; readonly right: TreeNode };

/** What a tree classifier needs: the tree, and how many features a row has. */
export interface TreeClassifierParameters {
  /** Features per row; rows of another width fail like sklearn does. */
  readonly featureCount: number;
  readonly tree: TreeNode;
}

function classify(node: TreeNode, row: ArrayLike<number>, offset: number): number {
  while (!("class" in node)) node = row[offset + node.feature]! <= node.threshold ? node.left : node.right;
  return node.class;
}

/**
 * A decision tree classifier that answers like the sklearn model behind the recorded KServe exchanges: INT64
 * class ids, shape [batch], output "output-0". Takes FP32, FP64 or INT64 [batch, featureCount]; another width
 * fails like sklearn does (a 500 with its message). The iris classifier is this with IRIS_MODEL's tree; the mock
 * cluster builds one from the model file it downloads.
 */
export function treeClassifierModel(name: string, parameters: TreeClassifierParameters): FakeModel {
  const width = parameters.featureCount;
  return {
    ...readyModel(name, ""),
    infer(inputs) {
      const x = inputs[0]!;
      const features = x.shape[x.shape.length - 1] ?? 1;
      if (
        x.shape.length !== 2 ||
        features !== width ||
        (x.datatype !== "FP32" && x.datatype !== "FP64" && x.datatype !== "INT64")
      ) {
        throw new FakeModelError(`X has ${features} features, but SVC is expecting ${width} features as input.`);
      }
      // Integer features (V1 `[[5, 3, 1, 0]]` parses to an int64 array) are read as floats, as sklearn does.
      const data =
        x.datatype === "INT64"
          ? Float64Array.from(x.data as BigInt64Array, Number)
          : (x.data as Float32Array | Float64Array);
      const rows = x.shape[0]!;
      const classes = new BigInt64Array(rows);
      for (let r = 0; r < rows; r++) classes[r] = BigInt(classify(parameters.tree, data, r * width));
      return [Tensor.int64("output-0", [rows], classes)];
    },
  };
}

/**
 * The iris classifier: a decision tree trained by scripts/train-iris.mjs on Fisher's iris data (its parameters
 * are IRIS_MODEL); it agrees with the real sklearn model on every row of the recorded exchanges.
 */
function irisModel(name: string): FakeModel {
  return treeClassifierModel(name, { featureCount: IRIS_MODEL.features.length, tree: IRIS_MODEL.tree });
}

/**
 * What Triton answers (400) for inputs that its model configuration does not declare: an unknown or missing name,
 * another datatype, another rank or fixed dimension (`-1` is free). Undefined when they fit.
 */
export function declaredInputsProblem(model: FakeModel, inputs: readonly Tensor[]): string | undefined {
  const shape = (dims: readonly number[]) => `[${dims.join(",")}]`;
  for (const input of inputs) {
    const declared = model.inputs.find((t) => t.name === input.name);
    if (declared === undefined) return `unexpected inference input '${input.name}' for model '${model.name}'`;
    if (declared.datatype !== input.datatype) {
      return `inference input '${input.name}' data-type is '${input.datatype}', but model '${model.name}' expects '${declared.datatype}'`;
    }
    const fits =
      declared.shape.length === input.shape.length && declared.shape.every((d, i) => d < 0 || d === input.shape[i]);
    if (!fits) {
      return `unexpected shape for input '${input.name}' for model '${model.name}'. Expected ${shape(declared.shape)}, got ${shape(input.shape)}`;
    }
  }
  if (inputs.length !== model.inputs.length) {
    return `expected ${model.inputs.length} inputs but got ${inputs.length} inputs for model '${model.name}'`;
  }
  return undefined;
}

/**
 * The iris classifier as Triton serves an ONNX model: its metadata declares its input and output with `-1` as the
 * batch dimension, and a request that does not fit them is a 400 with Triton's message (the tree never sees it).
 */
export function tritonIrisModel(name = "iris-onnx"): FakeModel {
  const tree = irisModel(name);
  const model: FakeModel = {
    ...tree,
    platform: "onnxruntime_onnx",
    inputs: [{ name: "input-0", datatype: "FP32", shape: [-1, IRIS_MODEL.features.length] }],
    outputs: [{ name: "output-0", datatype: "INT64", shape: [-1] }],
    infer(inputs) {
      const problem = declaredInputsProblem(model, inputs);
      if (problem !== undefined) throw new FakeModelError(problem, { status: 400 });
      return tree.infer(inputs);
    },
  };
  return model;
}

/** Returns every input as an output of the same name, for any datatype. */
export function echoModel(name = "echo"): FakeModel {
  return { ...readyModel(name, "kserve-client_echo"), infer: (inputs) => inputs };
}

/** Echoes too, but plays its `faults` first: push actions onto `models.get("faulty").faults`. */
function faultyModel(): FakeModel {
  return echoModel("faulty");
}

/** A registry holding `models` (by their names), in that order. */
export function createModelRegistry(models: readonly FakeModel[] = []): FakeModels {
  const byName = new Map<string, FakeModel>();
  const add = (model: FakeModel) => void byName.set(model.name, model);
  models.forEach(add);
  return {
    get: (name) => byName.get(name),
    names: () => [...byName.keys()],
    add,
    delete: (name) => byName.delete(name),
  };
}

/**
 * A fresh registry: `iris-classifier` (also as `iris`), `echo` and `faulty`, which declare no inputs or outputs as
 * KServe's own runtimes do, and `iris-onnx`, which declares them as Triton does.
 */
export function createFakeModels(): FakeModels {
  return createModelRegistry([
    irisModel("iris-classifier"),
    irisModel("iris"),
    echoModel(),
    faultyModel(),
    tritonIrisModel(),
  ]);
}
