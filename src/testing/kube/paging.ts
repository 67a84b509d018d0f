/** List order (namespace, then name) and the `continue` token that resumes a list after an object. */
import { badRequest } from "./status.js";
import type { StoredObject } from "./types.js";

/** Where an object sorts in a list. */
export type SortKey = [namespace: string, name: string];

/** An object's place in list order. */
export function sortKey(object: StoredObject): SortKey {
  return [object.metadata.namespace ?? "", object.metadata.name];
}

/** List order: by namespace, then name. */
export function compareKeys(a: SortKey, b: SortKey): number {
  return a[0] === b[0] ? (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) : a[0] < b[0] ? -1 : 1;
}

/** The token that resumes a list after `after` (opaque to clients, as the apiserver's is). */
export function encodeContinue(after: SortKey, revision: number): string {
  return btoa(JSON.stringify({ rv: revision, start: after }));
}

/** The key a `continue` token resumes after; 400 for a token this server did not make. */
export function decodeContinue(token: string): SortKey {
  try {
    const decoded = JSON.parse(atob(token)) as { start?: unknown };
    if (Array.isArray(decoded.start) && decoded.start.length === 2 && decoded.start.every((s) => typeof s === "string"))
      return decoded.start as SortKey;
  } catch {
    // fall through to the error below
  }
  throw badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
}
