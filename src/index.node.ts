/**
 * `kserve-client` under Node (the "node" export condition): the same public surface as ./index.ts, with undici
 * as the default HttpClient.
 * @module
 */
export * from "./index.js";
export { createV2Client } from "./v2/index.node.js";
export { createV1Client } from "./v1/index.node.js";
