/**
 * The deploy flow against a cluster, through the official `@kubernetes/client-node`: apply the storage
 * credentials and the InferenceService, watch it until `Ready` (or until a condition says it failed), resolve
 * its endpoint, and hand back clients that call it through the ingress gateway.
 */
import { AbortError, ConfigError, isKServeError, KServeError, TimeoutError } from "../core/errors.js";
import { milliseconds } from "../core/retry.js";
import { sameJson } from "../internal/json.js";
import { tagErrorClass } from "../tensor/errors.js";
import { createV1Client } from "../v1/index.node.js";
import type { V1Client } from "../v1/types.js";
import { createV2Client } from "../v2/index.node.js";
import type { V2Client } from "../v2/types.js";
import { describeCondition, readiness } from "./conditions.js";
import type { StorageCredentials } from "./credentials.js";
import { resolveEndpoint, type ResolvedEndpoint } from "./endpoint.js";
import { apiStatus, type Cluster, connectCluster, kubeError, type KubeconfigSource } from "./kube.node.js";
import { parseInferenceService } from "./schema.js";
import type { Condition, InferenceService } from "./schema.js";

const GROUP = "serving.kserve.io";
const VERSION = "v1beta1";
const PLURAL = "inferenceservices";
const DEFAULT_TIMEOUT_MS = 300_000;

/** The whole-flow limit: default 5 minutes; Infinity for none; anything else must be a valid timer length. */
function timeLimit(timeoutMs: number | undefined): number {
  if (timeoutMs === undefined) return DEFAULT_TIMEOUT_MS;
  return timeoutMs === Infinity ? Infinity : milliseconds(timeoutMs, "timeoutMs");
}

