/**
 * `createKServeHandlers` in the browser build of kserve-client/testing: msw imported as usual (a bundler that
 * cannot find it says so when it builds).
 */
import { http, HttpResponse, type HttpHandler } from "msw";
import { createFakeModels, type FakeModels } from "./models.js";
import { type KServeHandlersOptions, kserveHandlers } from "./msw.js";

/**
 * msw request handlers that answer V2 and V1 requests (and KServe's liveness route `/`) under `baseUrl` from `models`.
 *
 * @example
 * ```ts
 * const worker = setupWorker(...createKServeHandlers(createFakeModels(), { baseUrl: "http://kserve.test" }));
 * ```
 */
export function createKServeHandlers(
  models: FakeModels = createFakeModels(),
  options: KServeHandlersOptions,
): HttpHandler[] {
  return kserveHandlers({ http, HttpResponse }, models, options);
}
