/**
 * The options and results of the deploy flow's functions (deploy.node.ts), as types only: the watch and the
 * flow both use them, and the universal entry can name them.
 */
import type { ResolvedEndpoint } from "./endpoint.js";
import type { StorageCredentials } from "./credentials.js";
import type { KubeconfigSource } from "./kube.node.js";
import type { Condition, InferenceService } from "./types.js";
import type { V1Client } from "../v1/types.js";
import type { V2Client } from "../v2/types.js";

/** Where and how to reach the cluster. */
export interface ClusterOptions {
  /** The cluster; default: `$KUBECONFIG`, then `~/.kube/config`, then in-cluster. */
  kubeconfig?: KubeconfigSource | undefined;
  /** For objects without `metadata.namespace`; default: the kubeconfig context's namespace, else "default". */
  namespace?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** What happened, as it happens (for progress output). */
export type DeployEvent =
  | {
      type: "applied";
      kind: "Secret" | "ServiceAccount" | "InferenceService";
      namespace: string;
      name: string;
      action: "created" | "updated" | "unchanged";
    }
  /** A condition of the InferenceService appeared or changed (status, reason or message). */
  | { type: "condition"; name: string; condition: Condition; previous: Condition | undefined }
  /** The model's state on its server changed (`status.modelStatus`: Pending, Loading, Loaded, FailedToLoad). */
  | { type: "model"; name: string; state: string; transition: string | undefined }
  | { type: "ready"; name: string; url: string };

/** Options of `waitForInferenceServiceReady` (the cluster side; a model on its server is waited for with ModelWaitOptions). */
export interface InferenceServiceWaitOptions extends ClusterOptions {
  /** Give up after this long (default 5 minutes). */
  timeoutMs?: number | undefined;
  onEvent?: ((event: DeployEvent) => void) | undefined;
}

/** Options of {@link deploy}. */
export interface DeployOptions extends InferenceServiceWaitOptions {
  /**
   * The ingress gateway's address (`http://127.0.0.1:8080`): requests go there with the InferenceService's
   * host as Host / `:authority`. Without it, clients call `status.url` directly (DNS must resolve its host).
   */
  ingress?: string | undefined;
  /** Storage credentials to apply first (see `s3Credentials`). */
  credentials?: StorageCredentials | undefined;
  /** Also create a gRPC client (needs the optional peers @connectrpc/connect, @connectrpc/connect-node, @bufbuild/protobuf). */
  grpc?: boolean | undefined;
}

/**
 * What an OpenAI client (openai-node, the Vercel AI SDK's OpenAI-compatible provider, LangChain.js) needs to call
 * an InferenceService's OpenAI-compatible routes: `new OpenAI({ ...deployment.openai, apiKey: "unused" })`.
 */
export interface OpenAIEndpoint {
  /** The endpoint's `baseUrl` with `/openai/v1`: the gateway's address through an ingress, else `status.url`. */
  baseURL: string;
  /**
   * Through an ingress, a fetch that presents the InferenceService's host (`createIngressFetch`); without one, the
   * runtime's own fetch, since `status.url` is called directly.
   */
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
}

/** A deployed, Ready InferenceService and clients that call it. */
export interface Deployment {
  /** The object as the cluster reported it when it became Ready. */
  inferenceService: InferenceService;
  endpoint: ResolvedEndpoint;
  /** The model's name on its server: the InferenceService's name. */
  model: string;
  v1: V1Client;
  v2: V2Client;
  /** Only with `grpc: true`. */
  grpc: V2Client | undefined;
  /**
   * For an InferenceService of KServe's Hugging Face runtime (`modelFormat: huggingface`), which serves the
   * OpenAI-compatible routes; undefined for others. The model to ask for is {@link Deployment.model}.
   */
  openai: OpenAIEndpoint | undefined;
  /** Close the gRPC connection and the OpenAI fetch's connections, if any (REST connections are pooled and close when idle). */
  close(): void;
}

/** @deprecated Renamed {@link InferenceServiceWaitOptions} (a model on its server is waited for with `ModelWaitOptions`). */
export type WaitOptions = InferenceServiceWaitOptions;
