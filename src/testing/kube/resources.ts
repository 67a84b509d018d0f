/**
 * The resources the API subset serves and the facts about each that change how the server treats it:
 * scope, name rules, status subresource, generation tracking, what a delete answers with, which patch
 * types it takes. Each flag mirrors the corresponding registry strategy in Kubernetes (or, for the
 * InferenceService, in the apiextensions server that serves KServe's CRD).
 */
import type { GroupKind, GroupResource } from "./status.js";
import type { KubeResource } from "./types.js";

/** What the server knows about one resource. */
export interface ResourceDefinition extends GroupResource, GroupKind {
  readonly resource: KubeResource;
  readonly singular: string;
  readonly listKind: string;
  readonly version: string;
  /** `v1` for the core group, else `<group>/<version>`. */
  readonly apiVersion: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  /** Has a `/status` subresource: the main resource ignores `status`, `/status` changes nothing else. */
  readonly statusSubresource: boolean;
  /** Namespaces are DNS-1123 labels; most other names are DNS-1123 subdomains. */
  readonly nameRule: "dns1123-label" | "dns1123-subdomain";
  /** Sets `metadata.generation` (1 on create, +1 on each spec change). Custom resources do; these core kinds don't. */
  readonly tracksGeneration: boolean;
  /** A PUT without `metadata.resourceVersion` is allowed (core kinds) or refused with 422 (custom resources). */
  readonly unconditionalUpdate: boolean;
  /** A delete answers with the deleted object (serviceaccounts, namespaces) rather than a `Status` of success. */
  readonly deleteReturnsObject: boolean;
  /** Content types PATCH accepts, in the order the 415 error lists them. */
  readonly patchTypes: readonly string[];
}

/** The patch content types, as clients send them. */
export const PATCH_TYPES = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
} as const;

// Built-in types take strategic merge patches; custom resources have no patch strategy metadata, so the
// apiextensions server refuses them with 415 (client-node's KubernetesObjectApi.patch defaults to it).
const CORE_PATCH_TYPES = [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.strategic, PATCH_TYPES.apply];
const CUSTOM_PATCH_TYPES = [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.apply];

/** The served resources, by plural name. */
export const RESOURCES: Readonly<Record<KubeResource, ResourceDefinition>> = {
  namespaces: {
    resource: "namespaces",
    singular: "namespace",
    kind: "Namespace",
    listKind: "NamespaceList",
    group: "",
    version: "v1",
    apiVersion: "v1",
    namespaced: false,
    shortNames: ["ns"],
    statusSubresource: true,
    nameRule: "dns1123-label",
    tracksGeneration: false,
    unconditionalUpdate: true,
    deleteReturnsObject: true,
    patchTypes: CORE_PATCH_TYPES,
  },
  secrets: {
    resource: "secrets",
    singular: "secret",
    kind: "Secret",
    listKind: "SecretList",
    group: "",
    version: "v1",
    apiVersion: "v1",
    namespaced: true,
    shortNames: [],
    statusSubresource: false,
    nameRule: "dns1123-subdomain",
    tracksGeneration: false,
    unconditionalUpdate: true,
    deleteReturnsObject: false,
    patchTypes: CORE_PATCH_TYPES,
  },
  serviceaccounts: {
    resource: "serviceaccounts",
    singular: "serviceaccount",
    kind: "ServiceAccount",
    listKind: "ServiceAccountList",
    group: "",
    version: "v1",
    apiVersion: "v1",
    namespaced: true,
    shortNames: ["sa"],
    statusSubresource: false,
    nameRule: "dns1123-subdomain",
    tracksGeneration: false,
    unconditionalUpdate: true,
    deleteReturnsObject: true,
    patchTypes: CORE_PATCH_TYPES,
  },
  inferenceservices: {
    resource: "inferenceservices",
    singular: "inferenceservice",
    kind: "InferenceService",
    listKind: "InferenceServiceList",
    group: "serving.kserve.io",
    version: "v1beta1",
    apiVersion: "serving.kserve.io/v1beta1",
    namespaced: true,
    shortNames: ["isvc"],
    statusSubresource: true,
    nameRule: "dns1123-subdomain",
    tracksGeneration: true,
    unconditionalUpdate: false,
    deleteReturnsObject: false,
    patchTypes: CUSTOM_PATCH_TYPES,
  },
};

/** The definition of a resource served under `apiVersion` (`v1`, `serving.kserve.io/v1beta1`), if any. */
export function findResource(apiVersion: string, plural: string): ResourceDefinition | undefined {
  const def = (RESOURCES as Record<string, ResourceDefinition | undefined>)[plural];
  return def !== undefined && def.apiVersion === apiVersion ? def : undefined;
}

/** The served API versions (`v1`, `serving.kserve.io/v1beta1`) with their resources. */
export function servedApiVersions(): Map<string, ResourceDefinition[]> {
  const out = new Map<string, ResourceDefinition[]>();
  for (const def of Object.values(RESOURCES)) out.set(def.apiVersion, [...(out.get(def.apiVersion) ?? []), def]);
  return out;
}
