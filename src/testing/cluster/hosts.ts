/**
 * The URLs KServe reports for an InferenceService in each deployment mode, with the default domain templates
 * (ARCHITECTURE.md, wire facts: endpoints), and the host-name normalisation the gateway matches requests with.
 */

/** How the predictor runs: a Knative Service (serverless) or a plain Deployment (KServe's "raw" mode). */
export type MockDeploymentMode = "Knative" | "Standard";

/** The URLs of one InferenceService. */
export interface InferenceServiceUrls {
  /** `status.url`: the external URL. */
  url: string;
  /** `status.address.url`: the cluster-internal URL. */
  address: string;
  /** `status.components.predictor.url`. */
  predictorUrl: string;
  /** `status.components.predictor.address.url` (Knative only reports it). */
  predictorAddress: string;
}

/**
 * The URLs of InferenceService `name` in `namespace`. Knative: `{name}.{namespace}.{domain}` (the predictor's
 * Knative route `{name}-predictor.{namespace}.{domain}` with `-predictor` removed), address
 * `{name}.{namespace}.svc.cluster.local`. Standard: `{name}-{namespace}.{domain}`, address
 * `{name}-predictor.{namespace}.svc.cluster.local`.
 */
export function inferenceServiceUrls(
  mode: MockDeploymentMode,
  name: string,
  namespace: string,
  domain: string,
): InferenceServiceUrls {
  const predictor = `${name}-predictor`;
  const predictorAddress = `http://${predictor}.${namespace}.svc.cluster.local`;
  if (mode === "Knative") {
    return {
      url: `http://${name}.${namespace}.${domain}`,
      address: `http://${name}.${namespace}.svc.cluster.local`,
      predictorUrl: `http://${predictor}.${namespace}.${domain}`,
      predictorAddress,
    };
  }
  return {
    url: `http://${name}-${namespace}.${domain}`,
    address: predictorAddress,
    predictorUrl: `http://${predictor}-${namespace}.${domain}`,
    predictorAddress,
  };
}

/**
 * A Host header or `:authority` as a route key: lower case, without the port and a trailing dot. The gateway
 * matches `host(:port)?` as KServe's VirtualService does, so the port never matters.
 */
export function routeHost(authority: string): string {
  let host = authority.trim().toLowerCase();
  if (host.startsWith("[")) host = host.slice(0, host.indexOf("]") + 1);
  else host = host.replace(/:\d*$/, "");
  return host.replace(/\.$/, "");
}

/** The route key of a URL's host. */
export function hostOf(url: string): string {
  return routeHost(new URL(url).host);
}
