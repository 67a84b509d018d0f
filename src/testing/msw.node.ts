/// <reference types="node" />
/**
 * `createKServeHandlers` in the Node build of kserve-client/testing: msw, an optional peer, is loaded when handlers
 * are first made, so that importing kserve-client/testing (and startMockKServe) works without it, and a missing
 * msw is a ConfigError that says what to install.
 */
import { createRequire } from "node:module";
import type { HttpHandler } from "msw";
import { isMissingPeer, missingPeerError } from "../internal/optional-peer.js";
import { createFakeModels, type FakeModels } from "./models.js";
import { type KServeHandlersOptions, type Msw, kserveHandlers } from "./msw.js";

let msw: Msw | undefined;

/**
 * msw, loaded once. Synchronously, because handlers are made synchronously (`setupServer(...createKServeHandlers())`),
 * so with `require`. Under Node ≥ 20.19 `require("msw")` resolves msw's ESM build (its "module-sync" export
 * condition), the very module `import "msw"` gets, so these handlers and the user's `setupServer` share one msw.
 */
function loadMsw(): Msw {
  if (msw !== undefined) return msw;
  try {
    const { http, HttpResponse } = createRequire(import.meta.url)("msw") as typeof import("msw");
    return (msw = { http, HttpResponse });
  } catch (error) {
    throw isMissingPeer(error, ["msw"])
      ? missingPeerError("createKServeHandlers", ["msw"], error, "--save-dev msw@2")
      : error;
  }
}

/**
 * msw request handlers that answer V2 and V1 requests (and KServe's liveness route `/`) under `baseUrl` from `models`.
 * Needs `msw` (2.x), an optional peer dependency.
 *
 * @example
 * ```ts
 * const server = setupServer(...createKServeHandlers(createFakeModels(), { baseUrl: "http://kserve.test" }));
 * ```
 * @throws {ConfigError} if msw is not installed (`npm install --save-dev msw@2`)
 */
export function createKServeHandlers(
  models: FakeModels = createFakeModels(),
  options: KServeHandlersOptions,
): HttpHandler[] {
  return kserveHandlers(loadMsw(), models, options);
}