/** Where and how to reach the cluster. */
export interface ClusterOptions {
  /** The cluster; default: `$KUBECONFIG`, then `~/.kube/config`, then in-cluster. */
  kubeconfig?: KubeconfigSource | undefined;
  /** For objects without `metadata.namespace`; default: the kubeconfig context's namespace, else "default". */
  namespace?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** What happened, as it happens (for progress output). */
export type DeployEvent =
  | { type: "applied"; kind: "Secret" | "ServiceAccount" | "InferenceService"; namespace: string; name: string; action: "created" | "updated" | "unchanged" }
  /** A condition of the InferenceService appeared or changed (status, reason or message). */
  | { type: "condition"; name: string; condition: Condition; previous: Condition | undefined }
  /** The model's state on its server changed (`status.modelStatus`: Pending, Loading, Loaded, FailedToLoad). */
  | { type: "model"; name: string; state: string; transition: string | undefined }
  | { type: "ready"; name: string; url: string };

/** Options of {@link waitForInferenceServiceReady}. */
export interface WaitOptions extends ClusterOptions {
  /** Give up after this long (default 5 minutes). */
  timeoutMs?: number | undefined;
  onEvent?: ((event: DeployEvent) => void) | undefined;
}

/** Options of {@link deploy}. */
export interface DeployOptions extends WaitOptions {
  /**
   * The ingress gateway's address (`http://127.0.0.1:8080`): requests go there with the InferenceService's
   * host as Host / `:authority`. Without it, clients call `status.url` directly (DNS must resolve its host).
   */
  ingress?: string | undefined;
  /** Storage credentials to apply first (see `s3Credentials`). */
  credentials?: StorageCredentials | undefined;
  /** Also create a gRPC client (needs the optional peers @connectrpc/connect, @connectrpc/connect-node, @bufbuild/protobuf). */
  grpc?: boolean | undefined;
}

/** A deployed, Ready InferenceService and clients that call it. */
export interface Deployment {
  /** The object as the cluster reported it when it became Ready. */
  inferenceService: InferenceService;
  endpoint: ResolvedEndpoint;
  /** The model's name on its server: the InferenceService's name. */
  model: string;
  v1: V1Client;
  v2: V2Client;
  /** Only with `grpc: true`. */
  grpc: V2Client | undefined;
  /** Close the gRPC connection, if any (REST connections are pooled and close when idle). */
  close(): void;
}

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

/**
 * Apply storage credentials (Secret, then ServiceAccount): created, or replaced when they exist.
 * @throws {KServeError} with the API server's message (e.g. `permission_denied`)
 */
export async function applyStorageCredentials(credentials: StorageCredentials, options: ClusterOptions & { onEvent?: WaitOptions["onEvent"] } = {}): Promise<void> {
  const cluster = await connectCluster(options.kubeconfig);
  await applyCredentials(cluster, credentials, options.namespace ?? cluster.defaultNamespace, options.onEvent);
}

/**
 * Apply `isvc` (create, or replace its spec, labels and annotations), wait until it is `Ready`, resolve its
 * endpoint and return clients for it. One deadline (`timeoutMs`) covers it all. A failing condition ends the
 * wait at once with an {@link InferenceServiceFailedError} carrying KServe's reason and message.
 *
 * @example
 * ```ts
 * const { v2, model } = await deploy(isvc, { ingress: "http://127.0.0.1:8080", onEvent: console.log });
 * await v2.infer(model, { inputs: [Tensor.fp32("input-0", [1, 4], [5.1, 3.5, 1.4, 0.2])] });
 * ```
 * @throws {ValidationError} for an invalid manifest (every problem listed), before anything is sent
 * @throws {InferenceServiceFailedError} when KServe reports a failure
 * @throws {TimeoutError} when it is not Ready in time (the message has the last conditions)
 */
export async function deploy(isvc: InferenceService, options: DeployOptions = {}): Promise<Deployment> {
  const manifest = parseInferenceService(isvc);
  const limit = timeLimit(options.timeoutMs);
  const deadline = Date.now() + limit;
  checkNotAborted(options.signal, manifest.metadata.name);
  // The Kubernetes client's calls have no deadline of their own: the flow's deadline and signal bound them.
  const step = <T>(work: Promise<T>, what: string) => bounded(work, deadline, limit, options.signal, `${what} (InferenceService ${manifest.metadata.name})`);
  const cluster = await step(connectCluster(options.kubeconfig), "Loading the kubeconfig");
  const namespace = manifest.metadata.namespace ?? options.namespace ?? cluster.defaultNamespace;
  const name = manifest.metadata.name;
  if (options.credentials !== undefined) await step(applyCredentials(cluster, options.credentials, namespace, options.onEvent), "Applying the storage credentials");
  const applied = await step(applyInferenceService(cluster, { ...manifest, metadata: { ...manifest.metadata, namespace } }), "Applying the InferenceService");
  options.onEvent?.({ type: "applied", kind: "InferenceService", namespace, name, action: applied.action });
  const ready = await waitUntilReady(cluster, name, namespace, options, {
    generation: applied.object.metadata.generation,
    // Unchanged: the status already there is the verdict on this very spec.
    resourceVersion: applied.action === "unchanged" ? undefined : applied.object.metadata.resourceVersion,
    deadline,
    limit,
  });
  const endpoint = resolveEndpoint(ready, { ...(options.ingress === undefined ? {} : { ingress: options.ingress }) });
  options.onEvent?.({ type: "ready", name, url: endpoint.url });

  const routing = { baseUrl: endpoint.baseUrl, ...(endpoint.host === undefined ? {} : { host: endpoint.host }) };
  const v1 = createV1Client(routing);
  const v2 = createV2Client(routing);
  const grpc = options.grpc === true ? await grpcClient(endpoint, options.ingress) : undefined;
  const deployment: Deployment = { inferenceService: ready, endpoint, model: name, v1, v2, grpc: grpc?.client, close: () => grpc?.close() };
  // Ready in Kubernetes is not yet reachable through this gateway: check the model answers before handing it over.
  try {
    const left = deadline === Infinity ? {} : { timeoutMs: Math.max(1, deadline - Date.now()) };
    await v2.waitForModelReady(name, { ...left, ...(options.signal === undefined ? {} : { signal: options.signal }) });
  } catch (error) {
    deployment.close();
    const via = endpoint.host === undefined ? endpoint.baseUrl : `${endpoint.baseUrl} with Host ${endpoint.host}`;
    const detail = error instanceof Error ? error.message : String(error);
    if (isKServeError(error) && error.code === "canceled") throw error;
    const message = `InferenceService ${namespace}/${name} is Ready, but its model does not answer at ${via}: ${detail}. Check the ingress address.`;
    if (error instanceof TimeoutError) throw new TimeoutError(message, { cause: error, model: name });
    throw new KServeError(isKServeError(error) ? error.code : "unavailable", message, { cause: error, model: name });
  }
  return deployment;
}

/**
 * Wait until the InferenceService `name` is `Ready`, reporting every condition change through `onEvent`.
 * @throws {InferenceServiceFailedError} when a condition reports a failure
 * @throws {TimeoutError} when it is not Ready within `timeoutMs`
 * @throws {KServeError} `not_found` when it does not exist or is deleted while waiting
 */
export async function waitForInferenceServiceReady(name: string, options: WaitOptions = {}): Promise<InferenceService> {
  const cluster = await connectCluster(options.kubeconfig);
  const limit = timeLimit(options.timeoutMs);
  return waitUntilReady(cluster, name, options.namespace ?? cluster.defaultNamespace, options, { generation: undefined, resourceVersion: undefined, deadline: Date.now() + limit, limit });
}

/** The InferenceService as the cluster has it (status included), or undefined when there is none. */
export async function getInferenceService(name: string, options: ClusterOptions = {}): Promise<InferenceService | undefined> {
  const cluster = await connectCluster(options.kubeconfig);
  const namespace = options.namespace ?? cluster.defaultNamespace;
  try {
    return (await customObjects(cluster).getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name })) as InferenceService;
  } catch (error) {
    if (apiStatus(error) === 404) return undefined;
    throw kubeError(error, `Reading InferenceService ${namespace}/${name}`, cluster);
  }
}

