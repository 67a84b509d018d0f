/**
 * A Kubernetes API subset for tests and demos: namespaces, Secrets, ServiceAccounts and KServe
 * InferenceServices in an in-memory store ({@link createKubeStore}), served over loopback HTTP
 * ({@link startKubeApi}) so that `@kubernetes/client-node` talks to it as to a cluster. Node only (it is a server).
 * @module
 */
export { createKubeStore } from "./store.js";
export type {
  DeleteOptions,
  DeleteResult,
  KubePatch,
  KubeStore,
  KubeStoreOptions,
  ListOptions,
  PatchOptions,
  WatchListener,
  WriteOptions,
} from "./store.js";
export { createKubeApiHandler, startKubeApi } from "./api-server.js";
export type { KubeApi, KubeApiHandler, KubeApiHandlerOptions, KubeApiOptions } from "./api-server.js";
export { KSERVE_VALIDATOR_WEBHOOK } from "./admission.js";
export type { AdmissionCause, AdmissionHook, AdmissionRequest, DenialStyle } from "./admission.js";
export { isKubeStatusError, KubeStatusError } from "./status.js";
export { RESOURCES } from "./resources.js";
export type { ResourceDefinition } from "./resources.js";
export type {
  KubeObject,
  KubeResource,
  KubeStatus,
  ObjectList,
  ObjectMeta,
  ObjectRef,
  StatusCause,
  StatusDetails,
  StatusReason,
  StoredMeta,
  StoredObject,
  WatchEvent,
  WatchEventType,
} from "./types.js";
