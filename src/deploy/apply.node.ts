/**
 * Applying objects through the official Kubernetes client: storage credentials (Secret, then ServiceAccount) and
 * the InferenceService, each created, or replaced on top of the version the cluster has.
 */
import { sameJson } from "../internal/json.js";
import type { StorageCredentials } from "./credentials.js";
import { apiStatus, type Cluster, kubeError } from "./kube.node.js";
import type { DeployEvent } from "./options.js";
import type { InferenceService } from "./types.js";

export const GROUP = "serving.kserve.io";
export const VERSION = "v1beta1";
export const PLURAL = "inferenceservices";

/** The API for custom objects such as InferenceServices. */
export const customObjects = (cluster: Cluster) => cluster.config.makeApiClient(cluster.k8s.CustomObjectsApi);

/** Where an InferenceService lives in the API: its group, version, plural and namespace. */
export const inferenceServices = (namespace: string) => ({ group: GROUP, version: VERSION, namespace, plural: PLURAL });

/** The InferenceService `namespace/name` as the cluster has it; the API's error (a 404 when absent) otherwise. */
export async function readInferenceService(
  cluster: Cluster,
  namespace: string,
  name: string,
): Promise<InferenceService> {
  return (await customObjects(cluster).getNamespacedCustomObject({
    ...inferenceServices(namespace),
    name,
  })) as InferenceService;
}

export async function applyCredentials(
  cluster: Cluster,
  credentials: StorageCredentials,
  fallbackNamespace: string,
  onEvent: ((event: DeployEvent) => void) | undefined,
): Promise<void> {
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
        const current = secret
          ? await core.readNamespacedSecret({ name, namespace })
          : await core.readNamespacedServiceAccount({ name, namespace });
        const metadata = {
          ...body.metadata,
          ...(current.metadata?.resourceVersion === undefined
            ? {}
            : { resourceVersion: current.metadata.resourceVersion }),
        };
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
export async function applyInferenceService(
  cluster: Cluster,
  isvc: InferenceService,
): Promise<{ object: InferenceService; action: "created" | "updated" | "unchanged" }> {
  const api = customObjects(cluster);
  const namespace = isvc.metadata.namespace!;
  const name = isvc.metadata.name;
  const ref = inferenceServices(namespace);
  const what = `Applying InferenceService ${namespace}/${name}`;
  try {
    return {
      object: (await api.createNamespacedCustomObject({ ...ref, body: isvc })) as InferenceService,
      action: "created",
    };
  } catch (error) {
    if (apiStatus(error) !== 409) throw kubeError(error, what, cluster);
  }
  // It exists: replace on top of the current version; another writer in between is a conflict, tried again.
  for (let attempt = 0; ; attempt++) {
    let current: InferenceService;
    try {
      current = await readInferenceService(cluster, namespace, name);
    } catch (error) {
      throw kubeError(error, what, cluster);
    }
    const metadata = {
      ...current.metadata,
      ...(isvc.metadata.labels === undefined ? {} : { labels: isvc.metadata.labels }),
      ...(isvc.metadata.annotations === undefined ? {} : { annotations: isvc.metadata.annotations }),
    };
    if (
      sameJson(current.spec, isvc.spec) &&
      sameJson(current.metadata.labels, metadata.labels) &&
      sameJson(current.metadata.annotations, metadata.annotations)
    ) {
      return { object: current, action: "unchanged" };
    }
    try {
      const body = { ...current, metadata, spec: isvc.spec };
      return {
        object: (await api.replaceNamespacedCustomObject({ ...ref, name, body })) as InferenceService,
        action: "updated",
      };
    } catch (error) {
      if (apiStatus(error) !== 409 || attempt >= 2) throw kubeError(error, what, cluster);
    }
  }
}
