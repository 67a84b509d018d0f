/**
 * Resource URLs, parsed: which resource, namespace, object and subresource a path names, the way the
 * apiserver lays them out (`/api/v1/...` for the core group, `/apis/<group>/<version>/...` for others).
 */
import { findResource, type ResourceDefinition } from "./resources.js";

/** What a resource path names. */
export type ResourceRoute =
  /** A collection: one namespace's, or (namespace undefined, namespaced resource) all namespaces'. */
  | { kind: "collection"; def: ResourceDefinition; namespace: string | undefined }
  | {
      kind: "object";
      def: ResourceDefinition;
      namespace: string | undefined;
      name: string;
      subresource: "status" | undefined;
    };

/** Parses a resource path; undefined when the server serves nothing there. */
export function parseResourceRoute(pathname: string): ResourceRoute | undefined {
  let segments: string[];
  try {
    segments = pathname
      .split("/")
      .filter((s) => s !== "")
      .map(decodeURIComponent);
  } catch {
    return undefined;
  }
  let apiVersion: string;
  let rest: string[];
  if (segments[0] === "api" && segments[1] === "v1") [apiVersion, rest] = ["v1", segments.slice(2)];
  else if (segments[0] === "apis" && segments.length >= 3)
    [apiVersion, rest] = [`${segments[1]}/${segments[2]}`, segments.slice(3)];
  else return undefined;

  // namespaces/<ns>/<plural>[/<name>[/<subresource>]] — unless <plural> is not a namespaced resource, in which
  // case the path is about the Namespace object itself (namespaces/<name>/status).
  const inNamespace = rest[0] === "namespaces" && rest.length >= 3 ? findResource(apiVersion, rest[2]!) : undefined;
  if (inNamespace?.namespaced) return route(inNamespace, rest[1], rest.slice(3));
  const def = rest[0] === undefined ? undefined : findResource(apiVersion, rest[0]);
  if (def === undefined) return undefined;
  // A namespaced resource outside a namespace is only a collection (list and watch across namespaces).
  if (def.namespaced) return rest.length === 1 ? { kind: "collection", def, namespace: undefined } : undefined;
  return route(def, undefined, rest.slice(1));
}

function route(def: ResourceDefinition, namespace: string | undefined, tail: string[]): ResourceRoute | undefined {
  const [name, subresource, ...extra] = tail;
  if (extra.length > 0) return undefined;
  if (name === undefined) return { kind: "collection", def, namespace };
  if (subresource === undefined) return { kind: "object", def, namespace, name, subresource: undefined };
  return subresource === "status" && def.statusSubresource
    ? { kind: "object", def, namespace, name, subresource }
    : undefined;
}
