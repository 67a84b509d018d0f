/**
 * `kserve-client/deploy` under Node (the "node" export condition): the universal builder, checks and endpoint
 * helpers of ./index.ts, plus the deploy flow against a cluster through `@kubernetes/client-node` (an optional
 * peer, loaded on first use).
 * @module
 */
export * from "./index.js";
export {
  applyInferenceService,
  applyStorageCredentials,
  deleteInferenceService,
  deploy,
  getInferenceService,
  waitForInferenceServiceReady,
} from "./deploy.node.js";
export { InferenceServiceFailedError } from "./failed-error.js";
export type {
  ClusterOptions,
  DeployEvent,
  DeployOptions,
  Deployment,
  InferenceServiceWaitOptions,
  OpenAIEndpoint,
  WaitOptions,
} from "./options.js";
export type { KubeConfigInstance, KubeconfigSource } from "./kube.node.js";
