/**
 * The model file the mock cluster's sklearn runtime loads: a decision tree classifier as JSON (`model.json`).
 * Real KServe downloads a pickled scikit-learn model (`model.joblib`) and unpickles it; the mock stands in a
 * format it can read without Python, holding the same kind of parameters IRIS_MODEL does. `irisModelFile()` is
 * the file the default mock bucket holds, so a model deployed from it is loaded from bytes, not from memory.
 */
import { IRIS_MODEL } from "../iris-model.js";
import type { TreeClassifierParameters, TreeNode } from "../models.js";

/** The `format` field that marks a tree classifier file. */
export const TREE_MODEL_FORMAT = "kserve-client/tree-classifier";

/** The file name the mock buckets store the iris classifier under (the sklearn runtime looks for `*.json`). */
export const IRIS_MODEL_FILE_NAME = "model.json";

/** The content of a tree classifier file. */
export interface TreeModelFile {
  format: typeof TREE_MODEL_FORMAT;
  formatVersion: 1;
  /** Feature names, in input column order; their count is the input width. */
  features: readonly string[];
  /** Class names by class id, for people reading the file; the model answers ids. */
  classes?: readonly string[] | undefined;
  tree: TreeNode;
  /** Where the parameters came from (free text). */
  description?: string | undefined;
}

/** A file that is not a tree classifier the runtime can load; `message` says what is wrong with it. */
export class ModelFileError extends Error {}

/** The bytes of a tree classifier file holding `model`. */
export function encodeTreeModelFile(model: Omit<TreeModelFile, "format" | "formatVersion">): Uint8Array {
  const file: TreeModelFile = { format: TREE_MODEL_FORMAT, formatVersion: 1, ...model };
  return new TextEncoder().encode(`${JSON.stringify(file, null, 2)}\n`);
}

/**
 * The iris classifier (IRIS_MODEL) as a model file: put it in a mock bucket (or a directory for `file://`) as
 * `model.json` and deploy it with `modelFormat: sklearn`.
 *
 * @example
 * ```ts
 * await startMockKServe({ cluster: { buckets: { models: { credentials, objects: { "iris/model.json": irisModelFile() } } } } });
 * ```
 */
export function irisModelFile(): Uint8Array {
  return encodeTreeModelFile({
    features: IRIS_MODEL.features,
    classes: IRIS_MODEL.classes,
    tree: IRIS_MODEL.tree,
    description: `${IRIS_MODEL.algorithm}, trained on ${IRIS_MODEL.data}`,
  });
}

/** The classifier parameters in a tree classifier file. @throws {ModelFileError} when the file is not one. */
export function parseTreeModelFile(bytes: Uint8Array): TreeClassifierParameters {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw new ModelFileError(`not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isRecord(parsed)) throw new ModelFileError("not a JSON object");
  if (parsed["format"] !== TREE_MODEL_FORMAT)
    throw new ModelFileError(`"format" is ${JSON.stringify(parsed["format"])}, expected "${TREE_MODEL_FORMAT}"`);
  if (parsed["formatVersion"] !== 1)
    throw new ModelFileError(`"formatVersion" ${JSON.stringify(parsed["formatVersion"])} is not supported (only 1)`);
  const features = parsed["features"];
  if (!Array.isArray(features) || features.length === 0 || !features.every((f) => typeof f === "string")) {
    throw new ModelFileError('"features" must be a non-empty list of feature names');
  }
  const classes = parsed["classes"];
  if (classes !== undefined && (!Array.isArray(classes) || !classes.every((c) => typeof c === "string"))) {
    throw new ModelFileError('"classes" must be a list of class names');
  }
  const tree = checkNode(parsed["tree"], "tree", { featureCount: features.length, classCount: classes?.length }, 0);
  return { featureCount: features.length, tree };
}

/** Deeper trees are refused: a hand-written file that nests without end would otherwise overflow the stack. */
const MAX_DEPTH = 64;

function checkNode(
  node: unknown,
  path: string,
  limits: { featureCount: number; classCount: number | undefined },
  depth: number,
): TreeNode {
  if (depth > MAX_DEPTH) throw new ModelFileError(`${path}: the tree is deeper than ${MAX_DEPTH} levels`);
  if (!isRecord(node))
    throw new ModelFileError(
      `${path} must be an object: a leaf {"class"} or a split {"feature", "threshold", "left", "right"}`,
    );
  if ("class" in node) {
    const id = node["class"];
    if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 0)
      throw new ModelFileError(`${path}.class must be a class id (an integer from 0)`);
    if (limits.classCount !== undefined && id >= limits.classCount)
      throw new ModelFileError(`${path}.class ${id} is not one of the ${limits.classCount} classes`);
    return { class: id };
  }
  const { feature, threshold } = node;
  if (typeof feature !== "number" || !Number.isSafeInteger(feature) || feature < 0 || feature >= limits.featureCount) {
    throw new ModelFileError(`${path}.feature must be a feature index from 0 to ${limits.featureCount - 1}`);
  }
  if (typeof threshold !== "number" || !Number.isFinite(threshold))
    throw new ModelFileError(`${path}.threshold must be a finite number`);
  return {
    feature,
    threshold,
    left: checkNode(node["left"], `${path}.left`, limits, depth + 1),
    right: checkNode(node["right"], `${path}.right`, limits, depth + 1),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
