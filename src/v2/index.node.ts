/**
 * `kserve-client/v2` under Node (the "node" export condition): the same public surface as ./index.ts, with
 * undici as the default HttpClient. Re-exporting the public index (not internals) keeps one curated list.
 * @module
 */
import { sharedNodeHttpClient } from "../node/default-client.js";
import { createV2Client as create } from "./client.js";
import type { V2Client, V2ClientOptions } from "./types.js";

export * from "./index.js";

/** {@inheritDoc createV2Client} */
export function createV2Client(options: V2ClientOptions): V2Client {
  const made = (o: V2ClientOptions) => create(o, sharedNodeHttpClient);
  return options.telemetry ? options.telemetry(options, made) : made(options);
}
