/**
 * The deploy flow against a cluster, through the official `@kubernetes/client-node`: apply the storage
 * credentials and the InferenceService, watch it until `Ready` (or until a condition says it failed), resolve
 * its endpoint, and hand back clients that call it through the ingress gateway.
 */
import { AbortError, ConfigError, isKServeError, KServeError, TimeoutError } from "../core/errors.js";
import { milliseconds } from "../core/retry.js";
import { createV1Client } from "../v1/index.node.js";
import { createV2Client } from "../v2/index.node.js";
import type { V2Client } from "../v2/types.js";
import {
  applyCredentials,
  applyInferenceService as applyObject,
  customObjects,
  inferenceServices,
  readInferenceService,
} from "./apply.node.js";
import type { StorageCredentials } from "./credentials.js";
import { resolveEndpoint, type ResolvedEndpoint } from "./endpoint.js";
import { apiStatus, connectCluster, kubeError } from "./kube.node.js";
import { OPENAI_ROUTES_PATH, servesOpenAIRoutes } from "./openai-routes.js";
import type {
  ClusterOptions,
  DeployOptions,
  Deployment,
  InferenceServiceWaitOptions,
  OpenAIEndpoint,
} from "./options.js";
import { createIngressFetch, type IngressFetch } from "../node/ingress-fetch.js";
import { parseInferenceService } from "./schema.js";
import type { InferenceService } from "./types.js";
import { deadlineSignal, untilAborted } from "../internal/signals.js";
import { checkNotAborted, watchUntilReady } from "./watch.node.js";

const DEFAULT_TIMEOUT_MS = 300_000;

/** The whole-flow limit: default 5 minutes; Infinity for none; anything else must be a valid timer length. */
function timeLimit(timeoutMs: number | undefined): number {
  if (timeoutMs === undefined) return DEFAULT_TIMEOUT_MS;
  return timeoutMs === Infinity ? Infinity : milliseconds(timeoutMs, "timeoutMs");
}

/**
 * Apply storage credentials (Secret, then ServiceAccount): created, or replaced when they exist.
 * @throws {KServeError} with the API server's message (e.g. `permission_denied`)
 */
