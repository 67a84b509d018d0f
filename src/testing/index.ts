/**
 * `kserve-client/testing`: fake models, a mock KServe on loopback and msw handlers for tests and demos, the
 * same ones this package's own tests use. `startMockKServe()` also starts a mock cluster: a Kubernetes API where
 * InferenceServices are deployed the way KServe deploys them (mock S3 buckets, conditions, URLs) and an ingress
 * gateway that serves them by host. `createKServeHandlers` needs `msw` (2.x), an optional peer dependency loaded
 * when handlers are made; the mock's gRPC needs `@connectrpc/connect-node` (else it serves REST only).
 * @module
 */
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
export { startMockKServe } from "./mock-server.js";
export { createKServeHandlers } from "./msw.node.js";
export type { KServeHandlersOptions } from "./msw.js";
export type { MockKServe, MockKServeOptions } from "./mock-server.js";

export { startMockCluster } from "./cluster/cluster.js";
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
