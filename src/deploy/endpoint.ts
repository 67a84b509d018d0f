/**
 * From an InferenceService's `status.url` to what a client needs: where to connect and which host name to present
 * (ARCHITECTURE.md, wire facts: endpoints). The host is read from `status.url`, never built from name and namespace: the domain and the
 * template are cluster settings the client cannot know.
 */
import { ConfigError, ValidationError } from "../core/errors.js";
import type { InferenceServiceLike } from "./types.js";

/** Options of {@link resolveEndpoint}. */
export interface EndpointOptions {
  /**
   * The ingress gateway's address, such as `"http://127.0.0.1:8080"` (a port-forward to istio-ingressgateway) or
   * `"https://gateway.example.com"`: requests go there and carry the InferenceService's host name. Leave it out
   * when `status.url`'s host resolves to the gateway by DNS.
   */
  ingress?: string | undefined;
}

/** Where to send requests for an InferenceService. `baseUrl` and `host` go straight into `createV2Client`. */
export interface ResolvedEndpoint {
  /** Where requests go, without a trailing slash: the gateway plus the path prefix, or `status.url` itself. */
  baseUrl: string;
  /** The Host header (and gRPC `:authority`): `status.url`'s host with its port, if any. Only with `ingress`. */
  host?: string;
  /** The path of `status.url` under path-based routing (`/serving/kserve-test/sklearn-iris`); absent otherwise. */
  pathPrefix?: string;
  /** `status.url` as KServe reported it. */
  url: string;
}

/**
 * The endpoint of an InferenceService, from its `status.url` (or that URL given directly).
 *
 * - Without `ingress`: `baseUrl` is `status.url` (DNS must lead its host to the gateway), no `host`.
 * - With `ingress`: `baseUrl` is the gateway's origin plus `status.url`'s path (path-based routing, ARCHITECTURE.md
 *   §5.4), and `host` is `status.url`'s host, for the Host header.
 *
 * @throws {ValidationError} when `status.url` is missing (the InferenceService is not ready yet) or is not an
 *   http(s) URL that paths can be appended to.
 * @throws {ConfigError} when `ingress` is not an http(s) origin.
 * @example
 * ```ts
 * const { baseUrl, host } = resolveEndpoint(isvc, { ingress: "http://127.0.0.1:8080" });
 * // baseUrl "http://127.0.0.1:8080", host "sklearn-iris.kserve-test.example.com"
 * const client = createV2Client({ baseUrl, host });
 * ```
 */
export function resolveEndpoint(
  target: InferenceServiceLike | string,
  options: EndpointOptions = {},
): ResolvedEndpoint {
  const statusUrl = typeof target === "string" ? target : statusUrlOf(target);
  const url = parseStatusUrl(statusUrl);
  const pathPrefix = url.pathname.replace(/\/+$/, "");
  const prefix = pathPrefix === "" ? {} : { pathPrefix };
  if (options.ingress === undefined) return { baseUrl: `${url.origin}${pathPrefix}`, ...prefix, url: statusUrl };
  const gateway = parseIngress(options.ingress);
  return { baseUrl: `${gateway.origin}${pathPrefix}`, host: url.host, ...prefix, url: statusUrl };
}

function statusUrlOf(isvc: InferenceServiceLike): string {
  const url = isvc.status?.url;
  if (typeof url === "string" && url !== "") return url;
  const name = isvc.metadata?.name === undefined ? "The InferenceService" : `InferenceService "${isvc.metadata.name}"`;
  const received = url === undefined ? "nothing" : JSON.stringify(url);
  throw new ValidationError(
    `${name} has no status.url yet (expected the URL KServe reports, got ${received}): wait for its Ready condition (KServe sets status.url once the ingress is configured), then resolve the endpoint.`,
    { path: "status.url", expected: "the URL KServe reports", received },
  );
}

function parseStatusUrl(text: string): URL {
  const problem = (what: string, cause?: unknown) =>
    new ValidationError(
      `status.url ${JSON.stringify(text)} ${what}: expected an http(s) URL, got ${JSON.stringify(text)}.`,
      { path: "status.url", expected: "an http(s) URL", received: JSON.stringify(text) },
      cause === undefined ? {} : { cause },
    );
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw problem("is not a URL", error);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw problem("is not an http(s) URL");
  if (url.search !== "" || url.hash !== "")
    throw problem("has a query or fragment, so endpoint paths cannot be appended to it");
  return url;
}

function parseIngress(text: string): URL {
  const example = 'the gateway\'s address, such as "http://127.0.0.1:8080"';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`ingress must be ${example}, got ${JSON.stringify(text)}.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new ConfigError(`ingress must be an http(s) URL: ${example}, got ${JSON.stringify(text)}.`);
  if (url.username !== "" || url.password !== "")
    throw new ConfigError("ingress must not carry credentials (user:password@); give them to the client as auth.");
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "") {
    throw new ConfigError(
      `ingress is the gateway's origin only (the path comes from status.url): ${example}, got ${JSON.stringify(text)}.`,
    );
  }
  return url;
}

/** What {@link describeHost} recognised. */
export type HostDescription =
  /** `{name}.{namespace}.{domain}`: Knative's default domain template. */
  | { pattern: "knative"; domain: string }
  /** `{name}-{namespace}.{domain}`: KServe Standard mode's default domain template. */
  | { pattern: "standard"; domain: string }
  /** Neither default: a custom domain template, or path-based routing (the host is then the ingress domain). */
  | { pattern: "other" };

/**
 * Which default domain template produced `host` (`status.url`'s host, a port is ignored) for the InferenceService
 * `name` in `namespace`, and the domain it used. Informational, for messages and diagnostics: call through the
 * host from `status.url`, never one built from these parts.
 *
 * @example
 * ```ts
 * describeHost("sklearn-iris-kserve-test.example.com", { name: "sklearn-iris", namespace: "kserve-test" });
 * // { pattern: "standard", domain: "example.com" }
 * ```
 */
export function describeHost(host: string, names: { name: string; namespace: string }): HostDescription {
  const hostname = host.toLowerCase().replace(/:\d+$/, "");
  const { name, namespace } = { name: names.name.toLowerCase(), namespace: names.namespace.toLowerCase() };
  for (const [pattern, start] of [
    ["knative", `${name}.${namespace}.`],
    ["standard", `${name}-${namespace}.`],
  ] as const) {
    const domain = hostname.startsWith(start) ? hostname.slice(start.length) : "";
    if (domain !== "") return { pattern, domain };
  }
  return { pattern: "other" };
}
