/** Status objects as KServe writes them (Knative and Standard mode), and a path-based one (ARCHITECTURE.md, wire facts: endpoints). */
import type { InferenceServiceStatus } from "../../src/deploy/index.js";

export const knativeIsvc = {
  apiVersion: "serving.kserve.io/v1beta1",
  kind: "InferenceService",
  metadata: { name: "sklearn-iris", namespace: "kserve-test", generation: 1 },
  status: {
    url: "http://sklearn-iris.kserve-test.example.com",
    address: { url: "http://sklearn-iris.kserve-test.svc.cluster.local" },
    components: {
      predictor: {
        latestCreatedRevision: "sklearn-iris-predictor-00001",
        latestReadyRevision: "sklearn-iris-predictor-00001",
        latestRolledoutRevision: "sklearn-iris-predictor-00001",
        traffic: [{ latestRevision: true, percent: 100, revisionName: "sklearn-iris-predictor-00001" }],
        url: "http://sklearn-iris-predictor.kserve-test.example.com",
        address: { url: "http://sklearn-iris-predictor.kserve-test.svc.cluster.local" },
      },
    },
    conditions: [
      { type: "IngressReady", status: "True", lastTransitionTime: "2025-01-10T08:00:12Z" },
      { type: "LatestDeploymentReady", status: "True", severity: "Info", lastTransitionTime: "2025-01-10T08:00:11Z" },
      {
        type: "PredictorConfigurationReady",
        status: "True",
        severity: "Info",
        lastTransitionTime: "2025-01-10T08:00:11Z",
      },
      { type: "PredictorReady", status: "True", lastTransitionTime: "2025-01-10T08:00:12Z" },
      { type: "PredictorRouteReady", status: "True", severity: "Info", lastTransitionTime: "2025-01-10T08:00:12Z" },
      { type: "Ready", status: "True", lastTransitionTime: "2025-01-10T08:00:12Z" },
      { type: "RoutesReady", status: "True", severity: "Info", lastTransitionTime: "2025-01-10T08:00:12Z" },
    ],
    deploymentMode: "Knative",
    modelStatus: {
      copies: { failedCopies: 0, totalCopies: 1 },
      states: { activeModelState: "Loaded", targetModelState: "Loaded" },
      transitionStatus: "UpToDate",
    },
    observedGeneration: 1,
  } satisfies InferenceServiceStatus,
} as const;

export const standardStatus = {
  url: "http://sklearn-iris-kserve-test.example.com",
  address: { url: "http://sklearn-iris-predictor.kserve-test.svc.cluster.local" },
  components: { predictor: { url: "http://sklearn-iris-predictor-kserve-test.example.com" } },
  conditions: [
    { type: "IngressReady", status: "True", lastTransitionTime: "2025-01-10T08:00:12Z" },
    {
      type: "PredictorReady",
      status: "True",
      reason: "NewReplicaSetAvailable",
      message: 'ReplicaSet "sklearn-iris-predictor-6f7c9d8b4" has successfully progressed.',
      lastTransitionTime: "2025-01-10T08:00:12Z",
    },
    { type: "Ready", status: "True", lastTransitionTime: "2025-01-10T08:00:12Z" },
  ],
  deploymentMode: "Standard",
  modelStatus: { states: { activeModelState: "Loaded", targetModelState: "Loaded" }, transitionStatus: "UpToDate" },
  observedGeneration: 1,
} as const satisfies InferenceServiceStatus;

/** Knative mode with `pathTemplate: "/serving/{{ .Namespace }}/{{ .Name }}"` and ingressDomain example.com. */
export const pathBasedStatus = {
  ...knativeIsvc.status,
  url: "http://example.com/serving/kserve-test/sklearn-iris",
} as const satisfies InferenceServiceStatus;

/** A spec to make the status objects above whole InferenceServices. */
export const irisSpec = {
  predictor: {
    model: { modelFormat: { name: "sklearn" }, storageUri: "gs://kfserving-examples/models/sklearn/1.0/model" },
  },
};

/** A deep copy through JSON, as an object read back from a cluster is. */
export function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
