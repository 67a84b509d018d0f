/**
 * What the mock cluster tests share: a mock KServe per test (closed after it), the official Kubernetes client
 * connected to it, the KServe objects of the deploy flow, and a watch that records every status an
 * InferenceService goes through.
 */
import * as k8s from "@kubernetes/client-node";
import { afterEach } from "vitest";
import { s3Credentials } from "../../src/deploy/index.js";
import type { Condition, InferenceService, InferenceServiceStatus } from "../../src/deploy/index.js";
import { MOCK_S3_BUCKET, type MockClusterOptions, type MockKServe, startMockKServe } from "../../src/testing/index.js";

export const GROUP = "serving.kserve.io";
export const VERSION = "v1beta1";
export const PLURAL = "inferenceservices";
export const NAMESPACE = "kserve-test";

/** A mock KServe with the official client connected to its Kubernetes API. */
export interface Harness {
  mock: MockKServe;
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  custom: k8s.CustomObjectsApi;
}

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((close) => close()));
});

/** Start a mock KServe (gRPC on, cluster with `cluster` options) for this test only. */
export async function startHarness(cluster: MockClusterOptions = {}): Promise<Harness> {
  const mock = await startMockKServe({ cluster });
  running.push(() => mock.close());
  const kc = new k8s.KubeConfig();
  kc.loadFromString(mock.kubeconfig);
  return { mock, kc, core: kc.makeApiClient(k8s.CoreV1Api), custom: kc.makeApiClient(k8s.CustomObjectsApi) };
}

/** Registers `close` to run after the current test. */
export function closeAfterTest(close: () => unknown): void {
  running.push(async () => void (await close()));
}

/** The demo bucket's credentials as the SDK builds them: a Secret and a ServiceAccount listing it, both named `name`. */
export async function applyCredentials(
  h: Harness,
  name = "s3-reader",
  keys: { accessKeyId?: string; secretAccessKey?: string } = {},
): Promise<void> {
  const { secret, serviceAccount } = s3Credentials({
    name,
    accessKeyId: keys.accessKeyId ?? MOCK_S3_BUCKET.accessKeyId,
    secretAccessKey: keys.secretAccessKey ?? MOCK_S3_BUCKET.secretAccessKey,
    endpoint: MOCK_S3_BUCKET.endpoint,
    useHttps: false,
  });
  await h.core.createNamespacedSecret({ namespace: NAMESPACE, body: secret });
  await h.core.createNamespacedServiceAccount({ namespace: NAMESPACE, body: serviceAccount });
}

/** An InferenceService manifest: sklearn from the demo bucket, as the ServiceAccount `serviceAccountName`. */
export function manifest(
  name: string,
  predictor: Record<string, unknown> = {},
  metadata: Record<string, unknown> = {},
): InferenceService {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: "InferenceService",
    metadata: { name, ...metadata },
    spec: {
      predictor: {
        serviceAccountName: "s3-reader",
        model: { modelFormat: { name: "sklearn" }, storageUri: MOCK_S3_BUCKET.irisUri },
        ...predictor,
      },
    },
  };
}

export async function create(h: Harness, isvc: InferenceService): Promise<InferenceService> {
  return (await h.custom.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: NAMESPACE,
    plural: PLURAL,
    body: isvc,
  })) as InferenceService;
}

export async function read(h: Harness, name: string): Promise<InferenceService> {
  return (await h.custom.getNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: NAMESPACE,
    plural: PLURAL,
    name,
  })) as InferenceService;
}

/** A watch on one InferenceService that records every status it reports. */
export interface StatusRecorder {
  /** Statuses in the order the watch delivered them. */
  statuses: InferenceServiceStatus[];
  /** Resolves with the object once `predicate` holds for it; rejects after `timeoutMs`. */
  until(predicate: (isvc: InferenceService) => boolean, timeoutMs?: number): Promise<InferenceService>;
}

/** Watch InferenceService `name` (before it exists, so that no change is missed). Ended after the test. */
export async function recordStatuses(h: Harness, name: string): Promise<StatusRecorder> {
  const statuses: InferenceServiceStatus[] = [];
  const waiters: { predicate: (isvc: InferenceService) => boolean; resolve: (isvc: InferenceService) => void }[] = [];
  let latest: InferenceService | undefined;
  const controller = await new k8s.Watch(h.kc).watch(
    `/apis/${GROUP}/${VERSION}/namespaces/${NAMESPACE}/${PLURAL}`,
    { fieldSelector: `metadata.name=${name}` },
    (_type: string, object: unknown) => {
      const isvc = object as InferenceService;
      latest = isvc;
      if (isvc.status !== undefined) statuses.push(isvc.status);
      for (const waiter of waiters.splice(0)) {
        if (waiter.predicate(isvc)) waiter.resolve(isvc);
        else waiters.push(waiter);
      }
    },
    () => {},
  );
  closeAfterTest(() => controller.abort());
  return {
    statuses,
    until(predicate, timeoutMs = 5000) {
      if (latest !== undefined && predicate(latest)) return Promise.resolve(latest);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`not reached within ${timeoutMs} ms; last status: ${JSON.stringify(latest?.status)}`)),
          timeoutMs,
        );
        waiters.push({ predicate, resolve: (isvc) => (clearTimeout(timer), resolve(isvc)) });
      });
    },
  };
}

export function condition(isvc: { status?: InferenceServiceStatus | undefined }, type: string): Condition | undefined {
  return isvc.status?.conditions?.find((c) => c.type === type);
}

export const isReady = (isvc: InferenceService) => condition(isvc, "Ready")?.status === "True";

/** `Type=Status(reason)` of `type` in each status, consecutive repeats removed: how the condition changed. */
export function timeline(statuses: readonly InferenceServiceStatus[], type: string): string[] {
  const out: string[] = [];
  for (const status of statuses) {
    const c = status.conditions?.find((x) => x.type === type);
    const text = c === undefined ? "absent" : `${c.status}${c.reason ? `(${c.reason})` : ""}`;
    if (out[out.length - 1] !== text) out.push(text);
  }
  return out;
}

/** The Host (authority) of `status.url`. */
export function hostOf(isvc: InferenceService): string {
  return new URL(isvc.status!.url!).host;
}

/** A raw HTTP/1.1 request to the gateway with any Host header (fetch cannot set Host). */
export async function gatewayRequest(
  ingressUrl: string,
  options: { host: string; method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { request } = await import("node:http");
  const url = new URL(ingressUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? "GET",
        path: options.path,
        headers: { host: options.host, ...options.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
        );
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}
