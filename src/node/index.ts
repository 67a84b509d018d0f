/**
 * `kserve-client/node`: what only Node can do. Browsers and edge runtimes get a stub (index.browser.ts) whose
 * functions throw a ConfigError saying so.
 * @module
 */
export { createNodeHttpClient } from "./http-client.js";
export type { NodeHttpClient, NodeHttpClientOptions, NodeTlsOptions } from "./http-client.js";
export { createNodeGrpcTransport } from "./grpc-transport.js";
export { createIngressFetch } from "./ingress-fetch.js";
export type { IngressFetch, IngressFetchOptions } from "./ingress-fetch.js";
export type { NodeGrpcTransport, NodeGrpcTransportOptions } from "./grpc-transport.js";
