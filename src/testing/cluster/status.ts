/**
 * The InferenceService status KServe writes at each point of bringing a predictor up, in both deployment modes.
 * It is computed the way KServe computes it (inference_service_status.go, the predictor and ingress
 * reconcilers): from the previous status, what the Knative Service (Knative mode) or the Deployment (Standard
 * mode) reports, the predictor pod's state (`modelStatus`), and the ingress. Pure: the reconciler decides the
 * phase and when; this decides what the status then says.
 */
import type { ComponentStatus, Condition, InferenceServiceStatus, ModelStatus } from "../../deploy/index.js";
import { type ConditionSet, conditionSet } from "./conditions.js";
import { inferenceServiceUrls, type MockDeploymentMode } from "./hosts.js";
import { deploymentMessages, INGRESS_NOT_CREATED, knativeMessages } from "./messages.js";

/** Where bringing up one generation of the predictor stands. */
export type Phase =
  /** No runtime can serve the predictor: nothing is deployed (`modelStatus.transitionStatus: InvalidSpec`). */
  | { kind: "invalidSpec"; reason: string; message: string }
  /** The ReplicaSet cannot create the pod (`FailedCreate`): a missing ServiceAccount or Secret. */
  | { kind: "podCreationFailed"; message: string }
  /** The pod is starting (`Pending`) or the storage initializer is downloading (`Loading`). */
  | { kind: "starting"; model: "Pending" | "Loading" }
  /** The storage initializer exited with an error: `message` ends its log. */
  | { kind: "storageFailed"; message: string }
  /** The model server exited while loading the model: `message` ends its log. */
  | { kind: "loadFailed"; message: string }
  /** The model is loaded and the ingress routes to it. */
  | { kind: "ready" };

/** What the status is computed from, besides the phase. */
export interface StatusInput {
  name: string;
  namespace: string;
  generation: number;
  mode: MockDeploymentMode;
  domain: string;
  /** The ClusterServingRuntime chosen for the predictor. */
  runtime?: string | undefined;
  /** The Knative revision number of this generation. */
  revision: number;
  /** The revision (of an earlier generation) that serves traffic, if one does. */
  servingRevision?: number | undefined;
  /** The predictor's ReplicaSet (Standard mode), named in the Deployment's condition messages. */
  replicaSet: string;
  previous?: InferenceServiceStatus | undefined;
  /** The time stamp of conditions that change (RFC 3339, seconds). */
  now: string;
}

const READY = "Ready";
const PREDICTOR_READY = "PredictorReady";
const INGRESS_READY = "IngressReady";

/** The Knative revision name of revision `n` of the predictor of `name`: `{name}-predictor-0000n`. */
export function revisionName(name: string, n: number): string {
  return `${name}-predictor-${String(n).padStart(5, "0")}`;
}

/** The status KServe writes for `phase`. */
export function statusFor(phase: Phase, input: StatusInput): InferenceServiceStatus {
  const previous = input.previous ?? {};
  const isvc = conditionSet(READY, [PREDICTOR_READY, INGRESS_READY], previous.conditions ?? [], input.now);
  isvc.initialize();
  const modelStatus = copyModelStatus(previous.modelStatus);
  let components = previous.components === undefined ? undefined : structuredClone(previous.components);
  let observedGeneration = previous.observedGeneration;
  let runtime = previous["clusterServingRuntimeName"] as string | undefined;
  let urls: { url?: string | undefined; address?: string | undefined } = {
    url: previous.url,
    address: previous.address?.url,
  };

  if (phase.kind === "invalidSpec") {
    // The predictor reconciler stops before deploying anything: only the model status says why.
    modelStatus.transitionStatus = "InvalidSpec";
    modelStatus.states = {
      activeModelState: modelStatus.states?.activeModelState ?? "",
      targetModelState: "FailedToLoad",
    };
    modelStatus.lastFailureInfo = { reason: phase.reason, message: phase.message };
  } else {
    runtime = input.runtime;
    const predictor =
      input.mode === "Knative"
        ? knativePredictor(phase, input, isvc, components?.["predictor"])
        : standardPredictor(phase, input, isvc, components?.["predictor"]);
    components = { ...components, predictor };
    observedGeneration = input.generation;
    propagateModelStatus(modelStatus, phase, input.mode);
    if (input.mode === "Knative") {
      crossComponent(isvc, "RoutesReady", "PredictorRouteReady");
      crossComponent(isvc, "LatestDeploymentReady", "PredictorConfigurationReady");
    }
    urls = ingress(isvc, input, predictor, urls);
  }

  return compose({
    observedGeneration,
    conditions: isvc.conditions(),
    address: urls.address,
    url: urls.url,
    components,
    modelStatus,
    deploymentMode: input.mode,
    clusterServingRuntimeName: runtime,
  });
}

