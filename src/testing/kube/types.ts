/**
 * The shapes the Kubernetes API subset speaks: objects, their metadata, lists, watch events and the
 * `Status` object every error (and some deletes) is answered with. Plain JSON types: the store and the
 * HTTP server share them, and so can code that reads the store in process (the reconciler).
 */

/** The resources the API subset serves, by their plural (URL) name. */
export type KubeResource = "namespaces" | "secrets" | "serviceaccounts" | "inferenceservices";

/** `metadata` of an object as a client may send it. Unknown fields are kept as sent. */
export interface ObjectMeta {
  name?: string | undefined;
  generateName?: string | undefined;
  namespace?: string | undefined;
  uid?: string | undefined;
  resourceVersion?: string | undefined;
  generation?: number | undefined;
  creationTimestamp?: string | undefined;
  deletionTimestamp?: string | undefined;
  deletionGracePeriodSeconds?: number | undefined;
  labels?: Record<string, string> | undefined;
  annotations?: Record<string, string> | undefined;
  finalizers?: string[] | undefined;
  ownerReferences?: unknown[] | undefined;
  [field: string]: unknown;
}

/** Any Kubernetes object as a client sends it: `apiVersion` and `kind` may be left to the endpoint. */
export interface KubeObject {
  apiVersion?: string | undefined;
  kind?: string | undefined;
  metadata?: ObjectMeta | undefined;
  [field: string]: unknown;
}

/** `metadata` of a stored object: the fields the server sets are always there. */
export interface StoredMeta extends ObjectMeta {
  name: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
}

/** An object as the store holds and returns it. */
export interface StoredObject extends KubeObject {
  apiVersion: string;
  kind: string;
  metadata: StoredMeta;
}

/** Names an object: `namespace` is left out for cluster-scoped resources (namespaces). */
export interface ObjectRef {
  namespace?: string | undefined;
  name: string;
}

/** One page of a list. */
export interface ObjectList {
  /** The store's resourceVersion when the list was taken: watch from here to miss nothing. */
  resourceVersion: string;
  items: StoredObject[];
  /** Set when `limit` cut the list short: pass it back as `continue` for the next page. */
  continue?: string | undefined;
  remainingItemCount?: number | undefined;
}

/** What happened to an object. */
export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

/** A change in the store, in resourceVersion order. */
export interface WatchEvent {
  type: WatchEventType;
  resource: KubeResource;
  /** The object after the change; for DELETED its last state, with the deletion's resourceVersion. */
  object: StoredObject;
  /** The object before a MODIFIED change (a filtered watch uses it to see objects leave its selector). */
  previous?: StoredObject | undefined;
}

/** `Status.reason` values this API answers with. */
export type StatusReason =
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Invalid"
  | "BadRequest"
  | "MethodNotAllowed"
  | "UnsupportedMediaType"
  | "Unauthorized"
  | "Forbidden"
  | "Expired"
  | "RequestEntityTooLarge"
  | "Unknown";

/** One reason behind a failure, usually a field that is wrong (`metav1.StatusCause`). */
export interface StatusCause {
  reason?: string | undefined;
  message?: string | undefined;
  field?: string | undefined;
}

/** `metav1.StatusDetails`: which object the status is about. `kind` is the resource (plural) in most errors. */
export interface StatusDetails {
  name?: string | undefined;
  group?: string | undefined;
  kind?: string | undefined;
  uid?: string | undefined;
  causes?: StatusCause[] | undefined;
}

/** The `Status` object (core/v1 `metav1.Status`). */
export interface KubeStatus {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Success" | "Failure";
  message?: string | undefined;
  reason?: StatusReason | undefined;
  details?: StatusDetails | undefined;
  code?: number | undefined;
}
