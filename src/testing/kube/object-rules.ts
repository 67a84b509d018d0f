/**
 * What the apiserver does to every object, whatever its kind: decoding it against the endpoint's type,
 * carrying server-owned metadata over on updates, dropping empty fields (Go's `omitempty`), refusing new
 * finalizers on an object being deleted, and telling spec changes (a new generation) from the rest.
 */
import { isJsonObject, jsonCopy } from "./json.js";
import type { ResourceDefinition } from "./resources.js";
import { badRequest, type FieldError, fieldForbidden } from "./status.js";
import type { StoredObject } from "./types.js";

/** An incoming object as the decoder makes it: a JSON copy with apiVersion, kind and metadata in place. */
export function incoming(def: ResourceDefinition, input: unknown): StoredObject {
  if (!isJsonObject(input)) throw badRequest(`the object provided is unrecognized (must be of type ${def.kind})`);
  const object = jsonCopy(input) as Record<string, unknown>;
  if (object["apiVersion"] !== undefined && object["apiVersion"] !== def.apiVersion) {
    throw badRequest(
      `the API version in the data (${String(object["apiVersion"])}) does not match the expected API version (${def.apiVersion})`,
    );
  }
  if (object["kind"] !== undefined && object["kind"] !== def.kind) {
    throw badRequest(`the kind in the data (${String(object["kind"])}) does not match the expected kind (${def.kind})`);
  }
  const metadata = object["metadata"] ?? {};
  if (!isJsonObject(metadata))
    throw badRequest(
      `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: metadata must be an object`,
    );
  return { ...object, apiVersion: def.apiVersion, kind: def.kind, metadata } as StoredObject;
}

/** The namespace of a namespaced object; in-process callers must name it (the HTTP path always does). */
export function requireNamespace(namespace: string | undefined): string {
  if (!namespace) throw badRequest("the namespace of the object is required (metadata.namespace)");
  return namespace;
}

/** Metadata an update cannot change: it is carried over from the stored object. */
export function serverOwnedMetadata(old: StoredObject): Partial<StoredObject["metadata"]> {
  const { name, namespace, uid, creationTimestamp, deletionTimestamp, deletionGracePeriodSeconds, generation } =
    old.metadata;
  return { name, namespace, uid, creationTimestamp, deletionTimestamp, deletionGracePeriodSeconds, generation };
}

/** Go's `omitempty`: empty maps and lists in metadata are not stored (and do not count as a change). */
export function tidyMetadata(object: StoredObject): void {
  const meta = object.metadata as Record<string, unknown>;
  for (const field of ["labels", "annotations", "finalizers", "ownerReferences", "managedFields"]) {
    const value = meta[field];
    if (
      value === undefined ||
      value === null ||
      (Array.isArray(value) ? value.length === 0 : isJsonObject(value) && Object.keys(value).length === 0)
    )
      delete meta[field];
  }
  for (const field of Object.keys(meta)) if (meta[field] === undefined) delete meta[field];
}

/** The apiserver refuses new finalizers on an object that is being deleted. */
export function finalizerErrors(old: StoredObject, next: StoredObject): FieldError[] {
  if (old.metadata.deletionTimestamp === undefined) return [];
  const added = (next.metadata.finalizers ?? []).filter((f) => !(old.metadata.finalizers ?? []).includes(f));
  if (added.length === 0) return [];
  const shown = `[]string{${added.map((f) => JSON.stringify(f)).join(", ")}}`;
  return [
    fieldForbidden(
      "metadata.finalizers",
      `no new finalizers can be added if the object is being deleted, found new finalizers ${shown}`,
    ),
  ];
}

/** Everything but metadata and status: a change here is a new generation. */
export function specOf(object: StoredObject): Record<string, unknown> {
  const { metadata: _metadata, status: _status, ...rest } = object;
  return rest;
}

/** The store key of an object of `def`. */
export function keyOf(def: ResourceDefinition, ref: { namespace?: string | undefined; name: string }): string {
  return `${def.resource}/${def.namespaced ? (ref.namespace ?? "") : ""}/${ref.name}`;
}

/** Kubernetes timestamps: RFC 3339 in UTC, whole seconds. */
export function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, "Z");
}
