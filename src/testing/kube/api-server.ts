/// <reference types="node" />
/**
 * The Kubernetes API subset over HTTP: a Node request handler over a {@link KubeStore}, and
 * `startKubeApi`, which serves it on loopback. Enough of the apiserver's REST surface (discovery, CRUD,
 * patch and apply, watch, Status errors, bearer tokens) for `@kubernetes/client-node` and kubectl-style
 * callers to work against it unchanged.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { discoveryDocument } from "./discovery.js";
import { dryRunOf, integerParam, parseObjectBody, parsePatch, readBody } from "./http-input.js";
import { isJsonObject } from "./json.js";
import { parseResourceRoute, type ResourceRoute } from "./routes.js";
import {
  badRequest,
  deleted,
  internal,
  isKubeStatusError,
  methodNotAllowed,
  routeNotFound,
  unauthorized,
} from "./status.js";
import { createKubeStore, type KubeStore } from "./store.js";
import type { KubeObject, ObjectList, ObjectMeta, StoredObject } from "./types.js";
import { streamWatch } from "./watch-stream.js";

/** Options of {@link createKubeApiHandler}. */
export interface KubeApiHandlerOptions {
  /** When set, every request must carry `Authorization: Bearer <token>`; others get 401. */
  token?: string | undefined;
}

/** A Node request handler serving the API; `closeWatches()` ends the watches it is streaming. */
export interface KubeApiHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  closeWatches(): void;
}

/**
 * The request handler, for mounting the API on a server of one's own (paths `/api`, `/apis`, `/version`,
 * `/healthz`, `/livez`, `/readyz`).
 */
export function createKubeApiHandler(store: KubeStore, options: KubeApiHandlerOptions = {}): KubeApiHandler {
  const watches = new Set<() => void>();
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    serve(store, options, watches, req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, internal(String(error)).status);
    });
  };
  return Object.assign(handler, {
    closeWatches: () => {
      for (const end of [...watches]) end();
    },
  });
}

/** Options of {@link startKubeApi}. */
export interface KubeApiOptions extends KubeApiHandlerOptions {
  /** Port on 127.0.0.1; default: any free one. */
  port?: number | undefined;
  /** The store to serve; default: a new `createKubeStore()`. */
  store?: KubeStore | undefined;
}

/** A running API server. */
export interface KubeApi {
  /** `http://127.0.0.1:<port>`: a kubeconfig cluster's `server`. */
  url: string;
  store: KubeStore;
  /** Ends open watches and connections, then stops listening. */
  close(): Promise<void>;
}

