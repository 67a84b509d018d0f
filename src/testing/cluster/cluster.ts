/**
 * `startMockCluster`: KServe on a laptop, on loopback — a Kubernetes API (namespaces, Secrets, ServiceAccounts,
 * InferenceServices, with KServe's validating webhook), a reconciler that deploys InferenceServices the way
 * KServe does (storage initializer against mock S3 buckets, model loading, conditions, URLs), and an ingress
 * gateway that routes by host to the models it deployed. `startMockKServe` starts one by default.
 */
import { createKubeStore, type KubeStore, startKubeApi } from "../kube/index.js";
import { inferenceServiceAdmission } from "./admission.js";
import { DEFAULT_INGRESS_DOMAIN, defaultBuckets, MOCK_NAMESPACES, MOCK_S3_ENDPOINT } from "./defaults.js";
import type { MockDeploymentMode } from "./hosts.js";
import type { MockLlmOptions } from "../openai/generative.js";
import { startIngressGateway } from "./ingress.js";
import { mockKubeconfig } from "./kubeconfig.js";
import { startReconciler } from "./reconciler.js";
import type { MockS3Buckets } from "./s3.js";
import { createServingTable } from "./serving-table.js";

/** Options of the mock cluster (`startMockKServe({ cluster })`). */
export interface MockClusterOptions {
  /** Ingress domain of `status.url`. Default `example.com`. */
  domain?: string | undefined;
  /**
   * How InferenceServices are deployed unless their `serving.kserve.io/deploymentMode` annotation says otherwise:
   * `Knative` (default; URLs `{name}.{namespace}.{domain}`) or `Standard` (`{name}-{namespace}.{domain}`).
   */
  deploymentMode?: MockDeploymentMode | undefined;
  /** The mock S3 buckets behind `s3://` URIs. Default: `MOCK_S3_BUCKET` holding the iris model. */
  buckets?: MockS3Buckets | undefined;
  /** Where the buckets answer (`serving.kserve.io/s3-endpoint`). Default `MOCK_S3_ENDPOINT`. */
  s3Endpoint?: string | undefined;
  /** Time between status steps, in ms. Default 40 (tests); a demo that people watch wants a few hundred. */
  stepMs?: number | undefined;
  /**
   * How the text generation models of `modelFormat: huggingface` InferenceServices answer on the OpenAI-compatible
   * routes: the delay before each streamed token, the context length, a hook that sees (and can hold) each stream.
   */
  llm?: MockLlmOptions | undefined;
  /** Bearer token the Kubernetes API requires (and the kubeconfig carries). Default: none required. */
  token?: string | undefined;
  /** Let browsers call the gateway (CORS preflights, exposed gRPC headers). Default false. */
  cors?: boolean | undefined;
  /** Namespaces that exist from the start, each with its `default` ServiceAccount. Default `MOCK_NAMESPACES`. */
  namespaces?: readonly string[] | undefined;
  /** Ports on 127.0.0.1 of the Kubernetes API and the gateway; default: any free ones. */
  kubePort?: number | undefined;
  ingressPort?: number | undefined;
}

/** A running mock cluster. */
export interface MockCluster {
  /** The Kubernetes API, `http://127.0.0.1:<port>`. */
  kubeUrl: string;
  /** The ingress gateway, `http://127.0.0.1:<port>`: call models here with the Host from `status.url`. */
  ingressUrl: string;
  /** A kubeconfig (YAML) for the API, with the token if one is required: `KubeConfig.loadFromString(kubeconfig)`. */
  kubeconfig: string;
  /** The objects, for in-process inspection and setup (what the API serves). */
  store: KubeStore;
  /** Stop reconciling, close the gateway and the API (watches and connections included). Idempotent. */
  close(): Promise<void>;
}

/** Start a mock cluster on loopback. */
export async function startMockCluster(options: MockClusterOptions = {}): Promise<MockCluster> {
  const store = createKubeStore({
    admit: inferenceServiceAdmission(),
    namespaces: options.namespaces ?? MOCK_NAMESPACES,
  });
  const serving = createServingTable();
  const api = await startKubeApi({ store, token: options.token, port: options.kubePort });
  const gateway = await startIngressGateway({ serving, cors: options.cors, port: options.ingressPort }).catch(
    async (error: unknown) => {
      await api.close();
      throw error;
    },
  );
  const reconciler = startReconciler({
    store,
    serving,
    s3: { buckets: options.buckets ?? defaultBuckets(), endpoint: options.s3Endpoint ?? MOCK_S3_ENDPOINT },
    domain: options.domain ?? DEFAULT_INGRESS_DOMAIN,
    deploymentMode: options.deploymentMode ?? "Knative",
    stepMs: options.stepMs ?? 40,
    runtimes: { llm: options.llm ?? {} },
  });
  let closing: Promise<void> | undefined;
  return {
    kubeUrl: api.url,
    ingressUrl: gateway.url,
    kubeconfig: mockKubeconfig({ server: api.url, token: options.token }),
    store,
    close: () => {
      reconciler.close();
      return (closing ??= Promise.all([gateway.close(), api.close()]).then(() => undefined));
    },
  };
}
