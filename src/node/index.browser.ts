/**
 * `kserve-client/node` in browsers and edge runtimes: the same exports as ./index.ts, each failing with an
 * explanation instead of pulling Node built-ins into a bundle.
 * @module
 */
import { ConfigError } from "../core/errors.js";
import type { NodeHttpClient, NodeHttpClientOptions } from "./http-client.js";
import type { NodeGrpcTransport, NodeGrpcTransportOptions } from "./grpc-transport.js";
import type { IngressFetch, IngressFetchOptions } from "./ingress-fetch.js";

export type { NodeHttpClient, NodeHttpClientOptions, NodeTlsOptions } from "./http-client.js";
export type { NodeGrpcTransport, NodeGrpcTransportOptions } from "./grpc-transport.js";
export type { IngressFetch, IngressFetchOptions } from "./ingress-fetch.js";

/** Not available here: needs Node. */
export function createNodeHttpClient(_options?: NodeHttpClientOptions): NodeHttpClient {
  throw new ConfigError(
    "createNodeHttpClient needs Node.js (it is built on undici and node:tls); this runtime got the browser/edge build of kserve-client/node. " +
      "Leave httpClient unset to use fetch here.",
  );
}

/** Not available here: needs Node. */
export function createNodeGrpcTransport(_options?: NodeGrpcTransportOptions): NodeGrpcTransport {
  throw new ConfigError(
    "createNodeGrpcTransport needs Node.js (native gRPC over node:http2); this runtime got the browser/edge build of kserve-client/node. " +
      'Use createGrpcWebTransport({ baseUrl }) from "@connectrpc/connect-web" (gRPC-web, through a proxy that speaks it) with createGrpcClient.',
  );
}

/** Not available here: needs Node. */
export function createIngressFetch(_options?: IngressFetchOptions): IngressFetch {
  throw new ConfigError(
    "createIngressFetch needs Node.js (it is built on undici and node:tls); this runtime got the browser/edge build of kserve-client/node. " +
      "Here fetch cannot present another Host: call the InferenceService's own hostname (through DNS or a same-origin proxy to the ingress) with the runtime's fetch.",
  );
}
