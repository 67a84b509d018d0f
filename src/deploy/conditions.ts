/**
 * Reading an InferenceService's conditions: is it Ready, and if not, which condition says why. Pure helpers for
 * whoever watches an InferenceService come up (deploy's wait, a CLI, a dashboard).
 */
import type { Condition, ConditionStatus, InferenceServiceLike } from "./types.js";

/** The aggregate condition every InferenceService reports; `True` means it serves traffic. */
export const READY = "Ready";

/** `status.conditions`, or an empty list while KServe has not reported any. */
export function conditionsOf(isvc: InferenceServiceLike): readonly Condition[] {
  return isvc.status?.conditions ?? [];
}

/** The `Ready` condition, or `undefined` while KServe has not reported it. */
export function readyCondition(isvc: InferenceServiceLike): Condition | undefined {
  return conditionsOf(isvc).find((condition) => condition.type === READY);
}

/**
 * The condition that best explains a failure: the first with status `False`, preferring the conditions `Ready`
 * depends on (`PredictorReady`, `IngressReady`, …) over informational ones (severity `Info`), and those over
 * `Ready` itself, which only repeats a dependent's reason.
 *
 * A `False` condition is not always final: in Standard mode `PredictorReady` is `False` (reason
 * `MinimumReplicasUnavailable`) while the first pod starts. Deciding when to give up is the caller's business.
 */
export function failingCondition(isvc: InferenceServiceLike): Condition | undefined {
  const failed = conditionsOf(isvc).filter((condition) => condition.status === "False");
  return (
    failed.find((condition) => condition.type !== READY && condition.severity !== "Info") ??
    failed.find((condition) => condition.type !== READY) ??
    failed[0] // by now every condition in `failed` is Ready
  );
}

/** What {@link readiness} reports. */
export interface Readiness {
  /** True when `Ready` is `True` and the status describes the current spec (not {@link Readiness.stale}). */
  ready: boolean;
  /** The `Ready` condition's status; `Unknown` when it is absent. */
  status: ConditionStatus;
  /** The `Ready` condition's reason and message, when it has them. */
  reason?: string;
  message?: string;
  /**
   * `status.observedGeneration` is behind `metadata.generation`: KServe has not yet reconciled the latest spec, so
   * a `Ready: True` still describes the previous one. False when either number is missing.
   */
  stale: boolean;
  /** See {@link failingCondition}. */
  failing?: Condition;
}

/**
 * Where the InferenceService stands, in one object: ready or not, `Ready`'s status, whether the status is stale,
 * and the condition that explains a failure.
 *
 * @example
 * ```ts
 * const state = readiness(isvc);
 * if (state.failing) console.log(describeCondition(state.failing)); // PredictorReady=False (RevisionFailed): …
 * ```
 */
export function readiness(isvc: InferenceServiceLike): Readiness {
  const ready = readyCondition(isvc);
  const status = ready?.status ?? "Unknown";
  const generation = isvc.metadata?.generation;
  const observed = isvc.status?.observedGeneration;
  const stale = generation !== undefined && observed !== undefined && observed < generation;
  const failing = failingCondition(isvc);
  return {
    ready: status === "True" && !stale,
    status,
    ...(ready?.reason !== undefined && { reason: ready.reason }),
    ...(ready?.message !== undefined && { message: ready.message }),
    stale,
    ...(failing !== undefined && { failing }),
  };
}

/** A condition in one line for logs and errors: `PredictorReady=False (RevisionFailed): <message>`. */
export function describeCondition(condition: Condition): string {
  const reason = condition.reason ? ` (${condition.reason})` : "";
  const message = condition.message ? `: ${condition.message}` : "";
  return `${condition.type}=${condition.status}${reason}${message}`;
}