/** The predictor as a Knative Service reports it, propagated as KServe's `PropagateStatus` does. */
function knativePredictor(
  phase: Phase,
  input: StatusInput,
  isvc: ConditionSet,
  before: ComponentStatus | undefined,
): ComponentStatus {
  const { name, revision, servingRevision } = input;
  const configuration = `${name}-predictor`;
  const created = revisionName(name, revision);
  const readyNow = phase.kind === "ready";
  const latestReady = readyNow
    ? created
    : servingRevision === undefined
      ? undefined
      : revisionName(name, servingRevision);
  const revisionFailure =
    phase.kind === "podCreationFailed"
      ? phase.message
      : phase.kind === "loadFailed"
        ? knativeMessages.containerFailed(phase.message)
        : undefined;

  // The Knative Service's own conditions: its configuration first, then its route (knative/serving's service reconciler).
  const ksvc = conditionSet(READY, ["ConfigurationsReady", "RoutesReady"], [], input.now);
  ksvc.initialize();
  if (readyNow) ksvc.markTrue("ConfigurationsReady");
  else if (revisionFailure !== undefined)
    ksvc.markFalse("ConfigurationsReady", "RevisionFailed", knativeMessages.revisionFailed(created, revisionFailure));
  else ksvc.markUnknown("ConfigurationsReady");
  if (latestReady !== undefined) ksvc.markTrue("RoutesReady");
  else if (revisionFailure !== undefined)
    ksvc.markFalse("RoutesReady", "RevisionMissing", knativeMessages.noReadyRevision(configuration));
  else ksvc.markUnknown("RoutesReady", "RevisionMissing", knativeMessages.waitingForRevision(configuration));

  const component: ComponentStatus = {};
  const rolledOut = { previous: before?.previousRolledoutRevision, latest: before?.latestRolledoutRevision };
  if (latestReady !== undefined && rolledOut.latest !== latestReady) {
    rolledOut.previous = rolledOut.latest;
    rolledOut.latest = latestReady;
  }
  if (latestReady !== undefined) component.latestReadyRevision = latestReady;
  component.latestCreatedRevision = created;
  if (rolledOut.previous !== undefined) component.previousRolledoutRevision = rolledOut.previous;
  if (rolledOut.latest !== undefined) component.latestRolledoutRevision = rolledOut.latest;
  if (latestReady !== undefined)
    component.traffic = [{ revisionName: latestReady, latestRevision: true, percent: 100 }];
  const ready = ksvc.get(READY);
  const urls = inferenceServiceUrls("Knative", input.name, input.namespace, input.domain);
  // KServe copies the Knative Service's URLs only while it is Ready, and keeps them afterwards.
  const url = ready?.status === "True" ? urls.predictorUrl : before?.url;
  const address = ready?.status === "True" ? urls.predictorAddress : before?.address?.url;
  if (url !== undefined) component.url = url;
  if (address !== undefined) component.address = { url: address };

  isvc.copy(PREDICTOR_READY, ready);
  isvc.copy("PredictorRouteReady", ksvc.get("RoutesReady"));
  isvc.copy("PredictorConfigurationReady", ksvc.get("ConfigurationsReady"));
  return component;
}

/** The predictor as its Deployment reports it, propagated as KServe's `PropagateRawStatus` does. */
function standardPredictor(
  phase: Phase,
  input: StatusInput,
  isvc: ConditionSet,
  before: ComponentStatus | undefined,
): ComponentStatus {
  const readyNow = phase.kind === "ready";
  // Old pods keep the Deployment available while a new generation rolls out.
  const available =
    readyNow || input.servingRevision !== undefined
      ? { status: "True", ...deploymentMessages.available }
      : { status: "False", ...deploymentMessages.unavailable };
  const progressing = readyNow
    ? deploymentMessages.progressed(input.replicaSet)
    : deploymentMessages.progressing(input.replicaSet);

  // PropagateRawStatus: Progressing (True throughout) decides, NewReplicaSetAvailable meaning done; then an
  // unavailable Deployment, and last a ReplicaSet that cannot create pods, override it.
  const done = progressing.reason === "NewReplicaSetAvailable";
  let ready: Condition = {
    type: PREDICTOR_READY,
    status: done ? "True" : "Unknown",
    reason: progressing.reason,
    message: progressing.message,
  };
  if (available.status === "False")
    ready = { type: PREDICTOR_READY, status: "False", reason: available.reason, message: available.message };
  if (phase.kind === "podCreationFailed")
    ready = { type: PREDICTOR_READY, status: "False", reason: "FailedCreate", message: phase.message };
  isvc.copy(PREDICTOR_READY, ready);

  const component: ComponentStatus = { ...before };
  if (ready.status === "True")
    component.url = inferenceServiceUrls("Standard", input.name, input.namespace, input.domain).predictorUrl;
  return component;
}

