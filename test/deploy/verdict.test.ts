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

  it.each([
    "MinimumReplicasUnavailable",
    "NewReplicaSetCreated",
    "FoundNewReplicaSet",
    "ReplicaSetUpdated",
    "Deploying",
    "RevisionMissing",
    "ContainerCreating",
    "PodInitializing",
    "Predictor ingress not created",
  ])("waiting while a condition is False for %j, which means still starting", (reason) => {
    const conditions: Condition[] = [
      { type: "PredictorReady", status: "False", reason },
      { type: "IngressReady", status: "False", reason },
      { type: "Ready", status: "False", reason },
    ];
    expect(waitVerdict(isvc({ observedGeneration: 2, conditions }), applied)).toEqual({ kind: "waiting" });
  });

  it("takes a reason only as written: another case or a condition without reason is a failure", () => {
    const lower: Condition = { type: "PredictorReady", status: "False", reason: "deploying" };
    expect(waitVerdict(isvc({ observedGeneration: 2, conditions: [lower] }), applied)).toEqual({
      kind: "failed",
      condition: lower,
      description: "PredictorReady=False (deploying)",
    });
    const bare: Condition = { type: "PredictorReady", status: "False" };
    expect(waitVerdict(isvc({ observedGeneration: 2, conditions: [bare] }), applied)).toEqual({
      kind: "failed",
      condition: bare,
      description: "PredictorReady=False",
    });
  });

  it("waiting while conditions are Unknown or True, whatever their reason", () => {
    const conditions: Condition[] = [
      { type: "PredictorReady", status: "Unknown", reason: "RevisionFailed" },
      { type: "TransformerReady", status: "True", reason: "RevisionFailed" },
      { type: "Ready", status: "Unknown", reason: "RevisionFailed" },
    ];
    expect(waitVerdict(isvc({ observedGeneration: 2, conditions }), applied)).toEqual({ kind: "waiting" });
  });

  it.each(["Ready", "IngressReady", "RoutesReady", "LatestDeploymentReady"])(
    "does not take %s, which only follows the others, as the cause when a component failed",
    (type) => {
      const consequence: Condition = { type, status: "False", reason: "Consequence" };
      const cause: Condition = { type: "PredictorReady", status: "False", reason: "RevisionFailed", message: "boom" };
      expect(waitVerdict(isvc({ observedGeneration: 2, conditions: [consequence, cause] }), applied)).toEqual({
        kind: "failed",
        condition: cause,
        description: "PredictorReady=False (RevisionFailed): boom",
      });
    },
  );

  it.each(["Ready", "RoutesReady", "LatestDeploymentReady"])(
    "waiting while only %s is False: it follows a component that has not said why",
    (type) => {
      const conditions: Condition[] = [{ type, status: "False", reason: "Consequence" }];
      expect(waitVerdict(isvc({ observedGeneration: 2, conditions }), applied)).toEqual({ kind: "waiting" });
    },
  );

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

  it("failed on IngressReady False when nothing else explains it, even listed after Ready", () => {
    const ingress: Condition = { type: "IngressReady", status: "False", reason: "NoHosts" };
    const verdict = { kind: "failed", condition: ingress, description: "IngressReady=False (NoHosts)" };
    const notReady: Condition = { type: "Ready", status: "False", reason: "NoHosts" };
    const routes: Condition = { type: "RoutesReady", status: "False", reason: "NoHosts" };
    expect(waitVerdict(isvc({ observedGeneration: 2, conditions: [ingress, notReady] }), applied)).toEqual(verdict);
    expect(waitVerdict(isvc({ observedGeneration: 2, conditions: [notReady, routes, ingress] }), applied)).toEqual(
      verdict,
    );
  });

  it("waiting when the status of the applied generation is not there yet, or says nothing", () => {
    expect(waitVerdict(isvc(undefined), applied)).toEqual({ kind: "waiting" });
    expect(waitVerdict(isvc(undefined), { generation: undefined, resourceVersion: "19" })).toEqual({
      kind: "waiting",
    });
    expect(waitVerdict(isvc({ observedGeneration: 2 }), applied)).toEqual({ kind: "waiting" });
    expect(waitVerdict(isvc({ observedGeneration: 2, modelStatus: {} }), applied)).toEqual({ kind: "waiting" });
  });

  it("waiting while the object observed is older than the apply, even if its own status is current and Ready", () => {
    // A watch event from before the apply: generation 1, reconciled and Ready, but not the spec applied (2).
    const before = isvc({ observedGeneration: 1, conditions: [ready] }, { generation: 1, resourceVersion: "19" });
    expect(waitVerdict(before, applied)).toEqual({ kind: "waiting" });
    const failed: Condition = { type: "PredictorReady", status: "False", reason: "RevisionFailed" };
    const beforeFailed = isvc({ observedGeneration: 1, conditions: [failed] }, { generation: 1 });
    expect(waitVerdict(beforeFailed, applied)).toEqual({ kind: "waiting" });
  });

  it("waiting while a newer spec than the applied one is not yet reconciled", () => {
    // Someone applied generation 3 since: the status (of 2) says nothing about the object as it now is.
    const failed: Condition = { type: "PredictorReady", status: "False", reason: "RevisionFailed" };
    const newer = { generation: 3, resourceVersion: "25" };
    expect(waitVerdict(isvc({ observedGeneration: 2, conditions: [failed] }, newer), applied)).toEqual({
      kind: "waiting",
    });
    expect(waitVerdict(isvc({ observedGeneration: 2, conditions: [ready] }, newer), applied)).toEqual({
      kind: "waiting",
    });
  });

  it("without an applied generation, takes the status as it is", () => {
    const unknown = { generation: undefined, resourceVersion: "20" };
    expect(waitVerdict(isvc({ conditions: [ready] }, { generation: undefined }), unknown)).toEqual({ kind: "ready" });
    const failed: Condition = { type: "PredictorReady", status: "False", reason: "RevisionFailed" };
    expect(waitVerdict(isvc({ conditions: [failed] }, { generation: undefined }), unknown)).toEqual({
      kind: "failed",
      condition: failed,
      description: "PredictorReady=False (RevisionFailed)",
    });
    expect(waitVerdict(isvc({ conditions: [] }, { generation: undefined }), unknown)).toEqual({ kind: "waiting" });
  });

  it("ready once the status is of the applied generation or a later one", () => {
    expect(waitVerdict(isvc({ observedGeneration: 3, conditions: [ready] }, { generation: 3 }), applied)).toEqual({
      kind: "ready",
    });
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

  it("failed on BlockedByFailedLoad, naming a failed component condition when there is one", () => {
    const cause: Condition = { type: "PredictorReady", status: "False", reason: "RevisionFailed", message: "boom" };
    const status = {
      observedGeneration: 2,
      conditions: [{ type: "Ready", status: "False" as const, reason: "RevisionFailed" }, cause],
      modelStatus: {
        transitionStatus: "BlockedByFailedLoad",
        lastFailureInfo: { reason: "ModelLoadFailed", message: "Failed to load model" },
      },
    };
    expect(waitVerdict(isvc(status), applied)).toEqual({
      kind: "failed",
      condition: cause,
      description: "PredictorReady=False (RevisionFailed): boom",
    });
  });

  it("names the transition as the reason when the model status gives none, and leaves out a missing message", () => {
    const verdict = (lastFailureInfo: Record<string, unknown> | undefined) =>
      waitVerdict(
        isvc({
          observedGeneration: 2,
          modelStatus: {
            transitionStatus: "BlockedByFailedLoad",
            ...(lastFailureInfo === undefined ? {} : { lastFailureInfo }),
          },
        }),
        applied,
      );
    expect(verdict(undefined)).toStrictEqual({
      kind: "failed",
      condition: { type: "ModelReady", status: "False", reason: "BlockedByFailedLoad" },
      description: "ModelReady=False (BlockedByFailedLoad)",
    });
    expect(verdict({})).toStrictEqual({
      kind: "failed",
      condition: { type: "ModelReady", status: "False", reason: "BlockedByFailedLoad" },
      description: "ModelReady=False (BlockedByFailedLoad)",
    });
    expect(verdict({ message: "no space left on device" })).toStrictEqual({
      kind: "failed",
      condition: {
        type: "ModelReady",
        status: "False",
        reason: "BlockedByFailedLoad",
        message: "no space left on device",
      },
      description: "ModelReady=False (BlockedByFailedLoad): no space left on device",
    });
    // Not strings: what KServe never writes there is not shown.
    expect(verdict({ reason: 7, message: { text: "x" } })).toStrictEqual({
      kind: "failed",
      condition: { type: "ModelReady", status: "False", reason: "BlockedByFailedLoad" },
      description: "ModelReady=False (BlockedByFailedLoad)",
    });
  });

  it("waiting while the model status is another transition (InProgress, UpToDate)", () => {
    for (const transitionStatus of ["InProgress", "UpToDate"]) {
      const status = {
        observedGeneration: 2,
        conditions: [{ type: "Ready", status: "Unknown" as const }],
        modelStatus: { transitionStatus, lastFailureInfo: { reason: "ModelLoadFailed" } },
      };
      expect(waitVerdict(isvc(status), applied)).toEqual({ kind: "waiting" });
    }
  });

  it("InvalidSpec: the full verdict, from the model status or from a failed component condition", () => {
    const status = {
      conditions: [{ type: "Ready", status: "Unknown" as const }],
      modelStatus: {
        transitionStatus: "InvalidSpec",
        lastFailureInfo: { reason: "NoSupportingRuntime", message: "No runtime supports sklearn" },
      },
    };
    expect(waitVerdict(isvc(status, { resourceVersion: "21" }), applied)).toStrictEqual({
      kind: "failed",
      condition: {
        type: "ModelReady",
        status: "False",
        reason: "NoSupportingRuntime",
        message: "No runtime supports sklearn",
      },
      description: "ModelReady=False (NoSupportingRuntime): No runtime supports sklearn",
    });
    const cause: Condition = { type: "PredictorReady", status: "False", reason: "InvalidSpec", message: "bad" };
    expect(waitVerdict(isvc({ ...status, conditions: [cause] }, { resourceVersion: "21" }), applied)).toStrictEqual({
      kind: "failed",
      condition: cause,
      description: "PredictorReady=False (InvalidSpec): bad",
    });
    expect(
      waitVerdict(isvc({ modelStatus: { transitionStatus: "InvalidSpec" } }, { resourceVersion: "21" }), applied),
    ).toStrictEqual({
      kind: "failed",
      condition: { type: "ModelReady", status: "False", reason: "InvalidSpec" },
      description: "ModelReady=False (InvalidSpec)",
    });
  });

  it("a failed condition in a status older than the apply is no verdict, even after the controller wrote", () => {
    // Only InvalidSpec counts before observedGeneration catches up.
    const failed: Condition = { type: "PredictorReady", status: "False", reason: "RevisionFailed" };
    const status = { observedGeneration: 1, conditions: [failed], modelStatus: { transitionStatus: "InProgress" } };
    expect(waitVerdict(isvc(status, { resourceVersion: "21" }), applied)).toEqual({ kind: "waiting" });
    expect(
      waitVerdict(isvc({ observedGeneration: 1, conditions: [failed] }, { resourceVersion: "21" }), applied),
    ).toEqual({ kind: "waiting" });
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
