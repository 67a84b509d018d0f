/**
 * `kserve-client/v1` under Node (the "node" export condition): the same public surface as ./index.ts, with
 * undici as the default HttpClient.
 * @module
 */
import { sharedNodeHttpClient } from "../node/default-client.js";
import { createV1Client as create } from "./client.js";
import type { V1Client, V1ClientOptions } from "./types.js";

export * from "./index.js";

/** {@inheritDoc createV1Client} */
export function createV1Client(options: V1ClientOptions): V1Client {
  const made = (o: V1ClientOptions) => create(o, sharedNodeHttpClient);
  return options.telemetry ? options.telemetry(options, made) : made(options);
}
