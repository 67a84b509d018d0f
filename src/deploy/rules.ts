/**
 * The rules that relate several fields of an InferenceService. They run on the raw input, next to the zod schema
 * rather than inside it, because zod skips an object's own checks once a field inside it failed, and a user
 * should see every problem at once. Each rule looks only at values of the right type and leaves wrong types to
 * the schema, so no problem is reported twice.
 */
import { FRAMEWORKS, MAX_ANNOTATIONS_BYTES } from "./constants.js";
import { utf8Length } from "./names.js";
import type { LocatedProblem } from "./problems.js";
import { quantityAmount } from "./quantity.js";

/** The field names of each object the schema knows, for spotting near-misses (`storageURI`). */
export interface KnownFields {
  root: readonly string[];
  metadata: readonly string[];
  spec: readonly string[];
  predictor: readonly string[];
  model: readonly string[];
  framework: readonly string[];
  modelFormat: readonly string[];
  resources: readonly string[];
  envVar: readonly string[];
  batcher: readonly string[];
}

type Path = readonly (string | number)[];
type Fields = Record<string, unknown>;

/** Every cross-field problem in `value` (an InferenceService as given, unchecked). */
export function crossFieldProblems(value: unknown, known: KnownFields): LocatedProblem[] {
  const problems: LocatedProblem[] = [];
  const add = (path: Path, message: string) => problems.push({ path, message });
  if (!isFields(value)) return problems;

  nearMisses(value, [], known.root, add);
  const metadata = value["metadata"];
  if (isFields(metadata)) {
    nearMisses(metadata, ["metadata"], known.metadata, add);
    annotationsSize(metadata["annotations"], add);
  }
  const spec = value["spec"];
  if (!isFields(spec)) return problems;
  nearMisses(spec, ["spec"], known.spec, add);
  const predictor = spec["predictor"];
  if (isFields(predictor)) predictorRules(predictor, known, add);
  return problems;
}

type Add = (path: Path, message: string) => void;

const IMPLEMENTATIONS = ["model", ...FRAMEWORKS] as const;

function predictorRules(predictor: Fields, known: KnownFields, add: Add): void {
  const at = ["spec", "predictor"];
  nearMisses(predictor, at, known.predictor, add);

  const present = IMPLEMENTATIONS.filter((key) => predictor[key] !== undefined);
  if (present.length === 0) {
    add(at, `needs a model: set "model" (with modelFormat) or one framework shorthand (${FRAMEWORKS.join(", ")})`);
  } else if (present.length > 1) {
    add(
      at,
      `has ${present.map((k) => `"${k}"`).join(" and ")}; give exactly one of "model" and the framework shorthands`,
    );
  }

  for (const key of present) {
    const implementation = predictor[key];
    if (!isFields(implementation)) continue;
    const path = [...at, key];
    nearMisses(implementation, path, key === "model" ? known.model : known.framework, add);
    if (key === "model" && isFields(implementation["modelFormat"]))
      nearMisses(implementation["modelFormat"], [...path, "modelFormat"], known.modelFormat, add);
    if (key !== "model" && implementation["modelFormat"] !== undefined) {
      add(
        [...path, "modelFormat"],
        `is not part of a framework shorthand: "${key}" already names the format (use predictor.model to give a modelFormat)`,
      );
    }
    containerRules(implementation, path, known, add);
  }

  if (isFields(predictor["batcher"])) nearMisses(predictor["batcher"], [...at, "batcher"], known.batcher, add);

  const { minReplicas, maxReplicas, scaleTarget, scaleMetric } = predictor;
  if (
    Number.isSafeInteger(minReplicas) &&
    Number.isSafeInteger(maxReplicas) &&
    (maxReplicas as number) < (minReplicas as number)
  ) {
    add([...at, "maxReplicas"], `is ${String(maxReplicas)}, less than minReplicas (${String(minReplicas)})`);
  }
  if (
    (scaleMetric === "cpu" || scaleMetric === "memory") &&
    Number.isSafeInteger(scaleTarget) &&
    (scaleTarget as number) > 100
  ) {
    add([...at, "scaleTarget"], `is ${String(scaleTarget)}, but a ${scaleMetric} target is a percentage from 1 to 100`);
  }
}

/** Rules inside the model container: resources and env. */
function containerRules(container: Fields, at: Path, known: KnownFields, add: Add): void {
  const resources = container["resources"];
  if (isFields(resources)) {
    nearMisses(resources, [...at, "resources"], known.resources, add);
    requestsWithinLimits(resources, [...at, "resources"], add);
  }
  const env = container["env"];
  if (!Array.isArray(env)) return;
  env.forEach((item: unknown, index) => {
    if (!isFields(item)) return;
    nearMisses(item, [...at, "env", index], known.envVar, add);
    if (item["value"] !== undefined && item["valueFrom"] !== undefined)
      add([...at, "env", index], 'has both "value" and "valueFrom"; give one');
  });
}

/** Kubernetes refuses a container whose request exceeds its limit, but only when it creates the pod: say it now. */
function requestsWithinLimits(resources: Fields, at: Path, add: Add): void {
  const { requests, limits } = resources;
  if (!isFields(requests) || !isFields(limits)) return;
  for (const [name, requested] of Object.entries(requests)) {
    const request = quantityAmount(requested);
    const limit = quantityAmount(limits[name]);
    if (request !== undefined && limit !== undefined && request > limit) {
      add(
        [...at, "requests", name],
        `${String(requested)} is more than the limit ${String(limits[name])}; a request must not exceed its limit`,
      );
    }
  }
}

function annotationsSize(annotations: unknown, add: Add): void {
  if (!isFields(annotations)) return;
  let bytes = 0;
  for (const [key, value] of Object.entries(annotations))
    bytes += utf8Length(key) + (typeof value === "string" ? utf8Length(value) : 0);
  if (bytes > MAX_ANNOTATIONS_BYTES) {
    add(
      ["metadata", "annotations"],
      `total ${bytes} bytes, more than Kubernetes' limit of ${MAX_ANNOTATIONS_BYTES} (256 KiB)`,
    );
  }
}

/**
 * Keys that differ from a known field only in case, '-' or '_' (`storageURI`, `service_account_name`): the API
 * server would drop them without a word, so they are reported. Other unknown keys are kept (see schema.ts).
 */
function nearMisses(object: Fields, at: Path, known: readonly string[], add: Add): void {
  const byNormalForm = new Map(known.map((name) => [normalForm(name), name]));
  for (const key of Object.keys(object)) {
    if (known.includes(key)) continue;
    const meant = byNormalForm.get(normalForm(key));
    if (meant !== undefined) add([...at, key], `is not a field; did you mean "${meant}"?`);
  }
}

function normalForm(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, "");
}

function isFields(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
