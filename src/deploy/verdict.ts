/**
 * When waiting for an InferenceService ends: the give-up rules of deploy's wait, as one pure function of what the
 * cluster reports and what was applied. `failingCondition` (conditions.ts) explains any status; this decides
 * whether a `False` is final for the spec being waited for, which depends on knowing what is still starting.
 */
import { describeCondition, readiness } from "./conditions.js";
import type { Condition, InferenceService } from "./types.js";

/**
 * Reasons KServe, Knative and Kubernetes report with status False while things are still starting (Standard
 * mode's Deployment conditions; the ingress waiting for its predictor): not a failure yet.
 */
const STARTING_REASONS = new Set([
  "MinimumReplicasUnavailable",
  "NewReplicaSetCreated",
  "FoundNewReplicaSet",
  "ReplicaSetUpdated",
  "Deploying",
  "RevisionMissing",
  "ContainerCreating",
  "PodInitializing",
  "Predictor ingress not created",
]);

/** Conditions that only follow others (the ingress, routes, the aggregate): their reason is rarely the cause. */
const CONSEQUENCES = new Set(["Ready", "IngressReady", "RoutesReady", "LatestDeploymentReady"]);

/** What the wait is for: the spec that was applied. */
export interface AppliedSpec {
  /** `metadata.generation` after the apply; a status whose `observedGeneration` is older says nothing about it. */
  generation: number | undefined;
  /**
   * `metadata.resourceVersion` the apply produced, or undefined when the spec was unchanged (then the status already
   * there is the verdict on this very spec).
   */
  resourceVersion: string | undefined;
}

/** Where the wait stands after one observation of the InferenceService. */
export type WaitVerdict =
  | { kind: "ready" }
  | { kind: "failed"; condition: Condition; description: string }
  | { kind: "waiting" };

/**
 * The verdict on `isvc` as observed, for the spec `applied`:
 * - `failed` when KServe rejected the spec (InvalidSpec, which it reports without recording
 *   `observedGeneration`, so it counts once the controller has written since the apply), or when the status of
 *   the applied generation has a component condition False for a reason other than starting up, or the model
 *   could not be loaded;
 * - `ready` when `Ready` is True for the applied generation;
 * - `waiting` otherwise, including every status older than the applied generation.
 */
export function waitVerdict(isvc: InferenceService, applied: AppliedSpec): WaitVerdict {
  if (
    isvc.status?.modelStatus?.transitionStatus === "InvalidSpec" &&
    isvc.metadata.resourceVersion !== applied.resourceVersion
  ) {
    // Never undefined: with InvalidSpec, failure() falls back to the model status.
    const failed = failure(isvc)!;
    return { kind: "failed", condition: failed, description: describeCondition(failed) };
  }
  const observed = isvc.status?.observedGeneration;
  if (applied.generation !== undefined && (observed === undefined || observed < applied.generation))
    return { kind: "waiting" };
  const state = readiness(isvc);
  if (state.ready) return { kind: "ready" };
  if (state.stale) return { kind: "waiting" };
  const failed = failure(isvc);
  return failed === undefined
    ? { kind: "waiting" }
    : { kind: "failed", condition: failed, description: describeCondition(failed) };
}

/**
 * The condition that says the current spec failed, if one does: a component condition that is False for a
 * reason other than starting up, or the model status KServe sets when the model could not be downloaded or
 * loaded (storage initializer failures show only there in Knative mode) or no runtime supports it.
 */
function failure(isvc: InferenceService): Condition | undefined {
  const conditions = (isvc.status?.conditions ?? []).filter(
    (c) => c.status === "False" && !STARTING_REASONS.has(c.reason ?? ""),
  );
  const cause = conditions.find((c) => !CONSEQUENCES.has(c.type));
  const model = isvc.status?.modelStatus;
  const transition = model?.transitionStatus;
  if (transition === "BlockedByFailedLoad" || transition === "InvalidSpec") {
    if (cause !== undefined) return cause;
    const info = model!.lastFailureInfo; // the transition is model's
    const reason = typeof info?.["reason"] === "string" ? info["reason"] : transition;
    return {
      type: "ModelReady",
      status: "False",
      reason,
      ...(typeof info?.["message"] === "string" ? { message: info["message"] } : {}),
    };
  }
  return cause ?? conditions.find((c) => c.type === "IngressReady");
}
