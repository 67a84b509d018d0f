/**
 * `createKubeStore`: the in-memory object store behind the Kubernetes API subset, with the semantics a
 * client (or a controller) relies on: uid, a global resourceVersion, generation, optimistic concurrency,
 * finalizers and namespace termination, validation, a validating admission hook, and watch events with a
 * bounded history. The HTTP server is a thin layer over it; in-process code (the mock KServe reconciler)
 * uses it directly. No Node built-ins: it runs wherever the SDK's tests do.
 */
import { type AdmissionHook, type DenialStyle, KSERVE_VALIDATOR_WEBHOOK, webhookDenial } from "./admission.js";
import { createEventLog } from "./event-log.js";
import { isJsonObject, type Json, jsonCopy, sameJson } from "./json.js";
import { copyOrDelete, prepareNew, prepareReplacement } from "./kinds.js";
import { generateName, nameErrors } from "./names.js";
import {
  finalizerErrors,
  incoming,
  keyOf,
  now,
  requireNamespace,
  serverOwnedMetadata,
  specOf,
  tidyMetadata,
} from "./object-rules.js";
import { compareKeys, decodeContinue, encodeContinue, sortKey } from "./paging.js";
import { applyConfiguration, jsonPatch, mergePatch } from "./patch.js";
import { PATCH_TYPES, type ResourceDefinition, RESOURCES } from "./resources.js";
import { fieldSelectorFor, parseLabelSelector } from "./selectors.js";
import {
  alreadyExists,
  badRequest,
  conflict,
  type FieldError,
  fieldInvalid,
  fieldRequired,
  forbidden,
  internal,
  invalid,
  notFound,
  OPTIMISTIC_LOCK_MESSAGE,
  routeNotFound,
  unsupportedMediaType,
} from "./status.js";
import type { KubeObject, KubeResource, ObjectList, ObjectRef, StoredObject, WatchEvent } from "./types.js";

/** Options of {@link createKubeStore}. */
export interface KubeStoreOptions {
  /** A validating webhook for writes to main resources (not `/status`). Default: admit everything. */
  admit?: AdmissionHook | undefined;
  /** The webhook's name in denial messages. Default: KServe's InferenceService validator. */
  webhookName?: string | undefined;
  /** 422 with causes (default) or 403 as KServe's validator answers; see {@link DenialStyle}. */
  denialStyle?: DenialStyle | undefined;
  /** Watch events kept for resuming watches; older resourceVersions get 410 Expired. Default 1000. */
  historyLimit?: number | undefined;
  /** Namespaces that exist from the start (each with its `default` ServiceAccount). Default `["default"]`. */
  namespaces?: readonly string[] | undefined;
}

/** Options of writes. */
export interface WriteOptions {
  /** Validate and admit, answer with the result, store nothing (`?dryRun=All`). */
  dryRun?: boolean | undefined;
}

/** Options of {@link KubeStore.list}. */
export interface ListOptions {
  /** Only this namespace; all namespaces when left out. */
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** Page size; pass the answer's `continue` back for the next page. */
  limit?: number | undefined;
  continue?: string | undefined;
}

/** A change to apply with {@link KubeStore.patch}. */
export type KubePatch =
  | { type: "merge"; patch: unknown }
  | { type: "json"; patch: unknown }
  /** Built-in kinds only; applied as a merge patch (list merge keys are not modelled). */
  | { type: "strategic"; patch: unknown }
  /** Server-side apply (simplified: no ownership conflicts); creates the object when missing. */
  | { type: "apply"; patch: unknown; fieldManager: string; force?: boolean | undefined };

/** Options of {@link KubeStore.patch}. */
export interface PatchOptions extends WriteOptions {
  /** Patch the `/status` subresource instead of the main resource. */
  subresource?: "status" | undefined;
}

/** Options of {@link KubeStore.delete}. */
export interface DeleteOptions extends WriteOptions {
  /** Delete only if the object still has this uid / resourceVersion; else 409 Conflict. */
  preconditions?: { uid?: string | undefined; resourceVersion?: string | undefined } | undefined;
}

