/**
 * `kserve-client/testing`: fake models, a mock KServe on loopback and msw handlers for tests and demos, the
 * same ones this package's own tests use. Needs `msw` (2.x) installed: it is an optional peer dependency.
 * @module
 */
export { createFakeModels, FakeModelError } from "./models.js";
export { IRIS_MODEL } from "./iris-model.js";
export type { FakeModel, FakeModels, FaultAction } from "./models.js";
export { handleV2 } from "./v2-handler.js";
export { handleV1 } from "./v1-handler.js";
export { handleKServe } from "./handler.js";
export type { MockRequest, MockResponse } from "./answers.js";
export { startMockKServe } from "./mock-server.js";
export { createKServeHandlers } from "./msw.js";
export type { KServeHandlersOptions } from "./msw.js";
export type { MockKServe, MockKServeOptions } from "./mock-server.js";
