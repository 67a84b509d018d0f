/**
 * Fake models for tests and demos: an iris classifier that answers like the real KServe sklearn server, an
 * echo model for every datatype, and a scriptable faulty model.
 */
import { Tensor } from "../tensor/index.js";
import { IRIS_MODEL } from "./iris-model.js";
import type { TensorMetadata } from "../v2/types.js";

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
  /** Outputs for `inputs`; throw a FakeModelError for a model failure (a 500 with its message). */
  infer(inputs: Tensor[]): Tensor[];
  /** Faults to play, one per request, before normal answers resume. */
  faults: FaultAction[];
}

/** A failure inside the model: the servers answer 500 with this message, as KServe does. */
export class FakeModelError extends Error {}

/** The fake models by name. */
export interface FakeModels {
  get(name: string): FakeModel | undefined;
  names(): string[];
  add(model: FakeModel): void;
  /** Stop serving a model; true if it was there. */
  delete(name: string): boolean;
}

/** A node of the iris decision tree: a leaf with a class, or a split on one feature. */
type TreeNode = { readonly class: number } | { readonly feature: number; readonly threshold: number; readonly left: TreeNode; readonly right: TreeNode };

function classify(node: TreeNode, row: ArrayLike<number>, offset: number): number {
  while (!("class" in node)) node = row[offset + node.feature]! <= node.threshold ? node.left : node.right;
  return node.class;
}

/**
 * The iris classifier: a decision tree trained by scripts/train-iris.mjs on Fisher's iris data (its parameters
 * are IRIS_MODEL). It answers INT64 class ids 0/1/2, shape [batch], output "output-0", like the sklearn model
 * behind the recorded KServe exchanges, and agrees with it on every row in them. Takes FP32, FP64 or INT64 [batch, 4];
 * another width fails like sklearn does (a 500 with its message).
 */
function irisModel(name: string): FakeModel {
  return {
    name,
    platform: "",
    inputs: [],
    outputs: [],
    ready: true,
    faults: [],
    infer(inputs) {
      const x = inputs[0]!;
      const features = x.shape[x.shape.length - 1] ?? 1;
      if (x.shape.length !== 2 || features !== 4 || (x.datatype !== "FP32" && x.datatype !== "FP64" && x.datatype !== "INT64")) {
        throw new FakeModelError(`X has ${features} features, but SVC is expecting 4 features as input.`);
      }
      // Integer features (V1 `[[5, 3, 1, 0]]` parses to an int64 array) are read as floats, as sklearn does.
      const data = x.datatype === "INT64" ? Float64Array.from(x.data as BigInt64Array, Number) : (x.data as Float32Array | Float64Array);
      const rows = x.shape[0]!;
      const classes = new BigInt64Array(rows);
      for (let r = 0; r < rows; r++) classes[r] = BigInt(classify(IRIS_MODEL.tree, data, r * 4));
      return [Tensor.int64("output-0", [rows], classes)];
    },
  };
}

/** Returns every input as an output of the same name, for any datatype. */
function echoModel(): FakeModel {
  return {
    name: "echo",
    platform: "kserve-client_echo",
    inputs: [],
    outputs: [],
    ready: true,
    faults: [],
    infer: (inputs) => inputs,
  };
}

/** Echoes too, but plays its `faults` first: push actions onto `models.get("faulty").faults`. */
function faultyModel(): FakeModel {
  return { ...echoModel(), name: "faulty" };
}

/** A fresh registry: `iris-classifier` (also as `iris`), `echo` and `faulty`. */
export function createFakeModels(): FakeModels {
  const models = new Map<string, FakeModel>();
  const add = (model: FakeModel) => void models.set(model.name, model);
  const iris = irisModel("iris-classifier");
  add(iris);
  models.set("iris", { ...iris, name: "iris" });
  add(echoModel());
  add(faultyModel());
  return { get: (name) => models.get(name), names: () => [...models.keys()], add, delete: (name) => models.delete(name) };
}