/** Delete the InferenceService `name`; false when there was none. */
export async function deleteInferenceService(name: string, options: ClusterOptions = {}): Promise<boolean> {
  const cluster = await connectCluster(options.kubeconfig);
  const namespace = options.namespace ?? cluster.defaultNamespace;
  try {
    await customObjects(cluster).deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name });
    return true;
  } catch (error) {
    if (apiStatus(error) === 404) return false;
    throw kubeError(error, `Deleting InferenceService ${namespace}/${name}`, cluster);
  }
}

const customObjects = (cluster: Cluster) => cluster.config.makeApiClient(cluster.k8s.CustomObjectsApi);

async function applyCredentials(cluster: Cluster, credentials: StorageCredentials, fallbackNamespace: string, onEvent: WaitOptions["onEvent"]): Promise<void> {
  const core = cluster.config.makeApiClient(cluster.k8s.CoreV1Api);
  for (const object of [credentials.secret, credentials.serviceAccount] as const) {
    const namespace = object.metadata.namespace ?? fallbackNamespace;
    const name = object.metadata.name;
    const body = { ...object, metadata: { ...object.metadata, namespace } };
    const secret = object.kind === "Secret";
    const what = `Applying ${object.kind} ${namespace}/${name}`;
    let action: "created" | "updated";
    try {
      if (secret) await core.createNamespacedSecret({ namespace, body });
      else await core.createNamespacedServiceAccount({ namespace, body });
      action = "created";
    } catch (error) {
      if (apiStatus(error) !== 409) throw kubeError(error, what, cluster);
      try {
        // Replaced on top of the current version (Kubernetes requires its resourceVersion for an update).
        const current = secret ? await core.readNamespacedSecret({ name, namespace }) : await core.readNamespacedServiceAccount({ name, namespace });
        const metadata = { ...body.metadata, ...(current.metadata?.resourceVersion === undefined ? {} : { resourceVersion: current.metadata.resourceVersion }) };
        if (secret) await core.replaceNamespacedSecret({ name, namespace, body: { ...body, metadata } });
        else await core.replaceNamespacedServiceAccount({ name, namespace, body: { ...body, metadata } });
      } catch (replaceError) {
        throw kubeError(replaceError, what, cluster);
      }
      action = "updated";
    }
    onEvent?.({ type: "applied", kind: object.kind, namespace, name, action });
  }
}

