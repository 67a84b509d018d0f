/** Readiness helpers: Ready's status, stale status, and the condition that explains a failure. */
import { describe, expect, it } from "vitest";
import {
  type Condition,
  conditionsOf,
  describeCondition,
  failingCondition,
  type InferenceServiceLike,
  readiness,
  readyCondition,
} from "../../src/deploy/index.js";
import { copy, knativeIsvc, standardStatus } from "./status-objects.js";

const withConditions = (conditions: Condition[], extra: Partial<InferenceServiceLike> = {}): InferenceServiceLike => ({
  metadata: { name: "sklearn-iris", generation: 1 },
  status: { conditions, observedGeneration: 1 },
  ...extra,
});

// Knative mode, storage initializer denied: the revision fails and KServe propagates it (names per §5.1).
const storageDenied: Condition[] = [
  { type: "IngressReady", status: "Unknown", reason: "PredictorRouteNotReady" },
  {
    type: "LatestDeploymentReady",
    status: "False",
    severity: "Info",
    reason: "RevisionFailed",
    message: "Revision failed",
  },
  {
    type: "PredictorConfigurationReady",
    status: "False",
    severity: "Info",
    reason: "RevisionFailed",
    message: "Revision failed",
  },
  {
    type: "PredictorReady",
    status: "False",
    reason: "RevisionFailed",
    message: 'Revision "sklearn-iris-predictor-00001" failed with message: storage-initializer: Access Denied.',
  },
  { type: "Ready", status: "False", reason: "RevisionFailed", message: "Revision failed" },
];

describe("readiness", () => {
  it("is ready for the status objects of PROTOCOL §5.5", () => {
    expect(readiness(knativeIsvc)).toStrictEqual({ ready: true, status: "True", stale: false });
    expect(readiness({ metadata: knativeIsvc.metadata, status: standardStatus })).toStrictEqual({
      ready: true,
      status: "True",
      stale: false,
    });
  });

  it("is Unknown while KServe has reported nothing", () => {
    expect(readiness({ metadata: { name: "m" } })).toStrictEqual({ ready: false, status: "Unknown", stale: false });
    expect(readiness({})).toStrictEqual({ ready: false, status: "Unknown", stale: false });
    expect(conditionsOf({})).toEqual([]);
    expect(readyCondition({ status: {} })).toBeUndefined();
  });

  it("does not trust Ready=True from an older generation", () => {
    const updated = { ...copy(knativeIsvc), metadata: { ...knativeIsvc.metadata, generation: 2 } };
    expect(readiness(updated)).toStrictEqual({ ready: false, status: "True", stale: true });
    expect(readiness({ ...updated, status: { ...updated.status, observedGeneration: 2 } }).ready).toBe(true);
    expect(readiness({ ...updated, status: { ...updated.status, observedGeneration: 3 } })).toStrictEqual({
      ready: true,
      status: "True",
      stale: false,
    });
  });

  it("is not stale when either generation is missing, nor when the status has one and the object none", () => {
    const ready: Condition[] = [{ type: "Ready", status: "True" }];
    const cases: InferenceServiceLike[] = [
      { metadata: { name: "m", generation: 2 }, status: { conditions: ready } },
      { metadata: { name: "m" }, status: { conditions: ready, observedGeneration: 1 } },
      { status: { conditions: ready, observedGeneration: 1 } },
      { metadata: { name: "m" }, status: { conditions: ready } },
    ];
    for (const isvc of cases) {
      expect(readiness(isvc), JSON.stringify(isvc)).toStrictEqual({ ready: true, status: "True", stale: false });
    }
  });

  it("is stale, and not ready, whatever Ready says while the generation is behind", () => {
    const failed: Condition = { type: "PredictorReady", status: "False", reason: "RevisionFailed" };
    expect(
      readiness({
        metadata: { name: "m", generation: 5 },
        status: {
          conditions: [{ type: "Ready", status: "False", reason: "RevisionFailed" }, failed],
          observedGeneration: 4,
        },
      }),
    ).toStrictEqual({ ready: false, status: "False", reason: "RevisionFailed", stale: true, failing: failed });
  });

  it("reads an object without metadata", () => {
    const ready: Condition = { type: "Ready", status: "False", reason: "Stopped", message: "stopped by the user" };
    expect(readiness({ status: { conditions: [ready], observedGeneration: 3 } })).toStrictEqual({
      ready: false,
      status: "False",
      reason: "Stopped",
      message: "stopped by the user",
      stale: false,
      failing: ready,
    });
  });

  it("names the dependent condition that failed, not the Ready aggregate or an Info condition", () => {
    const state = readiness(withConditions(storageDenied));
    expect(state).toEqual({
      ready: false,
      status: "False",
      reason: "RevisionFailed",
      message: "Revision failed",
      stale: false,
      failing: storageDenied[3],
    });
    expect(describeCondition(state.failing!)).toBe(
      'PredictorReady=False (RevisionFailed): Revision "sklearn-iris-predictor-00001" failed with message: storage-initializer: Access Denied.',
    );
  });

  it("prefers a failing Info condition to Ready, wherever Ready is in the list", () => {
    const info: Condition = { type: "PredictorRouteReady", status: "False", severity: "Info", reason: "RouteFailed" };
    const ready: Condition = { type: "Ready", status: "False", reason: "RouteFailed" };
    expect(failingCondition(withConditions([ready, info]))).toBe(info);
    expect(failingCondition(withConditions([info, ready]))).toBe(info);
  });

  it("prefers a condition Ready depends on to an Info one listed before it", () => {
    const info: Condition = { type: "LatestDeploymentReady", status: "False", severity: "Info", reason: "X" };
    const dependent: Condition = { type: "PredictorReady", status: "False", severity: "", reason: "Y" };
    expect(failingCondition(withConditions([info, dependent]))).toBe(dependent);
  });

  it("takes only conditions with status False, not Unknown or True", () => {
    const conditions: Condition[] = [
      { type: "PredictorReady", status: "Unknown", reason: "Starting" },
      { type: "IngressReady", status: "True", reason: "Ok" },
      { type: "Ready", status: "Unknown" },
    ];
    expect(failingCondition(withConditions(conditions))).toBeUndefined();
    expect(readiness(withConditions(conditions))).toStrictEqual({ ready: false, status: "Unknown", stale: false });
  });

  it("falls back to an Info condition, then to Ready itself", () => {
    const info = storageDenied.filter((c) => c.type !== "PredictorReady");
    expect(failingCondition(withConditions(info))).toBe(info[1]);
    const onlyReady: Condition[] = [{ type: "Ready", status: "False", reason: "Stopped" }];
    expect(failingCondition(withConditions(onlyReady))).toBe(onlyReady[0]);
    expect(failingCondition(knativeIsvc)).toBeUndefined();
  });

  it("reports a stopped InferenceService through IngressReady", () => {
    const stopped: Condition[] = [
      { type: "IngressReady", status: "False", reason: "Stopped", message: "The inference service is stopped" },
      { type: "Ready", status: "False", reason: "Stopped" },
      { type: "Stopped", status: "True" },
    ];
    expect(readiness(withConditions(stopped))).toMatchObject({
      ready: false,
      status: "False",
      failing: { type: "IngressReady", reason: "Stopped" },
    });
  });

  it("describes conditions without reason or message", () => {
    expect(describeCondition({ type: "Ready", status: "Unknown" })).toBe("Ready=Unknown");
    expect(describeCondition({ type: "Ready", status: "False", reason: "X" })).toBe("Ready=False (X)");
  });
});