/** What a delete did. */
export interface DeleteResult {
  /** The object's last state; when `finalized` is false, the state it waits in (deletionTimestamp set). */
  object: StoredObject;
  /** Gone from the store; false while finalizers (or a terminating namespace's content) hold it. */
  finalized: boolean;
}

/** Receives store changes, in resourceVersion order. */
export type WatchListener = (event: WatchEvent) => void;

/** The object store. Every method answers with copies and throws {@link KubeStatusError} on failure. */
export interface KubeStore {
  /** The resourceVersion of the latest change. */
  resourceVersion(): string;
  /** The object, or 404 NotFound. */
  get(resource: KubeResource, ref: ObjectRef): StoredObject;
  /** The object, or undefined. */
  find(resource: KubeResource, ref: ObjectRef): StoredObject | undefined;
  /** Objects sorted by namespace then name, filtered and paged. */
  list(resource: KubeResource, options?: ListOptions): ObjectList;
  /** Creates `object` (namespace from its metadata): 404 for a missing namespace, 409 if it exists, 422 if invalid. */
  create(resource: KubeResource, object: KubeObject, options?: WriteOptions): StoredObject;
  /** Replaces the object named by `object.metadata`; a stale `resourceVersion` is 409 Conflict. */
  update(resource: KubeResource, object: KubeObject, options?: WriteOptions): StoredObject;
  /** Replaces only `status` (the `/status` subresource); everything else is kept. */
  updateStatus(resource: KubeResource, object: KubeObject, options?: WriteOptions): StoredObject;
  /** Patches the object; `created` is true when an apply created it. */
  patch(
    resource: KubeResource,
    ref: ObjectRef,
    patch: KubePatch,
    options?: PatchOptions,
  ): { object: StoredObject; created: boolean };
  /** Deletes the object, or marks it for deletion while finalizers remain. */
  delete(resource: KubeResource, ref: ObjectRef, options?: DeleteOptions): DeleteResult;
  /**
   * Calls `listener` with every later change; from `resourceVersion` (a list's), it first replays the
   * changes after it, or throws 410 Expired when they are no longer kept. Returns the unsubscribe function.
   * A listener may write to the store: the events that causes are delivered after the current one, to
   * every listener in the same order. A listener's exception is rethrown asynchronously (never swallowed).
   */
  watch(listener: WatchListener, options?: { resourceVersion?: string | undefined }): () => void;
}

interface Entry {
  resource: KubeResource;
  object: StoredObject;
  /** Server-side apply: the configuration each field manager applied last, to prune what it drops. */
  applied: Map<string, Json>;
}

