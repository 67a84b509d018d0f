/// <reference types="node" />
/**
 * A watch over HTTP, as the apiserver streams it: a chunked 200 of newline-delimited
 * `{"type","object"}` events, open until the client leaves, `timeoutSeconds` passes or the server closes.
 * A watch without a resourceVersion (or "0") starts with an ADDED event per existing object; one from a
 * resourceVersion replays what came after it, or sends a single ERROR event (410 Expired) when that
 * history is gone. With selectors, objects that start or stop matching appear as ADDED or DELETED.
 */
import type { ServerResponse } from "node:http";
import type { ResourceDefinition } from "./resources.js";
import { fieldSelectorFor, parseLabelSelector } from "./selectors.js";
import { badRequest, isKubeStatusError } from "./status.js";
import type { KubeStore } from "./store.js";
import type { StoredObject, WatchEvent } from "./types.js";

/** What to watch. */
export interface WatchRequest {
  def: ResourceDefinition;
  namespace: string | undefined;
  labelSelector: string | undefined;
  fieldSelector: string | undefined;
  resourceVersion: string | undefined;
  timeoutSeconds: number | undefined;
}

/**
 * Streams the watch into `res`; returns the function that ends it (the server calls it on close).
 * Throws, before anything is written, for a malformed selector or resourceVersion.
 */
export function streamWatch(store: KubeStore, request: WatchRequest, res: ServerResponse): () => void {
  const { def, namespace, resourceVersion } = request;
  const labels = parseLabelSelector(request.labelSelector);
  const fields = fieldSelectorFor(def, request.fieldSelector);
  if (resourceVersion !== undefined && resourceVersion !== "" && !/^\d+$/.test(resourceVersion)) {
    throw badRequest(`invalid resource version: ${resourceVersion}`);
  }
  const matches = (o: StoredObject) =>
    (namespace === undefined || o.metadata.namespace === namespace) && labels(o) && fields(o);

  res.writeHead(200, {
    "content-type": "application/json",
    "cache-control": "no-cache, private",
    "transfer-encoding": "chunked",
  });
  // Send the headers now, not with the first event: clients wait for them before they consider the
  // watch established (client-node's Watch.watch() resolves only then).
  res.flushHeaders();
  const send = (type: string, object: object) => void res.write(`${JSON.stringify({ type, object })}\n`);

  let unsubscribe = () => {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    unsubscribe();
    clearTimeout(timer);
    res.end();
  };
  res.on("close", end);
  if (request.timeoutSeconds !== undefined && request.timeoutSeconds > 0)
    timer = setTimeout(end, request.timeoutSeconds * 1000);

  const listener = (event: WatchEvent) => {
    if (event.resource !== def.resource) return;
    const type = visibleType(event, matches);
    if (type !== undefined) send(type, event.object);
  };
  const fromNow = resourceVersion === undefined || resourceVersion === "" || resourceVersion === "0";
  try {
    if (fromNow) {
      // List and subscribe in the same turn of the event loop: no change can fall between them.
      for (const item of store.list(def.resource, namespace === undefined ? {} : { namespace }).items)
        if (matches(item)) send("ADDED", item);
      unsubscribe = store.watch(listener);
    } else {
      unsubscribe = store.watch(listener, { resourceVersion });
    }
  } catch (error) {
    // Past admission and parsing, the apiserver reports watch failures (410 Expired) as an ERROR event.
    if (!isKubeStatusError(error)) throw error;
    send("ERROR", error.status);
    end();
  }
  return end;
}

/** How a store event looks through the watch's selectors (undefined: not at all). */
function visibleType(
  event: WatchEvent,
  matches: (o: StoredObject) => boolean,
): "ADDED" | "MODIFIED" | "DELETED" | undefined {
  const now = matches(event.object);
  if (event.type !== "MODIFIED") return now ? event.type : undefined;
  const before = event.previous !== undefined && matches(event.previous);
  if (now) return before ? "MODIFIED" : "ADDED";
  return before ? "DELETED" : undefined;
}
