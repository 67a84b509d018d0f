/**
 * Which model server answers for which host: the gateway's routing table. The reconciler publishes an
 * InferenceService's model server under its hosts once a revision is ready, and keeps it while a later
 * generation rolls out or fails (Knative and Deployments keep serving the old revision); it withdraws it when the
 * InferenceService is deleted.
 */
import type { FakeModels } from "../models.js";
import { routeHost } from "./hosts.js";

/** A model server behind the gateway: the models of one ready revision of an InferenceService. */
export interface ServedRevision {
  namespace: string;
  name: string;
  /** The models it serves: one, named after the InferenceService. */
  models: FakeModels;
}

/** The routing table. */
export interface ServingTable {
  /** Route `hosts` (URLs or host names) to `revision`, replacing what the InferenceService `uid` served before. */
  publish(uid: string, hosts: readonly string[], revision: ServedRevision): void;
  /** Stop routing to the InferenceService `uid`. */
  withdraw(uid: string): void;
  /** The revision serving a Host header or `:authority` (port and case do not matter), if any. */
  route(authority: string): ServedRevision | undefined;
}

/** An empty routing table. */
export function createServingTable(): ServingTable {
  const byHost = new Map<string, { uid: string; revision: ServedRevision }>();
  const hostsOf = new Map<string, string[]>();
  const withdraw = (uid: string) => {
    for (const host of hostsOf.get(uid) ?? []) if (byHost.get(host)?.uid === uid) byHost.delete(host);
    hostsOf.delete(uid);
  };
  return {
    publish(uid, hosts, revision) {
      withdraw(uid);
      const keys = hosts.map((h) => routeHost(h.includes("://") ? new URL(h).host : h));
      for (const key of keys) byHost.set(key, { uid, revision });
      hostsOf.set(uid, keys);
    },
    withdraw,
    route: (authority) => byHost.get(routeHost(authority))?.revision,
  };
}
