/**
 * The cluster side of `kserve-client/deploy`: loading a kubeconfig with the official `@kubernetes/client-node`
 * (an optional peer, loaded on first use) and turning its failures into the SDK's errors.
 */
import type * as k8s from "@kubernetes/client-node";
import { ConfigError, ConnectionError, findCause, KServeError, type ErrorCode } from "../core/errors.js";

/** A `KubeConfig` from `@kubernetes/client-node`, already loaded. */
export interface KubeConfigInstance {
  makeApiClient: k8s.KubeConfig["makeApiClient"];
  getCurrentContext(): string;
  getContextObject(name: string): { namespace?: string | undefined } | null;
  getCurrentCluster(): { server: string } | null;
}

/**
 * Where the cluster is: a kubeconfig file (`{ path }`), kubeconfig text (`{ yaml }`), or a `KubeConfig` you loaded.
 * Left out, it is found the standard way: `$KUBECONFIG`, then `~/.kube/config`, then the in-cluster service account.
 */
export type KubeconfigSource = { path: string } | { yaml: string } | KubeConfigInstance;

type ClientNode = typeof import("@kubernetes/client-node");
let clientNode: Promise<ClientNode> | undefined;

/** @kubernetes/client-node, loaded once; a ConfigError that says what to install if it is missing. */
export function loadClientNode(): Promise<ClientNode> {
  return (clientNode ??= import("@kubernetes/client-node").catch((error: unknown) => {
    clientNode = undefined;
    throw new ConfigError(
      "kserve-client/deploy talks to Kubernetes through the optional peer dependency @kubernetes/client-node: npm install @kubernetes/client-node@1",
      { cause: error },
    );
  }));
}

/** A cluster connection: the loaded kubeconfig and the module's classes. */
export interface Cluster {
  k8s: ClientNode;
  config: KubeConfigInstance;
  /** The context's namespace, else "default" (what kubectl uses when none is given). */
  defaultNamespace: string;
  /** The API server's address, for messages. */
  server: string;
}

/** Load the kubeconfig as `source` says (or the standard way). */
export async function connectCluster(source: KubeconfigSource | undefined): Promise<Cluster> {
  const k8s = await loadClientNode();
  let config: KubeConfigInstance;
  if (source !== undefined && "makeApiClient" in source) config = source;
  else {
    const loaded = new k8s.KubeConfig();
    try {
      if (source === undefined) loaded.loadFromDefault();
      else if ("path" in source) loaded.loadFromFile(source.path);
      else loaded.loadFromString(source.yaml);
    } catch (error) {
      const where =
        source === undefined
          ? "the default kubeconfig ($KUBECONFIG or ~/.kube/config)"
          : "path" in source
            ? `the kubeconfig ${source.path}`
            : "the kubeconfig text";
      throw new ConfigError(`Could not load ${where}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    config = loaded;
  }
  const server = config.getCurrentCluster()?.server;
  if (server === undefined)
    throw new ConfigError("The kubeconfig has no current cluster: set current-context, or pass kubeconfig explicitly.");
  const defaultNamespace = config.getContextObject(config.getCurrentContext())?.namespace || "default";
  return { k8s, config, defaultNamespace, server };
}

const STATUS_CODES: Readonly<Record<number, ErrorCode>> = {
  400: "invalid_argument",
  401: "unauthenticated",
  403: "permission_denied",
  404: "not_found",
  409: "aborted",
  410: "aborted",
  415: "invalid_argument",
  422: "invalid_argument",
  429: "resource_exhausted",
  500: "internal",
  503: "unavailable",
  504: "deadline_exceeded",
};

/** The HTTP status of a failed API call, if the server answered (client-node's ApiException). */
export function apiStatus(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}

/**
 * A failed Kubernetes API call as a KServeError: the server's Status message kept (an admission webhook's denial
 * lists every cause there), or a ConnectionError when the API server could not be reached.
 */
export function kubeError(error: unknown, what: string, cluster: Cluster): KServeError {
  const status = apiStatus(error);
  if (status === undefined) {
    const detail = error instanceof Error ? error.message : String(error);
    if (isNetworkFailure(error)) {
      return new ConnectionError(
        `${what}: the Kubernetes API at ${cluster.server} could not be reached: ${detail}. Check the kubeconfig's server and that the cluster is up.`,
        { cause: error },
      );
    }
    // The client refused before sending (e.g. an http:// server without insecure-skip-tls-verify): the kubeconfig.
    return new ConfigError(
      `${what}: the Kubernetes client could not call ${cluster.server}: ${detail}. Check the kubeconfig.`,
      { cause: error },
    );
  }
  const body = statusBody(error);
  const message = body?.message ?? (error instanceof Error ? error.message : String(error));
  const hint =
    status === 401
      ? " Check the kubeconfig's credentials."
      : status === 403
        ? " Check your RBAC permissions in this namespace."
        : "";
  return new KServeError(
    STATUS_CODES[status] ?? "unknown",
    `${what}: ${message} (HTTP ${status}${body?.reason ? ` ${body.reason}` : ""}).${hint}`,
    { status, cause: error },
  );
}

/** A failure to reach the server (refused, reset, DNS, timeout, TLS), found anywhere in the cause chain. */
function isNetworkFailure(error: unknown): boolean {
  const found = findCause(
    error,
    // node-fetch's FetchError for a socket failure has type "system".
    ({ code, type }) =>
      type === "system" ||
      (typeof code === "string" && (/^E[A-Z]+$/.test(code) || code.startsWith("ERR_TLS") || code.includes("CERT"))),
  );
  return found !== undefined;
}

/** The Kubernetes Status object of a failed call (client-node hands the body over as text). */
function statusBody(error: unknown): { message?: string; reason?: string } | undefined {
  const body = (error as { body?: unknown } | null)?.body;
  if (typeof body === "object" && body !== null) return body as { message?: string; reason?: string };
  if (typeof body !== "string") return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === "object" && parsed !== null
      ? (parsed as { message?: string; reason?: string })
      : undefined;
  } catch {
    return body === "" ? undefined : { message: body };
  }
}