/** Create, or replace what the manifest owns (spec, labels, annotations) keeping what the server set. */
async function applyInferenceService(cluster: Cluster, isvc: InferenceService): Promise<{ object: InferenceService; action: "created" | "updated" | "unchanged" }> {
  const api = customObjects(cluster);
  const namespace = isvc.metadata.namespace!;
  const name = isvc.metadata.name;
  const ref = { group: GROUP, version: VERSION, namespace, plural: PLURAL };
  const what = `Applying InferenceService ${namespace}/${name}`;
  try {
    return { object: (await api.createNamespacedCustomObject({ ...ref, body: isvc })) as InferenceService, action: "created" };
  } catch (error) {
    if (apiStatus(error) !== 409) throw kubeError(error, what, cluster);
  }
  // It exists: replace on top of the current version; another writer in between is a conflict, tried again.
  for (let attempt = 0; ; attempt++) {
    let current: InferenceService;
    try {
      current = (await api.getNamespacedCustomObject({ ...ref, name })) as InferenceService;
    } catch (error) {
      throw kubeError(error, what, cluster);
    }
    const metadata = {
      ...current.metadata,
      ...(isvc.metadata.labels === undefined ? {} : { labels: isvc.metadata.labels }),
      ...(isvc.metadata.annotations === undefined ? {} : { annotations: isvc.metadata.annotations }),
    };
    if (sameJson(current.spec, isvc.spec) && sameJson(current.metadata.labels, metadata.labels) && sameJson(current.metadata.annotations, metadata.annotations)) {
      return { object: current, action: "unchanged" };
    }
    try {
      const body = { ...current, metadata, spec: isvc.spec };
      return { object: (await api.replaceNamespacedCustomObject({ ...ref, name, body })) as InferenceService, action: "updated" };
    } catch (error) {
      if (apiStatus(error) !== 409 || attempt >= 2) throw kubeError(error, what, cluster);
    }
  }
}

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

/**
 * The condition that says the current spec failed, if one does: a component condition that is False for a
 * reason other than starting up, or the model status KServe sets when the model could not be downloaded or
 * loaded (storage initializer failures show only there in Knative mode) or no runtime supports it.
 */
function failure(isvc: InferenceService): Condition | undefined {
  const conditions = (isvc.status?.conditions ?? []).filter((c) => c.status === "False" && !STARTING_REASONS.has(c.reason ?? ""));
  const cause = conditions.find((c) => !CONSEQUENCES.has(c.type));
  const model = isvc.status?.modelStatus;
  const transition = model?.transitionStatus;
  if (transition === "BlockedByFailedLoad" || transition === "InvalidSpec") {
    if (cause !== undefined) return cause;
    const info = model?.lastFailureInfo;
    const reason = typeof info?.["reason"] === "string" ? info["reason"] : transition;
    return { type: "ModelReady", status: "False", reason, ...(typeof info?.["message"] === "string" ? { message: info["message"] } : {}) };
  }
  return cause ?? conditions.find((c) => c.type === "IngressReady");
}

/** What the wait is about: the generation whose status counts, the resourceVersion an apply produced, the deadline. */
interface WaitTarget {
  generation: number | undefined;
  resourceVersion: string | undefined;
  deadline: number;
  /** The caller's whole limit, for messages. */
  limit: number;
}

/** Restarts of the read-and-watch cycle back off from 200 ms to 5 s. */
const restartDelayMs = (failures: number) => Math.min(5000, 200 * 2 ** Math.min(failures, 5));

