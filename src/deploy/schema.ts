/**
 * The `serving.kserve.io/v1beta1` InferenceService's zod/mini schema (its types are in types.ts), and the two
 * functions the rest of the SDK (and the mock admission webhook) validate with.
 *
 * Unknown keys are kept, everywhere. An InferenceService is a Kubernetes object: the predictor inlines a PodSpec
 * (nodeSelector, tolerations, volumes…), the model inlines a Container (image, ports…), the spec holds a
 * transformer and explainer this SDK does not model, and objects read back from a cluster carry server-set
 * metadata and status fields. Dropping any of them would silently change what gets applied. The one kind of
 * unknown key that is refused is a near-miss of a known one (`storageURI` for `storageUri`): Kubernetes would
 * drop it and the model would deploy without it.
 */
import * as z from "zod/mini";
import { API_VERSION, type Framework, FRAMEWORKS, KIND, PROTOCOL_VERSIONS, SCALE_METRICS } from "./constants.js";
import {
  dns1035LabelProblem,
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  envVarNameProblem,
  labelValueProblem,
  qualifiedNameProblem,
} from "./names.js";
import {
  describeValue,
  InferenceServiceValidationError,
  inDocumentOrder,
  type Problem,
  problemFromIssue,
} from "./problems.js";
import { type Quantity, quantityProblem } from "./quantity.js";
import { crossFieldProblems, type KnownFields } from "./rules.js";
import { storageUriProblem } from "./storage-uri.js";

export type { Quantity } from "./quantity.js";
export { API_VERSION, FRAMEWORKS, KIND, PROTOCOL_VERSIONS, SCALE_METRICS } from "./constants.js";
export type { Framework, ProtocolVersion, ScaleMetric } from "./constants.js";

// Types are in types.ts; the schema below is checked against them where `inferenceServiceSchema` is declared.
import type { InferenceService } from "./types.js";

// ---------------------------------------------------------------------------------------------------------------
// Schema.

/** A check from a function that says what is wrong (or `undefined`): zod/mini has no messages of its own. */
function rule<T>(problemOf: (value: T) => string | undefined) {
  return z.check<T>((payload) => {
    const message = problemOf(payload.value);
    if (message !== undefined) payload.issues.push({ code: "custom", message, input: payload.value });
  });
}

const nonEmpty = (value: string) => (value === "" ? "must not be empty" : undefined);
/** An integer (zod's own `int()` says "expected a number" for a string, which misleads for replica counts). */
const integerAtLeast = (min: number) =>
  z.custom<number>().check(
    rule((value) => {
      if (typeof value !== "number" || !Number.isSafeInteger(value))
        return `expected an integer, got ${describeValue(value)}`;
      return value < min ? `must be at least ${min}, got ${value}` : undefined;
    }),
  );
const optionalString = z.optional(z.string());

const labels = z.record(z.string().check(rule(qualifiedNameProblem)), z.string().check(rule(labelValueProblem)));
const annotations = z.record(z.string().check(rule(qualifiedNameProblem)), z.string());

const metadataShape = {
  name: z.string().check(rule(dns1035LabelProblem)),
  namespace: z.optional(z.string().check(rule(dns1123LabelProblem))),
  labels: z.optional(labels),
  annotations: z.optional(annotations),
  uid: optionalString,
  resourceVersion: optionalString,
  generation: z.optional(integerAtLeast(0)),
  creationTimestamp: z.optional(z.nullable(z.union([z.string(), z.date()]))),
};

const quantity = z.custom<Quantity>().check(rule(quantityProblem));
const resourceList = z.record(z.string().check(rule(qualifiedNameProblem)), quantity);

const resourcesShape = { requests: z.optional(resourceList), limits: z.optional(resourceList) };

const envVarShape = {
  name: z.string().check(rule(envVarNameProblem)),
  value: optionalString,
  valueFrom: z.optional(z.record(z.string(), z.unknown())),
};

const frameworkShape = {
  storageUri: z.optional(z.string().check(rule(storageUriProblem))),
  protocolVersion: z.optional(z.enum(PROTOCOL_VERSIONS)),
  runtime: z.optional(z.string().check(rule(dns1123SubdomainProblem))),
  runtimeVersion: optionalString,
  resources: z.optional(z.looseObject(resourcesShape)),
  env: z.optional(z.array(z.looseObject(envVarShape))),
  args: z.optional(z.array(z.string())),
};

const modelFormatShape = { name: z.string().check(rule(nonEmpty)), version: optionalString };

const modelShape = { modelFormat: z.looseObject(modelFormatShape), ...frameworkShape };

const frameworkSpec = z.looseObject(frameworkShape);

// KServe's batcher sidecar: counts, milliseconds and seconds, each at least 1 (0 would never batch or never wait).
const batcherShape = {
  maxBatchSize: z.optional(integerAtLeast(1)),
  maxLatency: z.optional(integerAtLeast(1)),
  timeout: z.optional(integerAtLeast(1)),
};

