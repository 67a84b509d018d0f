/** The error that ends the deploy flow's wait when KServe reports a failure. */
import { KServeError, tagErrorClass } from "../errors/kserve-error.js";
import type { Condition, InferenceService } from "./types.js";

/**
 * The InferenceService reported a failure (e.g. the storage initializer could not download the model): waiting
 * longer would not help. Code `failed_precondition`; `reason` and `conditionMessage` are KServe's.
 */
export class InferenceServiceFailedError extends KServeError {
  /** The failing condition's type, e.g. `PredictorReady`. */
  readonly conditionType: string;
  readonly reason: string | undefined;
  readonly conditionMessage: string | undefined;
  readonly inferenceService: InferenceService;

  constructor(message: string, condition: Condition, isvc: InferenceService) {
    super("failed_precondition", message, { model: isvc.metadata.name });
    this.conditionType = condition.type;
    this.reason = condition.reason;
    this.conditionMessage = condition.message;
    this.inferenceService = isvc;
  }
}
tagErrorClass(InferenceServiceFailedError, "InferenceServiceFailedError");