async function waitUntilReady(cluster: Cluster, name: string, namespace: string, options: WaitOptions, applied: WaitTarget): Promise<InferenceService> {
  checkNotAborted(options.signal, name);
  const timeoutMs = applied.limit;
  const api = customObjects(cluster);
  const seen = new Map<string, Condition>();
  let modelState = "";
  let last: InferenceService | undefined;
  let lastWatchError: unknown;

  return new Promise<InferenceService>((resolve, reject) => {
    let settled = false;
    let watching: AbortController | undefined;
    let restart: ReturnType<typeof setTimeout> | undefined;
    const finish = (error: unknown, value?: InferenceService) => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      clearTimeout(restart);
      options.signal?.removeEventListener("abort", onAbort);
      watching?.abort();
      if (error === undefined) resolve(value!);
      else reject(error);
    };
    const onAbort = () => finish(new AbortError(`Waiting for InferenceService ${namespace}/${name} was cancelled.`, { cause: options.signal?.reason, model: name }));
    options.signal?.addEventListener("abort", onAbort);
    const timer = applied.deadline === Infinity ? undefined : setTimeout(() => {
      const state = last === undefined ? "it was never read" : summary(last);
      const watchError = lastWatchError === undefined ? "" : ` The last watch error: ${lastWatchError instanceof Error ? lastWatchError.message : String(lastWatchError)}.`;
      finish(new TimeoutError(`InferenceService ${namespace}/${name} was not Ready within ${timeoutMs} ms; last: ${state}.${watchError}`, { model: name }));
    }, Math.max(0, applied.deadline - Date.now()));

    const observe = (isvc: InferenceService) => {
      last = isvc;
      try {
        for (const condition of isvc.status?.conditions ?? []) {
          const previous = seen.get(condition.type);
          if (previous?.status === condition.status && previous.reason === condition.reason && previous.message === condition.message) continue;
          seen.set(condition.type, condition);
          options.onEvent?.({ type: "condition", name, condition, previous });
        }
        const model = isvc.status?.modelStatus;
        const state = model?.states?.activeModelState || model?.states?.targetModelState;
        if (state !== undefined && `${state}/${model?.transitionStatus}` !== modelState) {
          modelState = `${state}/${model?.transitionStatus}`;
          options.onEvent?.({ type: "model", name, state, transition: model?.transitionStatus });
        }
      } catch (error) {
        return finish(error); // the caller's onEvent threw
      }
      const observed = isvc.status?.observedGeneration;
      const generation = applied?.generation;
      // KServe rejects a spec no runtime supports without recording observedGeneration; count it once the
      // controller has written since our apply.
      if (isvc.status?.modelStatus?.transitionStatus === "InvalidSpec" && isvc.metadata.resourceVersion !== applied?.resourceVersion) {
        const failed = failure(isvc);
        if (failed !== undefined) return finish(new InferenceServiceFailedError(`InferenceService ${namespace}/${name} failed: ${describeCondition(failed)}`, failed, isvc));
      }
      // A status from before the spec we applied says nothing about it yet.
      if (generation !== undefined && (observed === undefined || observed < generation)) return;
      const verdict = readiness(isvc);
      if (verdict.ready) return finish(undefined, isvc);
      if (verdict.stale) return;
      const failed = failure(isvc);
      if (failed !== undefined) {
        finish(new InferenceServiceFailedError(`InferenceService ${namespace}/${name} failed: ${describeCondition(failed)}`, failed, isvc));
      }
    };

    const start = async () => {
      let current: InferenceService;
      try {
        current = (await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name })) as InferenceService;
      } catch (error) {
        const status = apiStatus(error);
        if (status === 404) return finish(new KServeError("not_found", `InferenceService ${namespace}/${name} does not exist.`, { status: 404, model: name, cause: error }));
        // Overload and server errors pass; anything else (401, 403, …) will not get better by waiting.
        if (status !== undefined && status !== 429 && status < 500) return finish(kubeError(error, `Reading InferenceService ${namespace}/${name}`, cluster));
        lastWatchError = error;
        return again();
      }
      if (settled) return;
      observe(current);
      if (settled) return;
      try {
        const controller = await new cluster.k8s.Watch(cluster.config as never).watch(
          `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}`,
          { fieldSelector: `metadata.name=${name}`, resourceVersion: current.metadata.resourceVersion },
          (type: string, object: unknown) => {
            failures = 0;
            if (type === "ADDED" || type === "MODIFIED") observe(object as InferenceService);
            else if (type === "DELETED") finish(new KServeError("not_found", `InferenceService ${namespace}/${name} was deleted while waiting for it.`, { model: name }));
            // ERROR (e.g. 410 Gone): the watch ends; the next one starts from a fresh read.
          },
          (error: unknown) => {
            if (error !== null && error !== undefined) lastWatchError = error;
            again();
          },
        );
        if (settled) controller.abort();
        else watching = controller;
      } catch (error) {
        const status = (error as { statusCode?: unknown } | null)?.statusCode;
        if (status === 401 || status === 403) {
          const what = `Watching InferenceService ${namespace}/${name}`;
          return finish(new KServeError(status === 401 ? "unauthenticated" : "permission_denied", `${what}: ${error instanceof Error ? error.message : String(error)} (HTTP ${status}). Check your RBAC permissions (watch on inferenceservices.serving.kserve.io).`, { status, model: name, cause: error }));
        }
        lastWatchError = error;
        again();
      }
    };
    // Watches end (server timeouts, dropped connections): read again and watch from there, backing off while
    // things keep failing.
    let failures = 0;
    const again = () => {
      if (!settled) restart = setTimeout(() => void start(), restartDelayMs(failures++));
    };
    void start();
  });
}

