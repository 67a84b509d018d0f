/** The give-up rules of deploy's wait, as a pure function: ready, failed (and which condition says so), or waiting. */
import { describe, expect, it } from "vitest";
import type { Condition, InferenceService } from "../../src/deploy/types.js";
import { waitVerdict } from "../../src/deploy/verdict.js";

function isvc(
  status: InferenceService["status"],
  metadata: Partial<InferenceService["metadata"]> = {},
): InferenceService {
  return {
    apiVersion: "serving.kserve.io/v1beta1",
    kind: "InferenceService",
    metadata: { name: "iris", namespace: "default", generation: 2, resourceVersion: "20", ...metadata },
    spec: { predictor: { model: { modelFormat: { name: "sklearn" }, storageUri: "gs://models/iris" } } },
    status,
  } as InferenceService;
}
const applied = { generation: 2, resourceVersion: "20" };
const ready: Condition = { type: "Ready", status: "True" };

describe("waitVerdict", () => {
  it("ready when Ready is True for the applied generation", () => {
    expect(waitVerdict(isvc({ observedGeneration: 2, conditions: [ready] }), applied)).toEqual({ kind: "ready" });
  });

  it("waiting while the status is of an older generation, or has none, even if it says Ready or failed", () => {
    expect(waitVerdict(isvc({ observedGeneration: 1, conditions: [ready] }), applied)).toEqual({ kind: "waiting" });
    expect(waitVerdict(isvc({ conditions: [ready] }), applied)).toEqual({ kind: "waiting" });
    const failed: Condition = { type: "PredictorReady", status: "False", reason: "RevisionFailed", message: "boom" };
    expect(waitVerdict(isvc({ observedGeneration: 1, conditions: [failed] }), applied)).toEqual({ kind: "waiting" });
  });

  it("waiting for reasons that mean starting up (Standard mode's Deployment, the ingress waiting for its predictor)", () => {
    for (const reason of ["MinimumReplicasUnavailable", "ContainerCreating", "Predictor ingress not created"]) {
      const conditions: Condition[] = [
        { type: "PredictorReady", status: "False", reason },
        { type: "IngressReady", status: "False", reason },
        { type: "Ready", status: "False", reason },
      ];
      expect(waitVerdict(isvc({ observedGeneration: 2, conditions }), applied)).toEqual({ kind: "waiting" });
    }
  });

  it("failed on a component condition False for another reason, naming that condition rather than Ready", () => {
    const cause: Condition = {
      type: "PredictorReady",
      status: "False",
      reason: "RevisionFailed",
      message: "Container failed with: storage-initializer error",
    };
    const verdict = waitVerdict(
      isvc({
        observedGeneration: 2,
        conditions: [{ type: "Ready", status: "False", reason: "RevisionFailed" }, cause],
      }),
      applied,
    );
    expect(verdict).toEqual({
      kind: "failed",
      condition: cause,
      description: "PredictorReady=False (RevisionFailed): Container failed with: storage-initializer error",
    });
  });

  it("failed on IngressReady False when nothing else explains it", () => {
    const ingress: Condition = { type: "IngressReady", status: "False", reason: "NoHosts" };
    expect(
      waitVerdict(isvc({ observedGeneration: 2, conditions: [ingress, { type: "Ready", status: "False" }] }), applied),
    ).toMatchObject({ kind: "failed", condition: ingress });
  });

  it("failed when the model could not be loaded (BlockedByFailedLoad), from the model status when no condition says so", () => {
    const status = {
      observedGeneration: 2,
      conditions: [{ type: "Ready", status: "Unknown" as const }],
      modelStatus: {
        transitionStatus: "BlockedByFailedLoad",
        lastFailureInfo: { reason: "ModelLoadFailed", message: "Failed to load model" },
      },
    };
    expect(waitVerdict(isvc(status), applied)).toEqual({
      kind: "failed",
      condition: { type: "ModelReady", status: "False", reason: "ModelLoadFailed", message: "Failed to load model" },
      description: "ModelReady=False (ModelLoadFailed): Failed to load model",
    });
  });

  it("InvalidSpec counts without observedGeneration once the controller wrote after the apply, not before", () => {
    const status = {
      conditions: [{ type: "Ready", status: "Unknown" as const }],
      modelStatus: { transitionStatus: "InvalidSpec", lastFailureInfo: { reason: "NoSupportingRuntime" } },
    };
    expect(waitVerdict(isvc(status, { resourceVersion: "21" }), applied)).toMatchObject({
      kind: "failed",
      condition: { type: "ModelReady", reason: "NoSupportingRuntime" },
    });
    expect(waitVerdict(isvc(status, { resourceVersion: "20" }), applied)).toEqual({ kind: "waiting" });
    // An unchanged spec: the status already there is the verdict on it.
    expect(
      waitVerdict(isvc(status, { resourceVersion: "20" }), { generation: 2, resourceVersion: undefined }),
    ).toMatchObject({ kind: "failed" });
  });
});
