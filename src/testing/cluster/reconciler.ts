/**
 * The mock cluster's controller: KServe's InferenceService reconciler, Knative (or the Deployment controller),
 * the predictor pod, its storage initializer and model server, played in one loop per InferenceService. It
 * watches the store; for every new generation of a spec it steps the status the way a cluster does — starting,
 * downloading, loading, then Ready (or failed, with KServe's reasons) — one step every `stepMs`, writing each
 * through the `/status` subresource so watchers see every change. A ready revision is published in the serving
 * table for the gateway; deleting the InferenceService withdraws it.
 */
import { createModelRegistry } from "../models.js";
import type { KubeStore, StoredObject, WatchEvent } from "../kube/index.js";
import type { InferenceServiceStatus } from "../../deploy/index.js";
import { podCredentials, type PodCreationCause } from "./credentials.js";
import { DEPLOYMENT_MODE_ANNOTATION, KSERVE_FINALIZER, STALL_ANNOTATION } from "./defaults.js";
import { inferenceServiceUrls, type MockDeploymentMode } from "./hosts.js";
import { podCreationMessages } from "./messages.js";
import { readPredictor } from "./predictor.js";
import { type RuntimeSettings, selectRuntime } from "./runtimes.js";
import type { MockS3Service } from "./s3.js";
import type { ServingTable } from "./serving-table.js";
import { type Phase, revisionName, statusFor } from "./status.js";
import { runStorageInitializer } from "./storage.js";

/** Options of {@link startReconciler}. */
export interface ReconcilerOptions {
  store: KubeStore;
  serving: ServingTable;
  s3: MockS3Service;
  /** Ingress domain of the URLs. */
  domain: string;
  /** The mode of InferenceServices that do not choose one by annotation. */
  deploymentMode: MockDeploymentMode;
  /** Time between status steps. */
  stepMs: number;
  /** How the runtimes' models behave (the generative runtime's pace). */
  runtimes: RuntimeSettings;
}

/** A running reconciler. */
export interface Reconciler {
  /** Stop watching and abandon every step in progress (no timers left behind). */
  close(): void;
}

/** What the reconciler remembers of one InferenceService (by uid). */
interface Tracked {
  /** The generation being (or last) brought up, and how to abandon it. */
  generation: number;
  abort: AbortController;
  /** Knative revisions created so far; the last one that became ready. */
  revisions: number;
  servingRevision?: number | undefined;
}

