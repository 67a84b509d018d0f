/**
 * `kserve-client/testing` in browsers (the "browser" export condition): the fake models and the msw handlers, for
 * tests that run in a browser (msw's `setupWorker`, Vitest browser mode, Storybook). The mock servers need
 * Node's sockets: here they keep their names and fail with an explanation, so that a bundle never pulls Node
 * built-ins in.
 * @module
 */
import { ConfigError } from "../core/errors.js";
import type { MockCluster, MockClusterOptions } from "./cluster/cluster.js";
import type { MockKServe, MockKServeOptions } from "./mock-server.js";

export { createFakeModels, FakeModelError } from "./models.js";
export { IRIS_MODEL } from "./iris-model.js";
export type {
  FakeModel,
  FakeModels,
  FaultAction,
  GenerativeSettings,
  MockStreamEvent,
  ModelCost,
  TreeNode,
} from "./models.js";
export type { MockLlmOptions } from "./openai/generative.js";
export { handleV2 } from "./v2-handler.js";
export { handleV1 } from "./v1-handler.js";
export { handleKServe } from "./handler.js";
export type { MockRequest, MockResponse } from "./answers.js";
export { createKServeHandlers } from "./msw.browser.js";
export type { KServeHandlersOptions } from "./msw.js";
export type { MockKServe, MockKServeOptions } from "./mock-server.js";
export type { MockCluster, MockClusterOptions } from "./cluster/cluster.js";
export type { MockDeploymentMode } from "./cluster/hosts.js";
export type { MockS3Bucket, MockS3Buckets, MockS3Credentials, MockS3Object } from "./cluster/s3.js";
export {
  DEFAULT_INGRESS_DOMAIN,
  DEPLOYMENT_MODE_ANNOTATION,
  MOCK_NAMESPACES,
  MOCK_S3_BUCKET,
  MOCK_S3_ENDPOINT,
  STALL_ANNOTATION,
} from "./cluster/defaults.js";
export { encodeTreeModelFile, IRIS_MODEL_FILE_NAME, irisModelFile, TREE_MODEL_FORMAT } from "./cluster/model-file.js";
export type { TreeModelFile } from "./cluster/model-file.js";
export type { KubeObject, KubeStore, StoredObject, WatchEvent } from "./kube/index.js";

const IN_A_BROWSER =
  "In a browser, serve the fake models with msw instead: setupWorker(...createKServeHandlers(createFakeModels(), { baseUrl })). " +
  'Under Node with a browser-like test environment (jest-environment-jsdom resolves the "browser" condition), run this test in a Node environment or set customExportConditions to ["node"].';

/** Not available here: needs Node (it listens on loopback sockets). */
export async function startMockKServe(_options?: MockKServeOptions): Promise<MockKServe> {
  throw new ConfigError(
    `startMockKServe needs Node.js (it starts servers on loopback); this runtime got the browser build of kserve-client/testing. ${IN_A_BROWSER}`,
  );
}

/** Not available here: needs Node (it listens on loopback sockets). */
export async function startMockCluster(_options?: MockClusterOptions): Promise<MockCluster> {
  throw new ConfigError(
    `startMockCluster needs Node.js (it starts servers on loopback); this runtime got the browser build of kserve-client/testing. ${IN_A_BROWSER}`,
  );
}
