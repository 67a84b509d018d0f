/** The HttpClient Node users get when they name none: one shared undici client, made on first use. */
import type { HttpClient } from "../core/http.js";
import { createNodeHttpClient, type NodeHttpClient } from "./http-client.js";

let shared: NodeHttpClient | undefined;

export function sharedNodeHttpClient(): HttpClient {
  shared ??= createNodeHttpClient();
  return shared;
}
