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
    expect(readiness(knativeIsvc)).toEqual({ ready: true, status: "True", stale: false });
    expect(readiness({ metadata: knativeIsvc.metadata, status: standardStatus })).toEqual({
      ready: true,
      status: "True",
      stale: false,
    });
  });

  it("is Unknown while KServe has reported nothing", () => {
    expect(readiness({ metadata: { name: "m" } })).toEqual({ ready: false, status: "Unknown", stale: false });
    expect(conditionsOf({})).toEqual([]);
    expect(readyCondition({ status: {} })).toBeUndefined();
  });

  it("does not trust Ready=True from an older generation", () => {
    const updated = { ...copy(knativeIsvc), metadata: { ...knativeIsvc.metadata, generation: 2 } };
    expect(readiness(updated)).toEqual({ ready: false, status: "True", stale: true });
    expect(readiness({ ...updated, status: { ...updated.status, observedGeneration: 2 } }).ready).toBe(true);
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