/** Creates an empty store holding the `default` namespace (or `options.namespaces`). */
export function createKubeStore(options: KubeStoreOptions = {}): KubeStore {
  const entries = new Map<string, Entry>();
  const log = createEventLog(options.historyLimit ?? 1000);
  const listeners = new Set<WatchListener>();
  const queue: { listener: WatchListener; event: WatchEvent }[] = [];
  let draining = false;
  let revision = 0;
  let bootstrapping = true;

  /** Delivers events in order, also those caused by listeners while delivering (queued behind). */
  function deliver(items: { listener: WatchListener; event: WatchEvent }[]): void {
    queue.push(...items);
    if (draining) return;
    draining = true;
    try {
      while (queue.length > 0) {
        const { listener, event } = queue.shift()!;
        if (!listeners.has(listener)) continue;
        try {
          listener(structuredClone(event));
        } catch (error) {
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    } finally {
      draining = false;
    }
  }

  /** Stores `object` at a new resourceVersion and tells the watchers. */
  function commit(
    entry: Entry,
    type: "ADDED" | "MODIFIED",
    object: StoredObject,
    previous?: StoredObject,
  ): StoredObject {
    object.metadata.resourceVersion = String(++revision);
    entry.object = object;
    entries.set(keyOf(RESOURCES[entry.resource], object.metadata), entry);
    emit({ type, resource: entry.resource, object: structuredClone(object), previous });
    return structuredClone(object);
  }

  function emit(event: WatchEvent): void {
    log.append(event);
    deliver([...listeners].map((listener) => ({ listener, event })));
  }

  /** Removes the object for good: a DELETED event carrying its last state at the deletion's version. */
  function remove(entry: Entry): StoredObject {
    const def = RESOURCES[entry.resource];
    entries.delete(keyOf(def, entry.object.metadata));
    const last = structuredClone(entry.object);
    last.metadata.resourceVersion = String(++revision);
    emit({ type: "DELETED", resource: entry.resource, object: structuredClone(last) });
    const namespace = last.metadata.namespace;
    if (def.namespaced && namespace !== undefined) finishNamespaceIfEmpty(namespace);
    return last;
  }

  function entryOf(def: ResourceDefinition, ref: ObjectRef): Entry | undefined {
    return entries.get(keyOf(def, { namespace: def.namespaced ? ref.namespace : undefined, name: ref.name }));
  }

  function admit(
    def: ResourceDefinition,
    operation: "CREATE" | "UPDATE",
    object: StoredObject,
    oldObject?: StoredObject,
  ): void {
    if (options.admit === undefined || bootstrapping) return;
    const request = {
      resource: def.resource,
      operation,
      object: structuredClone(object),
      oldObject: oldObject && structuredClone(oldObject),
    };
    const causes = options.admit(request);
    if (causes !== undefined && causes.length > 0) {
      throw webhookDenial(
        def,
        object.metadata.name,
        causes,
        options.webhookName ?? KSERVE_VALIDATOR_WEBHOOK,
        options.denialStyle ?? "invalid",
      );
    }
  }

  /** 404 for a missing namespace, 403 for one being deleted (the NamespaceLifecycle admission plugin). */
  function checkNamespaceAcceptsContent(def: ResourceDefinition, namespace: string, name: string): void {
    const ns = entries.get(keyOf(RESOURCES.namespaces, { name: namespace }));
    if (ns === undefined) throw notFound(RESOURCES.namespaces, namespace);
    if (ns.object.metadata.deletionTimestamp !== undefined) {
      throw forbidden(
        def,
        name,
        `unable to create new content in namespace ${namespace} because it is being terminated`,
        [
          {
            reason: "NamespaceTerminating",
            message: `namespace ${namespace} is being terminated`,
            field: "metadata.namespace",
          },
        ],
      );
    }
  }

  function create(resource: KubeResource, input: KubeObject, writeOptions: WriteOptions = {}): StoredObject {
    const def = RESOURCES[resource];
    const object = incoming(def, input);
    const meta = object.metadata;
    if (def.namespaced) meta.namespace = requireNamespace(meta.namespace);
    else delete meta.namespace;
    if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
    if (def.namespaced) checkNamespaceAcceptsContent(def, meta.namespace!, meta.name ?? "");

    // Fields only the server sets.
    meta.uid = crypto.randomUUID();
    meta.creationTimestamp = now();
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (def.tracksGeneration) meta.generation = 1;
    else delete meta.generation;
    if (def.statusSubresource) delete object["status"]; // status is written through /status only
    tidyMetadata(object);

    const errors = [...nameErrors(meta.name, def.nameRule), ...prepareNew(def, object)];
    if (errors.length > 0) throw invalid(def, meta.name ?? "", errors);
    admit(def, "CREATE", object);
    // Storage refuses a version on a new object, before it finds out whether the name is taken.
    if (input.metadata?.resourceVersion) throw internal("resourceVersion should not be set on objects to be created");
    if (entryOf(def, meta) !== undefined) throw alreadyExists(def, meta.name);
    if (writeOptions.dryRun) return { ...object, metadata: { ...meta, resourceVersion: "" } };

    const stored = commit({ resource, object, applied: new Map() }, "ADDED", object);
    // The service account controller gives every namespace a `default` ServiceAccount.
    if (resource === "namespaces") create("serviceaccounts", { metadata: { name: "default", namespace: meta.name } });
    return stored;
  }

  /** 409 when `resourceVersion` is stale; 422 when it is missing and the kind needs it. */
  function checkVersion(def: ResourceDefinition, current: StoredObject, resourceVersion: string | undefined): void {
    if (!resourceVersion) {
      if (def.unconditionalUpdate) return;
      throw invalid(def, current.metadata.name, [
        fieldInvalid("metadata.resourceVersion", { goSyntax: "0x0" }, "must be specified for an update"),
      ]);
    }
    if (resourceVersion !== current.metadata.resourceVersion)
      throw conflict(def, current.metadata.name, OPTIMISTIC_LOCK_MESSAGE);
  }

  /**
   * Stores `candidate` in place of the entry's object, through the main resource or `/status`, as the
   * apiserver's update strategies do. An unchanged object is not written (no new version, no event).
   */
  function replace(
    entry: Entry,
    candidate: StoredObject,
    subresource: "status" | undefined,
    writeOptions: WriteOptions,
  ): StoredObject {
    const def = RESOURCES[entry.resource];
    const old = entry.object;
    let next: StoredObject;
    if (subresource === "status") {
      next = structuredClone(old);
      copyOrDelete(next, candidate, "status");
    } else {
      next = candidate;
      next.apiVersion = def.apiVersion;
      next.kind = def.kind;
      next.metadata = { ...next.metadata, ...serverOwnedMetadata(old) };
      if (def.statusSubresource) copyOrDelete(next, old, "status");
      tidyMetadata(next);
      const errors: FieldError[] = [...prepareReplacement(def, next, old), ...finalizerErrors(old, next)];
      if (errors.length > 0) throw invalid(def, old.metadata.name, errors);
      if (def.tracksGeneration && !sameJson(specOf(old), specOf(next)))
        next.metadata.generation = (old.metadata.generation ?? 0) + 1;
      admit(def, "UPDATE", next, old);
    }
    next.metadata.resourceVersion = old.metadata.resourceVersion;
    if (sameJson(next, old)) return structuredClone(old);
    if (writeOptions.dryRun) return next;
    // Removing the last finalizer of an object being deleted completes the deletion.
    if (old.metadata.deletionTimestamp !== undefined && (next.metadata.finalizers ?? []).length === 0) {
      entry.object = next;
      return remove(entry);
    }
    return commit(entry, "MODIFIED", next, old);
  }

  function update(
    resource: KubeResource,
    input: KubeObject,
    writeOptions: WriteOptions = {},
    subresource?: "status",
  ): StoredObject {
    const def = RESOURCES[resource];
    if (subresource === "status" && !def.statusSubresource) throw routeNotFound();
    const candidate = incoming(def, input);
    if (!candidate.metadata.name) throw badRequest("name is required for an update (metadata.name)");
    const ref = {
      namespace: def.namespaced ? requireNamespace(candidate.metadata.namespace) : undefined,
      name: candidate.metadata.name,
    };
    const entry = entryOf(def, ref);
    if (entry === undefined) throw notFound(def, ref.name);
    checkVersion(def, entry.object, candidate.metadata.resourceVersion);
    return replace(entry, candidate, subresource, writeOptions);
  }

  function patch(
    resource: KubeResource,
    ref: ObjectRef,
    change: KubePatch,
    patchOptions: PatchOptions = {},
  ): { object: StoredObject; created: boolean } {
    const def = RESOURCES[resource];
    if (!def.patchTypes.includes(PATCH_TYPES[change.type])) throw unsupportedMediaType(def.patchTypes);
    if (patchOptions.subresource === "status" && !def.statusSubresource) throw routeNotFound();
    const namespace = def.namespaced ? requireNamespace(ref.namespace) : undefined;
    const entry = entryOf(def, { namespace, name: ref.name });
    if (change.type === "apply") return apply(def, { namespace, name: ref.name }, entry, change, patchOptions);
    if (entry === undefined) throw notFound(def, ref.name);

    const current = structuredClone(entry.object) as unknown as Json;
    let patched: Json;
    if (change.type === "json") {
      patched = jsonPatch(current, change.patch);
    } else {
      if (!isJsonObject(change.patch))
        throw badRequest("json: cannot unmarshal non-object into Go value of type map[string]interface {}");
      patched = mergePatch(current, change.patch);
    }
    const candidate = incoming(def, patched as KubeObject);
    // A resourceVersion in the patch is a precondition, as for an update.
    const version = candidate.metadata.resourceVersion;
    if (version && version !== entry.object.metadata.resourceVersion)
      throw conflict(def, ref.name, OPTIMISTIC_LOCK_MESSAGE);
    return { object: replace(entry, candidate, patchOptions.subresource, patchOptions), created: false };
  }

  function apply(
    def: ResourceDefinition,
    ref: ObjectRef,
    entry: Entry | undefined,
    change: Extract<KubePatch, { type: "apply" }>,
    patchOptions: PatchOptions,
  ): { object: StoredObject; created: boolean } {
    if (!change.fieldManager) {
      throw invalid({ group: "meta.k8s.io", kind: "PatchOptions" }, "", [
        fieldRequired("fieldManager", "is required for apply patch"),
      ]);
    }
    if (!isJsonObject(change.patch)) throw badRequest("the apply configuration must be an object");
    const config = jsonCopy(change.patch);
    const meta = isJsonObject(config["metadata"]) ? config["metadata"] : {};
    // An apply configuration names its type explicitly; the endpoint does not fill it in.
    if (config["apiVersion"] !== def.apiVersion || config["kind"] !== def.kind) {
      throw badRequest(
        `invalid object type: ${String(config["apiVersion"] ?? "")}, Kind=${String(config["kind"] ?? "")}: the apply configuration must have apiVersion ${def.apiVersion} and kind ${def.kind}`,
      );
    }
    if (meta["name"] !== undefined && meta["name"] !== ref.name) {
      throw badRequest(
        `the name of the object (${String(meta["name"])}) does not match the name on the URL (${ref.name})`,
      );
    }
    const managerKey = `${patchOptions.subresource ?? ""}:${change.fieldManager}`;
    if (entry === undefined) {
      if (patchOptions.subresource !== undefined) throw notFound(def, ref.name);
      const created = create(
        def.resource,
        { ...config, metadata: { ...meta, name: ref.name, namespace: ref.namespace } },
        patchOptions,
      );
      if (!patchOptions.dryRun) entryOf(def, ref)?.applied.set(managerKey, config);
      return { object: created, created: true };
    }
    const version = typeof meta["resourceVersion"] === "string" ? meta["resourceVersion"] : undefined;
    if (version && version !== entry.object.metadata.resourceVersion)
      throw conflict(def, ref.name, OPTIMISTIC_LOCK_MESSAGE);
    const merged = applyConfiguration(
      structuredClone(entry.object) as unknown as Json,
      config,
      entry.applied.get(managerKey),
    );
    const object = replace(entry, incoming(def, merged as KubeObject), patchOptions.subresource, patchOptions);
    if (!patchOptions.dryRun) entry.applied.set(managerKey, config);
    return { object, created: false };
  }

  function destroy(resource: KubeResource, ref: ObjectRef, deleteOptions: DeleteOptions = {}): DeleteResult {
    const def = RESOURCES[resource];
    const namespace = def.namespaced ? requireNamespace(ref.namespace) : undefined;
    const entry = entryOf(def, { namespace, name: ref.name });
    if (entry === undefined) throw notFound(def, ref.name);
    const current = entry.object;
    const { uid, resourceVersion } = deleteOptions.preconditions ?? {};
    if (uid !== undefined && uid !== current.metadata.uid) {
      throw conflict(
        def,
        ref.name,
        `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid}`,
      );
    }
    if (resourceVersion !== undefined && resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(
        def,
        ref.name,
        `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
      );
    }
    if (current.metadata.deletionTimestamp !== undefined) return { object: structuredClone(current), finalized: false };

    const waits = resource === "namespaces" || (current.metadata.finalizers ?? []).length > 0;
    if (!waits) return { object: deleteOptions.dryRun ? structuredClone(current) : remove(entry), finalized: true };

    // Graceful deletion: mark it; finalizers' owners (or the namespace controller) finish the job.
    const marked = structuredClone(current);
    marked.metadata.deletionTimestamp = now();
    marked.metadata.deletionGracePeriodSeconds = 0;
    if (resource === "namespaces")
      marked["status"] = { ...(marked["status"] as object | undefined), phase: "Terminating" };
    if (deleteOptions.dryRun) return { object: marked, finalized: false };
    const answer = commit(entry, "MODIFIED", marked, current);
    if (resource === "namespaces") terminateNamespace(ref.name);
    return { object: answer, finalized: false };
  }

  /** The namespace controller's work: delete everything in the namespace, then the namespace once empty. */
  function terminateNamespace(namespace: string): void {
    for (const entry of [...entries.values()]) {
      const { metadata } = entry.object;
      if (
        RESOURCES[entry.resource].namespaced &&
        metadata.namespace === namespace &&
        metadata.deletionTimestamp === undefined
      ) {
        destroy(entry.resource, { namespace, name: metadata.name });
      }
    }
    finishNamespaceIfEmpty(namespace);
  }

  function finishNamespaceIfEmpty(namespace: string): void {
    const ns = entries.get(keyOf(RESOURCES.namespaces, { name: namespace }));
    if (ns === undefined || ns.object.metadata.deletionTimestamp === undefined) return;
    for (const entry of entries.values()) {
      if (RESOURCES[entry.resource].namespaced && entry.object.metadata.namespace === namespace) return;
    }
    remove(ns);
  }

  function list(resource: KubeResource, listOptions: ListOptions = {}): ObjectList {
    const def = RESOURCES[resource];
    const labels = parseLabelSelector(listOptions.labelSelector);
    const fields = fieldSelectorFor(def, listOptions.fieldSelector);
    const matching = [...entries.values()]
      .filter((e) => e.resource === resource)
      .map((e) => e.object)
      .filter(
        (o) =>
          (listOptions.namespace === undefined || !def.namespaced || o.metadata.namespace === listOptions.namespace) &&
          labels(o) &&
          fields(o),
      )
      .sort((a, b) => compareKeys(sortKey(a), sortKey(b)));
    const start = listOptions.continue ? decodeContinue(listOptions.continue) : undefined;
    const rest = start === undefined ? matching : matching.filter((o) => compareKeys(sortKey(o), start) > 0);
    const limit = listOptions.limit !== undefined && listOptions.limit > 0 ? listOptions.limit : rest.length;
    const page = rest.slice(0, limit);
    const out: ObjectList = { resourceVersion: String(revision), items: page.map((o) => structuredClone(o)) };
    if (page.length < rest.length) {
      out.continue = encodeContinue(sortKey(page[page.length - 1]!), revision);
      out.remainingItemCount = rest.length - page.length;
    }
    return out;
  }

  function watch(listener: WatchListener, watchOptions: { resourceVersion?: string | undefined } = {}): () => void {
    const from = watchOptions.resourceVersion;
    const replay = from === undefined || from === "" || from === "0" ? [] : log.since(parseVersion(from));
    listeners.add(listener);
    deliver(replay.map((event) => ({ listener, event })));
    return () => void listeners.delete(listener);
  }

  const store: KubeStore = {
    resourceVersion: () => String(revision),
    get(resource, ref) {
      const def = RESOURCES[resource];
      const entry = entryOf(def, ref);
      if (entry === undefined) throw notFound(def, ref.name);
      return structuredClone(entry.object);
    },
    find(resource, ref) {
      const entry = entryOf(RESOURCES[resource], ref);
      return entry === undefined ? undefined : structuredClone(entry.object);
    },
    list,
    create,
    update: (resource, object, writeOptions) => update(resource, object, writeOptions),
    updateStatus: (resource, object, writeOptions) => update(resource, object, writeOptions, "status"),
    patch,
    delete: destroy,
    watch,
  };
  // The initial namespaces exist before any webhook is registered.
  for (const name of options.namespaces ?? ["default"]) create("namespaces", { metadata: { name } });
  bootstrapping = false;
  return store;
}

function parseVersion(text: string): number {
  if (!/^\d+$/.test(text)) throw badRequest(`invalid resource version: ${text}`);
  return Number(text);
}