// Settings before the model, as KServe's own examples print them.
const predictorShape = {
  serviceAccountName: z.optional(z.string().check(rule(dns1123SubdomainProblem))),
  minReplicas: z.optional(integerAtLeast(0)),
  maxReplicas: z.optional(integerAtLeast(1)),
  timeout: z.optional(integerAtLeast(1)),
  containerConcurrency: z.optional(integerAtLeast(0)),
  scaleTarget: z.optional(integerAtLeast(1)),
  scaleMetric: z.optional(z.enum(SCALE_METRICS)),
  batcher: z.optional(z.looseObject(batcherShape)),
  model: z.optional(z.looseObject(modelShape)),
  ...(Object.fromEntries(FRAMEWORKS.map((name) => [name, z.optional(frameworkSpec)])) as Record<
    Framework,
    z.ZodMiniOptional<typeof frameworkSpec>
  >),
};

const specShape = { predictor: z.looseObject(predictorShape) };

// Status is written by KServe, not the user: types are checked, values are not (new reasons, modes and states
// appear with new KServe releases and must not make a healthy object unreadable).
const addressable = z.looseObject({ url: optionalString });

const condition = z.looseObject({
  type: z.string(),
  status: z.enum(["True", "False", "Unknown"]),
  reason: optionalString,
  message: optionalString,
  severity: optionalString,
  lastTransitionTime: optionalString,
});

const componentStatus = z.looseObject({
  url: optionalString,
  restUrl: optionalString,
  grpcUrl: optionalString,
  address: z.optional(addressable),
  latestReadyRevision: optionalString,
  latestCreatedRevision: optionalString,
  previousRolledoutRevision: optionalString,
  latestRolledoutRevision: optionalString,
  traffic: z.optional(z.array(z.record(z.string(), z.unknown()))),
});

const modelStatus = z.looseObject({
  transitionStatus: optionalString,
  states: z.optional(z.looseObject({ activeModelState: optionalString, targetModelState: optionalString })),
  lastFailureInfo: z.optional(z.record(z.string(), z.unknown())),
  copies: z.optional(z.looseObject({ failedCopies: z.optional(z.number()), totalCopies: z.optional(z.number()) })),
});

const status = z.looseObject({
  url: optionalString,
  address: z.optional(addressable),
  conditions: z.optional(z.array(condition)),
  components: z.optional(z.record(z.string(), componentStatus)),
  modelStatus: z.optional(modelStatus),
  deploymentMode: optionalString,
  observedGeneration: z.optional(integerAtLeast(0)),
});

const inferenceServiceShape = {
  apiVersion: z.literal(API_VERSION),
  kind: z.literal(KIND),
  metadata: z.looseObject(metadataShape),
  spec: z.looseObject(specShape),
  status: z.optional(status),
};

/**
 * The field-by-field schema. Rules that relate several fields (exactly one model, min ≤ max replicas, requests ≤
 * limits, …) live in rules.ts and run on the raw input, because zod skips object-level checks once a field inside
 * failed, and every problem must be reported at once. Use {@link checkInferenceService}, not this, to validate.
 */
export const inferenceServiceSchema: z.ZodMiniType<InferenceService> = z.looseObject(inferenceServiceShape);

/** The field names of each object, for the near-miss check of rules.ts. */
const knownFields: KnownFields = {
  root: Object.keys(inferenceServiceShape),
  metadata: Object.keys(metadataShape),
  spec: Object.keys(specShape),
  predictor: Object.keys(predictorShape),
  model: Object.keys(modelShape),
  framework: Object.keys(frameworkShape),
  modelFormat: Object.keys(modelFormatShape),
  resources: Object.keys(resourcesShape),
  envVar: Object.keys(envVarShape),
  batcher: Object.keys(batcherShape),
};

// ---------------------------------------------------------------------------------------------------------------
// Validation.

/** The result of {@link checkInferenceService}. */
export type InferenceServiceCheck = { ok: true; value: InferenceService } | { ok: false; problems: Problem[] };

/**
 * Checks `value` as a `serving.kserve.io/v1beta1` InferenceService and lists every problem by path — the field
 * checks and the rules between fields, all in one pass. Never throws. `value` on success is a new object (the
 * same fields, known ones first), which is what `toYaml` prints.
 *
 * @example
 * ```ts
 * const result = checkInferenceService(yaml.parse(text));
 * if (!result.ok) for (const p of result.problems) console.error(`${p.path}: ${p.message}`);
 * ```
 */
export function checkInferenceService(value: unknown): InferenceServiceCheck {
  const parsed = z.safeParse(inferenceServiceSchema, value, { reportInput: true });
  const fieldProblems = parsed.success ? [] : parsed.error.issues.map(problemFromIssue);
  const problems = inDocumentOrder([...fieldProblems, ...crossFieldProblems(value, knownFields)], value);
  if (parsed.success && problems.length === 0) return { ok: true, value: parsed.data };
  return { ok: false, problems };
}

/**
 * `value` as a checked InferenceService, or an {@link InferenceServiceValidationError} (a `ValidationError`, code
 * `invalid_argument`) whose message lists every problem, one per line, and whose `problems` hold them as data.
 *
 * @example
 * ```ts
 * const isvc = parseInferenceService(yaml.parse(await readFile("isvc.yaml", "utf8")));
 * ```
 */
export function parseInferenceService(value: unknown): InferenceService {
  const result = checkInferenceService(value);
  if (result.ok) return result.value;
  throw new InferenceServiceValidationError(result.problems, nameOf(value));
}

/** The object's name, when it has a usable one, for the error's first line. */
function nameOf(value: unknown): string | undefined {
  const name = (value as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  return typeof name === "string" && dns1035LabelProblem(name) === undefined ? name : undefined;
}
