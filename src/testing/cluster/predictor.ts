/**
 * What the reconciler reads from an InferenceService's predictor: the model (format, runtime, storage URI)
 * from `predictor.model` or a framework shorthand (`predictor.sklearn`, whose key names the format), and the
 * ServiceAccount. The object passed KServe's admission check, so fields have the right types.
 */
import { FRAMEWORKS } from "../../deploy/index.js";
import type { PredictorModel } from "./runtimes.js";

/** The predictor's parts that decide how it is deployed. */
export interface PredictorPlan {
  /** Absent for a predictor of custom containers only, which the mock does not run. */
  model?: PredictorModel | undefined;
  serviceAccountName?: string | undefined;
}

/** The plan of `spec.predictor`. */
export function readPredictor(spec: unknown): PredictorPlan {
  const predictor = record(record(spec)["predictor"]);
  const serviceAccountName = optionalString(predictor["serviceAccountName"]);
  const model = record(predictor["model"]);
  if (predictor["model"] !== undefined) {
    const format = record(model["modelFormat"]);
    return {
      serviceAccountName,
      model: {
        format: { name: String(format["name"] ?? ""), version: optionalString(format["version"]) },
        runtime: optionalString(model["runtime"]),
        storageUri: optionalString(model["storageUri"]),
      },
    };
  }
  for (const framework of FRAMEWORKS) {
    if (predictor[framework] === undefined) continue;
    const shorthand = record(predictor[framework]);
    return {
      serviceAccountName,
      model: {
        format: { name: framework },
        runtime: optionalString(shorthand["runtime"]),
        storageUri: optionalString(shorthand["storageUri"]),
      },
    };
  }
  return { serviceAccountName };
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
