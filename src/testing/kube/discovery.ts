/**
 * The discovery documents clients read before they call: `/version`, `/api`, `/apis`, and each served
 * group version's resource list (client-node's KubernetesObjectApi looks kinds up there to build URLs).
 */
import { type ResourceDefinition, servedApiVersions } from "./resources.js";

/** The Kubernetes version the mock claims to be. */
export const KUBERNETES_VERSION = { major: "1", minor: "31", gitVersion: "v1.31.0" } as const;

// Verbs of each resource and its status subresource, as the apiserver lists them. deletecollection is
// not served, so not advertised.
const VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"];
const STATUS_VERBS = ["get", "patch", "update"];

/** The discovery document at `pathname`, or undefined when the path is not a discovery path. */
export function discoveryDocument(pathname: string, serverAddress: string): object | undefined {
  const path = pathname.replace(/\/+$/, "") || "/";
  const versions = servedApiVersions();
  if (path === "/version") {
    return {
      ...KUBERNETES_VERSION,
      gitCommit: "0000000000000000000000000000000000000000",
      gitTreeState: "clean",
      buildDate: "2024-08-13T07:28:49Z",
      goVersion: "go1.22.5",
      compiler: "gc",
      platform: "linux/amd64",
    };
  }
  if (path === "/api") {
    return {
      kind: "APIVersions",
      versions: ["v1"],
      serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
    };
  }
  if (path === "/apis") {
    const groups = [...versions.keys()].filter((v) => v.includes("/")).map((v) => group(v));
    return { kind: "APIGroupList", apiVersion: "v1", groups };
  }
  for (const [apiVersion, defs] of versions) {
    if (path === (apiVersion === "v1" ? "/api/v1" : `/apis/${apiVersion}`)) return resourceList(apiVersion, defs);
    if (apiVersion.includes("/") && path === `/apis/${apiVersion.split("/")[0]}`)
      return { kind: "APIGroup", apiVersion: "v1", ...group(apiVersion) };
  }
  return undefined;
}

function group(apiVersion: string) {
  const [name, version] = apiVersion.split("/") as [string, string];
  const groupVersion = { groupVersion: apiVersion, version };
  return { name, versions: [groupVersion], preferredVersion: groupVersion };
}

function resourceList(groupVersion: string, defs: readonly ResourceDefinition[]) {
  const resources = defs.flatMap((def) => {
    const main = {
      name: def.resource,
      singularName: def.singular,
      namespaced: def.namespaced,
      kind: def.kind,
      verbs: VERBS,
      ...(def.shortNames.length > 0 ? { shortNames: def.shortNames } : {}),
    };
    const status = {
      name: `${def.resource}/status`,
      singularName: "",
      namespaced: def.namespaced,
      kind: def.kind,
      verbs: STATUS_VERBS,
    };
    return def.statusSubresource ? [main, status] : [main];
  });
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion, resources };
}