/** `work`, unless the deadline passes or the signal aborts first. */
function bounded<T>(work: Promise<T>, deadline: number, limit: number, signal: AbortSignal | undefined, what: string): Promise<T> {
  if (deadline === Infinity && signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const timer = deadline === Infinity ? undefined : setTimeout(() => reject(new TimeoutError(`${what} did not finish within the ${limit} ms limit.`)), Math.max(0, deadline - Date.now()));
    const onAbort = () => reject(new AbortError(`${what} was cancelled.`, { cause: signal?.reason }));
    signal?.addEventListener("abort", onAbort, { once: true });
    const done = () => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    work.then(
      (value) => (done(), resolve(value)),
      (error: unknown) => (done(), reject(error)),
    );
  });
}

function summary(isvc: InferenceService): string {
  const conditions = isvc.status?.conditions ?? [];
  const text = conditions.length === 0 ? "no conditions reported yet" : conditions.map(describeCondition).join("; ");
  const model = isvc.status?.modelStatus;
  const state = model?.states?.targetModelState || model?.states?.activeModelState;
  const failure = model?.lastFailureInfo?.["message"];
  return model === undefined ? text : `${text}; model ${state ?? "?"} (${model.transitionStatus ?? "?"})${typeof failure === "string" ? `: ${failure}` : ""}`;
}

function checkNotAborted(signal: AbortSignal | undefined, name: string): void {
  if (signal?.aborted) throw new AbortError(`Deploying InferenceService ${name} was cancelled before it started.`, { cause: signal.reason, model: name });
}

/** A gRPC client through the gateway (`:authority` = the InferenceService's host). */
async function grpcClient(endpoint: ResolvedEndpoint, ingress: string | undefined): Promise<{ client: V2Client; close: () => void }> {
  if (endpoint.pathPrefix !== undefined) {
    throw new ConfigError(`gRPC cannot reach ${endpoint.url}: its method paths are fixed, so path-based routing (${endpoint.pathPrefix}) does not carry it. Use REST, or host-based routing.`);
  }
  const [{ createGrpcClient }, { createNodeGrpcTransport }] = await Promise.all([import("../grpc/index.node.js"), import("../node/index.js")]);
  const baseUrl = ingress === undefined ? endpoint.baseUrl : new URL(ingress).origin;
  const transport = createNodeGrpcTransport({ baseUrl, ...(endpoint.host === undefined ? {} : { authority: endpoint.host }) });
  return { client: createGrpcClient({ transport }), close: () => transport.close() };
}