/** `RoutesReady` / `LatestDeploymentReady`: the predictor's route or configuration condition, aggregated. */
function crossComponent(isvc: ConditionSet, type: string, from: string): void {
  const source = isvc.get(from);
  if (source?.status === "True") isvc.markTrue(type);
  else if (source?.status === "False") isvc.markFalse(type, `${from} not ready`);
  else isvc.markUnknown(type, `${from} not ready`);
}

/** The ingress reconcilers: `status.url` and `status.address` once the predictor has a URL, IngressReady with them. */
function ingress(
  isvc: ConditionSet,
  input: StatusInput,
  predictor: ComponentStatus,
  urls: { url?: string | undefined; address?: string | undefined },
) {
  const predictorReady = isvc.get(PREDICTOR_READY)?.status;
  if (predictorReady !== "True") {
    // Knative's VirtualService reconciler reports Unknown while the predictor is; the Standard one always False.
    isvc[input.mode === "Knative" && predictorReady === "Unknown" ? "markUnknown" : "markFalse"](
      INGRESS_READY,
      INGRESS_NOT_CREATED,
    );
    // Standard mode stops here; Knative mode goes on when the predictor reported a URL before (a rollout).
    if (input.mode === "Standard" || predictor.url === undefined) return urls;
  }
  const own = inferenceServiceUrls(input.mode, input.name, input.namespace, input.domain);
  isvc.markTrue(INGRESS_READY);
  return { url: own.url, address: own.address };
}

/** `PropagateModelStatus`: the model's state from the predictor pod's. */
function propagateModelStatus(status: ModelStatus, phase: Phase, mode: MockDeploymentMode): void {
  const update = (state: string, failure?: Record<string, unknown>) => {
    const states = status.states ?? { activeModelState: "" };
    status.states = {
      activeModelState: state === "Loaded" ? "Loaded" : (states.activeModelState ?? ""),
      targetModelState: state,
    };
    status.transitionStatus =
      state === "Loaded" ? "UpToDate" : state === "FailedToLoad" ? "BlockedByFailedLoad" : "InProgress";
    if (failure !== undefined) status.lastFailureInfo = failure;
  };
  status.copies = phase.kind === "ready" ? { failedCopies: 0, totalCopies: 1 } : { failedCopies: 0 };
  switch (phase.kind) {
    case "podCreationFailed":
      // No pod: in Knative mode the failed revision says the model failed; in Standard mode it is still pending.
      update(mode === "Knative" ? "FailedToLoad" : "Pending");
      return;
    case "starting":
      update(phase.model);
      return;
    case "storageFailed":
    case "loadFailed":
      update("FailedToLoad", { reason: "ModelLoadFailed", message: phase.message, exitCode: 1 });
      return;
    case "ready":
      update("Loaded");
      return;
    case "invalidSpec":
      return;
  }
}

function copyModelStatus(status: ModelStatus | undefined): ModelStatus {
  return status === undefined ? {} : structuredClone(status);
}

/** The status in the field order of KServe's Go type, empty fields left out (`omitempty`). */
function compose(parts: {
  observedGeneration: number | undefined;
  conditions: Condition[];
  address: string | undefined;
  url: string | undefined;
  components: Record<string, ComponentStatus> | undefined;
  modelStatus: ModelStatus;
  deploymentMode: string;
  clusterServingRuntimeName: string | undefined;
}): InferenceServiceStatus {
  const status: InferenceServiceStatus = {};
  if (parts.observedGeneration !== undefined) status.observedGeneration = parts.observedGeneration;
  status.conditions = parts.conditions;
  if (parts.address !== undefined) status.address = { url: parts.address };
  if (parts.url !== undefined) status.url = parts.url;
  if (parts.components !== undefined) status.components = parts.components;
  status.modelStatus = orderModelStatus(parts.modelStatus);
  status.deploymentMode = parts.deploymentMode;
  if (parts.clusterServingRuntimeName !== undefined)
    status["clusterServingRuntimeName"] = parts.clusterServingRuntimeName;
  return status;
}

function orderModelStatus(status: ModelStatus): ModelStatus {
  const ordered: ModelStatus = {};
  if (status.transitionStatus !== undefined) ordered.transitionStatus = status.transitionStatus;
  if (status.states !== undefined) ordered.states = status.states;
  if (status.lastFailureInfo !== undefined) ordered.lastFailureInfo = status.lastFailureInfo;
  if (status.copies !== undefined) ordered.copies = status.copies;
  return ordered;
}