/** Serves the Kubernetes API subset on loopback (plain HTTP). */
export async function startKubeApi(options: KubeApiOptions = {}): Promise<KubeApi> {
  const store = options.store ?? createKubeStore();
  const handler = createKubeApiHandler(store, options);
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    close: async () => {
      handler.closeWatches();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

const HEALTH_PATHS = new Set(["/healthz", "/livez", "/readyz"]);

async function serve(
  store: KubeStore,
  options: KubeApiHandlerOptions,
  watches: Set<() => void>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://kubernetes");
  const method = req.method ?? "GET";
  try {
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) throw unauthorized();
    if (HEALTH_PATHS.has(url.pathname)) {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end("ok");
      return;
    }
    const discovery = discoveryDocument(url.pathname, req.headers.host ?? "127.0.0.1");
    if (discovery !== undefined) {
      if (method !== "GET") throw methodNotAllowed();
      return sendJson(res, 200, discovery);
    }
    const route = parseResourceRoute(url.pathname);
    if (route === undefined) throw routeNotFound();
    const body = method === "GET" ? Buffer.alloc(0) : await readBody(req);
    const answer =
      route.kind === "collection"
        ? collection(store, route, method, url.searchParams, req, body, res, watches)
        : object(store, route, method, url.searchParams, req, body, res, watches);
    if (answer !== undefined) sendJson(res, answer.code, answer.body);
  } catch (error) {
    if (!isKubeStatusError(error)) throw error;
    sendJson(res, error.code, error.status);
  }
}

type Answer = { code: number; body: object } | undefined;

function collection(
  store: KubeStore,
  route: Extract<ResourceRoute, { kind: "collection" }>,
  method: string,
  query: URLSearchParams,
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
  watches: Set<() => void>,
): Answer {
  const { def, namespace } = route;
  if (method === "GET") {
    if (isWatch(query)) return watch(store, route, undefined, query, res, watches);
    const list = store.list(def.resource, {
      namespace,
      labelSelector: query.get("labelSelector") ?? undefined,
      fieldSelector: query.get("fieldSelector") ?? undefined,
      limit: integerParam(query, "limit"),
      continue: query.get("continue") ?? undefined,
    });
    return { code: 200, body: listBody(route, list) };
  }
  // Creating needs a namespace in the path for namespaced resources: the all-namespaces path only lists.
  if (method === "POST" && (namespace !== undefined || !def.namespaced)) {
    const input = withPathNamespace(parseObjectBody(req, body), namespace);
    return { code: 201, body: store.create(def.resource, input, { dryRun: dryRunOf(query, "CreateOptions") }) };
  }
  throw methodNotAllowed();
}

function object(
  store: KubeStore,
  route: Extract<ResourceRoute, { kind: "object" }>,
  method: string,
  query: URLSearchParams,
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
  watches: Set<() => void>,
): Answer {
  const { def, namespace, name, subresource } = route;
  const ref = { namespace, name };
  switch (method) {
    case "GET":
      // The legacy single-object watch: a watch of the collection narrowed to this name.
      if (isWatch(query) && subresource === undefined)
        return watch(store, { kind: "collection", def, namespace }, name, query, res, watches);
      return { code: 200, body: store.get(def.resource, ref) };
    case "PUT": {
      const input = withPathNamespace(parseObjectBody(req, body), namespace);
      const bodyName = input.metadata?.name ?? "";
      if (bodyName !== name)
        throw badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${name})`);
      const writeOptions = { dryRun: dryRunOf(query, "UpdateOptions") };
      return {
        code: 200,
        body:
          subresource === "status"
            ? store.updateStatus(def.resource, input, writeOptions)
            : store.update(def.resource, input, writeOptions),
      };
    }
    case "PATCH": {
      const patch = parsePatch(req, body, def, query);
      const result = store.patch(def.resource, ref, patch, { dryRun: dryRunOf(query, "PatchOptions"), subresource });
      return { code: result.created ? 201 : 200, body: result.object };
    }
    case "DELETE": {
      if (subresource !== undefined) throw methodNotAllowed();
      const deleteOptions = deleteOptionsOf(body);
      const dryRun = dryRunOf(query, "DeleteOptions") || deleteOptions.dryRun;
      const result = store.delete(def.resource, ref, { dryRun, preconditions: deleteOptions.preconditions });
      // Most resources answer a completed delete with a Status; some (and any delete still waiting on
      // finalizers) with the object.
      if (result.finalized && !def.deleteReturnsObject)
        return { code: 200, body: deleted(def, name, result.object.metadata.uid) };
      return { code: 200, body: result.object };
    }
    default:
      throw methodNotAllowed();
  }
}

function watch(
  store: KubeStore,
  route: Extract<ResourceRoute, { kind: "collection" }>,
  name: string | undefined,
  query: URLSearchParams,
  res: ServerResponse,
  watches: Set<() => void>,
): Answer {
  const selected = query.get("fieldSelector");
  const byName = name === undefined ? undefined : `metadata.name=${name}`;
  const end = streamWatch(
    store,
    {
      def: route.def,
      namespace: route.namespace,
      labelSelector: query.get("labelSelector") ?? undefined,
      fieldSelector: [selected, byName].filter((s) => s !== null && s !== undefined && s !== "").join(",") || undefined,
      resourceVersion: query.get("resourceVersion") ?? undefined,
      timeoutSeconds: integerParam(query, "timeoutSeconds"),
    },
    res,
  );
  watches.add(end);
  res.on("close", () => watches.delete(end));
  return undefined;
}

function isWatch(query: URLSearchParams): boolean {
  const value = query.get("watch");
  return value === "true" || value === "1";
}

/** The body's namespace must be the path's (or absent, and then the path's is used). */
function withPathNamespace(input: unknown, namespace: string | undefined): KubeObject {
  if (!isJsonObject(input)) throw badRequest("the object provided is unrecognized (must be a JSON or YAML object)");
  const object = input as KubeObject;
  if (namespace === undefined) return object;
  const metadata: ObjectMeta = isJsonObject(object.metadata) ? object.metadata : {};
  if (metadata.namespace !== undefined && metadata.namespace !== "" && metadata.namespace !== namespace) {
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  return { ...object, metadata: { ...metadata, namespace } };
}

/** `DeleteOptions` from a DELETE body (client-node sends one with every delete, often empty). */
function deleteOptionsOf(body: Buffer): {
  dryRun: boolean;
  preconditions: { uid?: string; resourceVersion?: string } | undefined;
} {
  if (body.byteLength === 0) return { dryRun: false, preconditions: undefined };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw badRequest("the body of the request could not be decoded as DeleteOptions");
  }
  if (!isJsonObject(parsed)) return { dryRun: false, preconditions: undefined };
  const dryRun = Array.isArray(parsed["dryRun"]) && parsed["dryRun"].includes("All");
  const raw = parsed["preconditions"];
  if (!isJsonObject(raw)) return { dryRun, preconditions: undefined };
  const preconditions: { uid?: string; resourceVersion?: string } = {};
  if (typeof raw["uid"] === "string") preconditions.uid = raw["uid"];
  if (typeof raw["resourceVersion"] === "string") preconditions.resourceVersion = raw["resourceVersion"];
  return { dryRun, preconditions };
}

/**
 * A List object. Lists of built-in kinds are typed lists whose items carry no apiVersion/kind (the
 * apiserver leaves them out); custom resource lists are unstructured and keep them.
 */
function listBody(route: ResourceRoute, list: ObjectList): object {
  const { def } = route;
  const metadata: Record<string, unknown> = { resourceVersion: list.resourceVersion };
  if (list.continue !== undefined) metadata["continue"] = list.continue;
  if (list.remainingItemCount !== undefined) metadata["remainingItemCount"] = list.remainingItemCount;
  const items =
    def.group === ""
      ? list.items.map(({ apiVersion: _a, kind: _k, ...rest }): Partial<StoredObject> => rest)
      : list.items;
  return { kind: def.listKind, apiVersion: def.apiVersion, metadata, items };
}

function sendJson(res: ServerResponse, code: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
