/**
 * `kserve-client/testing`: fake models and a mock KServe for tests and demos, the same ones this package's own
 * tests use.
 * @module
 */
export { createFakeModels, FakeModelError, IRIS_TREE } from "./models.js";
export type { FakeModel, FakeModels, FaultAction } from "./models.js";
export { handleV2 } from "./v2-handler.js";
export type { MockRequest, MockResponse } from "./v2-handler.js";
export { startMockKServe } from "./mock-server.js";
export type { MockKServe, MockKServeOptions } from "./mock-server.js";