/** Watch `options.store` and reconcile its InferenceServices until closed. */
export function startReconciler(options: ReconcilerOptions): Reconciler {
  const { store } = options;
  const tracked = new Map<string, Tracked>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let closed = false;

  /** Work happens after the write that caused it has returned, as with a controller's work queue. */
  const later = (work: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!closed) work();
    }, 0);
    timers.add(timer);
  };

  const onEvent = (event: WatchEvent) => {
    if (event.resource !== "inferenceservices") return;
    const { uid, namespace, name } = event.object.metadata;
    later(() => (event.type === "DELETED" ? forget(uid) : reconcile(namespace ?? "default", name, uid)));
  };

  const forget = (uid: string) => {
    tracked.get(uid)?.abort.abort();
    tracked.delete(uid);
    options.serving.withdraw(uid);
  };

  const reconcile = (namespace: string, name: string, uid: string) => {
    const isvc = store.find("inferenceservices", { namespace, name });
    if (isvc === undefined || isvc.metadata.uid !== uid) return; // gone (its DELETED event follows or came)
    const finalizers = isvc.metadata.finalizers ?? [];
    if (isvc.metadata.deletionTimestamp !== undefined) {
      // Being deleted: stop serving, then let the deletion complete by removing KServe's finalizer.
      forget(uid);
      if (finalizers.includes(KSERVE_FINALIZER))
        patchFinalizers(
          namespace,
          name,
          finalizers.filter((f) => f !== KSERVE_FINALIZER),
        );
      return;
    }
    if (!finalizers.includes(KSERVE_FINALIZER)) patchFinalizers(namespace, name, [...finalizers, KSERVE_FINALIZER]);
    const generation = isvc.metadata.generation ?? 1;
    const current = tracked.get(uid);
    if (current?.generation === generation) return; // a status or metadata change: nothing new to bring up
    current?.abort.abort();
    const entry: Tracked = { revisions: 0, ...current, generation, abort: new AbortController() };
    tracked.set(uid, entry);
    bringUp({ namespace, name, uid, generation }, entry).catch((error: unknown) => {
      if (entry.abort.signal.aborted) return; // superseded, deleted or closed
      queueMicrotask(() => {
        throw error; // a bug in the mock: never swallowed
      });
    });
  };

  const patchFinalizers = (namespace: string, name: string, finalizers: string[]) => {
    store.patch("inferenceservices", { namespace, name }, { type: "merge", patch: { metadata: { finalizers } } });
  };

  /** Step one generation of an InferenceService from deployed to Ready (or a failure). */
  const bringUp = async (
    ref: { namespace: string; name: string; uid: string; generation: number },
    entry: Tracked,
  ): Promise<void> => {
    const { signal } = entry.abort;
    const { namespace, name, uid, generation } = ref;
    /** The object as it is now; throws (ending this run) once the generation is no longer current. */
    const read = (): StoredObject => {
      const isvc = store.find("inferenceservices", { namespace, name });
      if (
        closed ||
        signal.aborted ||
        isvc === undefined ||
        isvc.metadata.uid !== uid ||
        isvc.metadata.generation !== generation ||
        isvc.metadata.deletionTimestamp !== undefined
      ) {
        entry.abort.abort();
        throw new Error("superseded");
      }
      return isvc;
    };
    const step = () => sleep(options.stepMs, signal, timers);

    const first = read();
    const mode = deploymentModeOf(first, options.deploymentMode);
    const plan = readPredictor(first["spec"]);
    let revision = entry.revisions;
    const write = (phase: Phase, runtime?: string) => {
      const isvc = read();
      const status = statusFor(phase, {
        name,
        namespace,
        generation,
        mode,
        domain: options.domain,
        runtime,
        revision,
        servingRevision: entry.servingRevision,
        replicaSet: replicaSetName(name, uid, revision),
        previous: isvc["status"] as InferenceServiceStatus | undefined,
        now: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      });
      store.updateStatus("inferenceservices", { ...isvc, status });
    };

    if (plan.model === undefined) {
      return write({
        kind: "invalidSpec",
        reason: "InvalidPredictorSpec",
        message: "The mock KServe serves predictor.model and the framework shorthands; it runs no custom containers",
      });
    }
    const selection = selectRuntime(plan.model);
    if (!selection.ok) return write({ kind: "invalidSpec", reason: selection.reason, message: selection.message });
    const runtime = selection.runtime.name;
    // The Knative Service (or Deployment) is created or updated: a new revision of the predictor.
    revision = entry.revisions = entry.revisions + 1;

    const storageUri = plan.model.storageUri;
    const credentials = podCredentials(store, namespace, plan.serviceAccountName, storageUri !== undefined);
    if (!credentials.ok) {
      const pod = podPrefixFor(mode, name, uid, revision);
      return write(
        { kind: "podCreationFailed", message: podCreationMessage(credentials.cause, pod, namespace) },
        runtime,
      );
    }
    write({ kind: "starting", model: "Pending" }, runtime);
    await step();
    write({ kind: "starting", model: "Loading" }, runtime);
    if (read().metadata.annotations?.[STALL_ANNOTATION] === "true") return; // the model never gets ready
    await step();
    const download =
      storageUri === undefined
        ? { ok: true as const, files: [] }
        : await runStorageInitializer(storageUri, credentials.s3, options.s3);
    read();
    if (!download.ok) return write({ kind: "storageFailed", message: download.error }, runtime);
    const loaded = selection.runtime.load(name, download.files, options.runtimes);
    await step();
    if (!loaded.ok) return write({ kind: "loadFailed", message: loaded.error }, runtime);
    read();
    // Routed before Ready is written, so that whoever sees Ready can call the model at once.
    const urls = inferenceServiceUrls(mode, name, namespace, options.domain);
    options.serving.publish(uid, [urls.url, urls.predictorUrl], {
      namespace,
      name,
      models: createModelRegistry([loaded.model]),
    });
    entry.servingRevision = revision;
    write({ kind: "ready" }, runtime);
  };

  const unsubscribe = store.watch(onEvent);
  for (const isvc of store.list("inferenceservices").items) {
    const { namespace, name, uid } = isvc.metadata;
    later(() => reconcile(namespace ?? "default", name, uid));
  }

  return {
    close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      for (const entry of tracked.values()) entry.abort.abort();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

/** The mode KServe uses: the one it recorded in the status, else the annotation's, else the cluster default. */
function deploymentModeOf(isvc: StoredObject, fallback: MockDeploymentMode): MockDeploymentMode {
  const recorded = (isvc["status"] as InferenceServiceStatus | undefined)?.deploymentMode;
  return parseMode(recorded) ?? parseMode(isvc.metadata.annotations?.[DEPLOYMENT_MODE_ANNOTATION]) ?? fallback;
}

/** `Knative`/`Serverless` and `Standard`/`RawDeployment` (the legacy names); anything else is not a mode the mock runs. */
function parseMode(value: string | undefined): MockDeploymentMode | undefined {
  if (value === "Knative" || value === "Serverless") return "Knative";
  if (value === "Standard" || value === "RawDeployment") return "Standard";
  return undefined;
}

/** The predictor's ReplicaSet in Standard mode: `{name}-predictor-{pod-template-hash}`. */
function replicaSetName(name: string, uid: string, revision: number): string {
  return `${name}-predictor-${podTemplateHash(`${uid}/${revision}`)}`;
}

/** The name prefix of the predictor's pods (what a FailedCreate message names): the ReplicaSet's name and a dash. */
function podPrefixFor(mode: MockDeploymentMode, name: string, uid: string, revision: number): string {
  // Knative names the Deployment after the revision: `{revision}-deployment`, its ReplicaSet adds a hash.
  const replicaSet =
    mode === "Knative"
      ? `${revisionName(name, revision)}-deployment-${podTemplateHash(`${uid}/${revision}/knative`)}`
      : replicaSetName(name, uid, revision);
  return `${replicaSet}-`;
}

function podCreationMessage(cause: PodCreationCause, pod: string, namespace: string): string {
  return cause.kind === "serviceAccountMissing"
    ? podCreationMessages.serviceAccountMissing(pod, namespace, cause.serviceAccount)
    : podCreationMessages.secretMissing(cause.secret);
}

/** A pod-template-hash-like name part (Kubernetes' alphabet without vowels), stable for a given seed. */
function podTemplateHash(seed: string): string {
  const alphabet = "bcdfghjklmnpqrstvwxz2456789";
  let hash = 2166136261;
  for (let i = 0; i < seed.length; i++) hash = Math.imul(hash ^ seed.charCodeAt(i), 16777619) >>> 0;
  let out = "";
  for (let i = 0; i < 10; i++) {
    out += alphabet[hash % alphabet.length];
    hash = Math.imul(hash ^ i, 16777619) >>> 0;
  }
  return out;
}

/** Wait `ms`; rejects when `signal` aborts. The timer is tracked so that closing leaves none behind. */
function sleep(ms: number, signal: AbortSignal, timers: Set<ReturnType<typeof setTimeout>>): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error("aborted"));
    const timer = setTimeout(() => {
      timers.delete(timer);
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    timers.add(timer);
    const onAbort = () => {
      clearTimeout(timer);
      timers.delete(timer);
      reject(new Error("aborted"));
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
