/**
 * A kubeconfig for the mock cluster's Kubernetes API, as text: what `KUBECONFIG` files hold, so that
 * `KubeConfig.loadFromString` (or kubectl, written to a file) reaches the mock as it would a cluster.
 */
import { stringify } from "yaml";

/** Options of {@link mockKubeconfig}. */
export interface MockKubeconfigOptions {
  /** The API server, `http://127.0.0.1:<port>`. */
  server: string;
  /** The bearer token the API requires, if any. */
  token?: string | undefined;
  /** The context's namespace. Default `default`. */
  namespace?: string | undefined;
  /** Name of the cluster, user and context. Default `mock-kserve`. */
  name?: string | undefined;
}

/** The kubeconfig YAML: one cluster, one user (with the token), one context, selected. */
export function mockKubeconfig(options: MockKubeconfigOptions): string {
  const name = options.name ?? "mock-kserve";
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    // @kubernetes/client-node refuses plain http:// unless TLS verification is off (there is no TLS to verify).
    clusters: [{ name, cluster: { server: options.server, "insecure-skip-tls-verify": true } }],
    users: [{ name, user: options.token === undefined ? {} : { token: options.token } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: options.namespace ?? "default" } }],
    "current-context": name,
    preferences: {},
  });
}