export async function applyStorageCredentials(
  credentials: StorageCredentials,
  options: ClusterOptions & { onEvent?: InferenceServiceWaitOptions["onEvent"] } = {},
): Promise<void> {
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
  const step = <T>(work: Promise<T>, what: string) =>
    bounded(work, deadline, limit, options.signal, `${what} (InferenceService ${manifest.metadata.name})`);
  const cluster = await step(connectCluster(options.kubeconfig), "Loading the kubeconfig");
  const namespace = manifest.metadata.namespace ?? options.namespace ?? cluster.defaultNamespace;
  const name = manifest.metadata.name;
  if (options.credentials !== undefined)
    await step(
      applyCredentials(cluster, options.credentials, namespace, options.onEvent),
      "Applying the storage credentials",
    );
  const applied = await step(
    applyObject(cluster, { ...manifest, metadata: { ...manifest.metadata, namespace } }),
    "Applying the InferenceService",
  );
  options.onEvent?.({ type: "applied", kind: "InferenceService", namespace, name, action: applied.action });
  const ready = await watchUntilReady(cluster, name, namespace, options, {
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
  const openai = servesOpenAIRoutes(ready) ? openaiEndpoint(endpoint) : undefined;
  const deployment: Deployment = {
    inferenceService: ready,
    endpoint,
    model: name,
    v1,
    v2,
    grpc: grpc?.client,
    openai: openai?.endpoint,
    close: () => {
      grpc?.close();
      void openai?.close();
    },
  };
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
 * Apply an InferenceService (and its storage credentials, if given) without waiting for it: create it, or replace
 * what the manifest owns. For GitOps-style steps and `kserve-client deploy --no-wait`; {@link deploy} also waits.
 *
 * @example
 * ```ts
 * const { action } = await applyInferenceService(isvc, { kubeconfig: { path: "./kubeconfig" } });
 * ```
 * @throws {ValidationError} for an invalid manifest (every problem listed), before anything is sent
 * @throws {KServeError} when the cluster refuses it (the message has the API server's reason)
 */
export async function applyInferenceService(
  isvc: InferenceService,
  options: ClusterOptions & Pick<DeployOptions, "credentials" | "onEvent"> = {},
): Promise<{ inferenceService: InferenceService; action: "created" | "updated" | "unchanged" }> {
  const manifest = parseInferenceService(isvc);
  checkNotAborted(options.signal, manifest.metadata.name);
  const cluster = await connectCluster(options.kubeconfig);
  const namespace = manifest.metadata.namespace ?? options.namespace ?? cluster.defaultNamespace;
  const name = manifest.metadata.name;
  if (options.credentials !== undefined)
    await applyCredentials(cluster, options.credentials, namespace, options.onEvent);
  const applied = await applyObject(cluster, { ...manifest, metadata: { ...manifest.metadata, namespace } });
  options.onEvent?.({ type: "applied", kind: "InferenceService", namespace, name, action: applied.action });
  return { inferenceService: applied.object, action: applied.action };
}

/**
 * Wait until the InferenceService `name` is `Ready`, reporting every condition change through `onEvent`.
 * @throws {InferenceServiceFailedError} when a condition reports a failure
 * @throws {TimeoutError} when it is not Ready within `timeoutMs`
 * @throws {KServeError} `not_found` when it does not exist or is deleted while waiting
 */
export async function waitForInferenceServiceReady(
  name: string,
  options: InferenceServiceWaitOptions = {},
): Promise<InferenceService> {
  const cluster = await connectCluster(options.kubeconfig);
  const limit = timeLimit(options.timeoutMs);
  return watchUntilReady(cluster, name, options.namespace ?? cluster.defaultNamespace, options, {
    generation: undefined,
    resourceVersion: undefined,
    deadline: Date.now() + limit,
    limit,
  });
}

/** The InferenceService as the cluster has it (status included), or undefined when there is none. */
export async function getInferenceService(
  name: string,
  options: ClusterOptions = {},
): Promise<InferenceService | undefined> {
  const cluster = await connectCluster(options.kubeconfig);
  const namespace = options.namespace ?? cluster.defaultNamespace;
  try {
    return await readInferenceService(cluster, namespace, name);
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
    await customObjects(cluster).deleteNamespacedCustomObject({ ...inferenceServices(namespace), name });
    return true;
  } catch (error) {
    if (apiStatus(error) === 404) return false;
    throw kubeError(error, `Deleting InferenceService ${namespace}/${name}`, cluster);
  }
}

/** `work`, unless the deadline passes (a TimeoutError) or the signal aborts (an AbortError) first. */
async function bounded<T>(
  work: Promise<T>,
  deadline: number,
  limit: number,
  signal: AbortSignal | undefined,
  what: string,
): Promise<T> {
  if (deadline === Infinity && signal === undefined) return work;
  const timeout = () => new TimeoutError(`${what} did not finish within the ${limit} ms limit.`);
  const limited = deadlineSignal(
    deadline === Infinity ? Infinity : Math.max(0, deadline - Date.now()),
    timeout,
    signal,
  );
  try {
    return await untilAborted(work, limited.signal);
  } catch (error) {
    if (limited.signal.aborted && !limited.timedOut() && error === limited.signal.reason)
      throw new AbortError(`${what} was cancelled.`, { cause: signal?.reason });
    throw error;
  } finally {
    limited.dispose();
  }
}

/** The OpenAI-compatible routes through the gateway (the ingress fetch presents the host), or at `status.url`. */
function openaiEndpoint(endpoint: ResolvedEndpoint): { endpoint: OpenAIEndpoint; close: () => Promise<void> } {
  const baseURL = `${endpoint.baseUrl}${OPENAI_ROUTES_PATH}`;
  if (endpoint.host === undefined) return { endpoint: { baseURL, fetch: globalThis.fetch }, close: async () => {} };
  const fetch: IngressFetch = createIngressFetch({ host: endpoint.host });
  return { endpoint: { baseURL, fetch }, close: () => fetch.close() };
}

/** A gRPC client through the gateway (`:authority` = the InferenceService's host). */
async function grpcClient(
  endpoint: ResolvedEndpoint,
  ingress: string | undefined,
): Promise<{ client: V2Client; close: () => void }> {
  if (endpoint.pathPrefix !== undefined) {
    throw new ConfigError(
      `gRPC cannot reach ${endpoint.url}: its method paths are fixed, so path-based routing (${endpoint.pathPrefix}) does not carry it. Use REST, or host-based routing.`,
    );
  }
  const [{ createGrpcClient }, { createNodeGrpcTransport }] = await Promise.all([
    import("../grpc/index.node.js"),
    import("../node/index.js"),
  ]);
  const baseUrl = ingress === undefined ? endpoint.baseUrl : new URL(ingress).origin;
  const transport = createNodeGrpcTransport({
    baseUrl,
    ...(endpoint.host === undefined ? {} : { authority: endpoint.host }),
  });
  return { client: createGrpcClient({ transport }), close: () => transport.close() };
}
