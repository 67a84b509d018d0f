/**
 * deploy()'s cluster side with the official @kubernetes/client-node against the mock Kubernetes API, with the
 * test playing KServe's part (writing status the way the reconciler would), so that each watcher rule is
 * exercised on its own: condition events, failure detection, stale generations, timeouts, cancellation,
 * deletion, create-or-update, credentials, kubeconfig and API errors.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  AbortError,
  ConfigError,
  ConnectionError,
  KServeError,
  TimeoutError,
  ValidationError,
} from "../../src/core/errors.js";
import {
  applyStorageCredentials,
  deleteInferenceService,
  deploy,
  type DeployEvent,
  getInferenceService,
  inferenceService,
  InferenceServiceFailedError,
  s3Credentials,
  waitForInferenceServiceReady,
} from "../../src/deploy/index.node.js";
import type { Condition, InferenceService } from "../../src/deploy/index.js";
import { startKubeApi, type KubeApi } from "../../src/testing/kube/index.js";

const open: KubeApi[] = [];
afterEach(async () => {
  for (const api of open.splice(0)) await api.close();
});

async function cluster(token?: string) {
  const api = await startKubeApi(token === undefined ? {} : { token });
  open.push(api);
  return { api, kubeconfig: { yaml: kubeconfigYaml(api.url, token ?? "any") } };
}

function kubeconfigYaml(server: string, token: string, namespace?: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    `clusters: [{name: mock, cluster: {server: "${server}", insecure-skip-tls-verify: true}}]`,
    `users: [{name: me, user: {token: "${token}"}}]`,
    `contexts: [{name: here, context: {cluster: mock, user: me${namespace === undefined ? "" : `, namespace: ${namespace}`}}}]`,
    "current-context: here",
    "",
  ].join("\n");
}

const iris = (name = "iris", storageUri = "s3://bucket/iris") =>
  inferenceService({
    name,
    namespace: "default",
    predictor: { model: { modelFormat: { name: "sklearn" }, storageUri } },
  });

const ref = (name = "iris") => ({ namespace: "default", name });

/** Write a status as KServe's controller would, for the current generation unless told otherwise. */
function setStatus(api: KubeApi, conditions: Condition[], extra: Record<string, unknown> = {}, name = "iris") {
  const current = api.store.get("inferenceservices", ref(name)) as unknown as InferenceService;
  api.store.updateStatus("inferenceservices", {
    ...current,
    status: { observedGeneration: current.metadata.generation, conditions, ...extra },
  } as never);
}

const exists = (api: KubeApi, name = "iris") =>
  expect.poll(() => api.store.find("inferenceservices", ref(name)), { timeout: 5000 }).toBeDefined();

describe("waiting for Ready", () => {
  it("reports each condition change once, and fails at once on a failing condition with KServe's reason and message", async () => {
    const { api, kubeconfig } = await cluster();
    const events: DeployEvent[] = [];
    const pending = deploy(iris(), { kubeconfig, timeoutMs: 10_000, onEvent: (e) => events.push(e) }).catch(
      (e: unknown) => e,
    );
    await exists(api);
    setStatus(api, [
      { type: "PredictorReady", status: "Unknown" },
      { type: "Ready", status: "Unknown" },
    ]);
    // Seen before it changes again: a watcher that first reads the object after both writes only ever sees the later one.
    await expect.poll(() => events.length, { timeout: 5000 }).toBe(3);
    setStatus(api, [
      { type: "PredictorReady", status: "Unknown" },
      { type: "Ready", status: "Unknown" },
    ]); // no change: no event
    const started = Date.now();
    setStatus(api, [
      {
        type: "PredictorReady",
        status: "False",
        reason: "RevisionFailed",
        message: 'Revision "iris-predictor-00001" failed with message: AccessDenied.',
      },
      { type: "Ready", status: "False", reason: "RevisionFailed" },
    ]);
    const error = await pending;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(InferenceServiceFailedError);
    expect(error).toMatchObject({
      code: "failed_precondition",
      conditionType: "PredictorReady",
      reason: "RevisionFailed",
      conditionMessage: expect.stringContaining("AccessDenied"),
    });
    expect((error as Error).message).toContain(
      "InferenceService default/iris failed: PredictorReady=False (RevisionFailed)",
    );
    expect(
      events.map((e) =>
        e.type === "condition"
          ? `${e.condition.type}=${e.condition.status}`
          : `${e.type}:${"action" in e ? e.action : ""}`,
      ),
    ).toEqual(["applied:created", "PredictorReady=Unknown", "Ready=Unknown", "PredictorReady=False", "Ready=False"]);
  });

  it("a Deployment still starting (MinimumReplicasUnavailable) is not a failure; BlockedByFailedLoad is", async () => {
    const { api, kubeconfig } = await cluster();
    const pending = waitForInferenceServiceReady("iris", { kubeconfig, timeoutMs: 10_000 }).catch((e: unknown) => e);
    api.store.create("inferenceservices", iris() as never);
    setStatus(api, [
      {
        type: "PredictorReady",
        status: "False",
        reason: "MinimumReplicasUnavailable",
        message: "Deployment does not have minimum availability.",
      },
      { type: "Ready", status: "False" },
    ]);
    const stillWaiting = Symbol("still waiting");
    expect(await Promise.race([pending, new Promise((resolve) => setTimeout(() => resolve(stillWaiting), 500))])).toBe(
      stillWaiting,
    );
    setStatus(
      api,
      [
        { type: "PredictorReady", status: "False", reason: "MinimumReplicasUnavailable" },
        { type: "Ready", status: "False" },
      ],
      {
        modelStatus: {
          transitionStatus: "BlockedByFailedLoad",
          lastFailureInfo: { reason: "ModelLoadFailed", message: "Failed to load model" },
        },
      },
    );
    const error = await pending;
    expect(error).toBeInstanceOf(InferenceServiceFailedError);
  });

  it("a Ready status from the previous generation does not end the wait for the new spec", async () => {
    const { api, kubeconfig } = await cluster();
    api.store.create("inferenceservices", iris() as never);
    setStatus(api, [{ type: "Ready", status: "True" }], { url: "http://iris.default.example.com" });
    const events: DeployEvent[] = [];
    // A new storageUri: a new generation, whose status the old Ready says nothing about.
    const pending = deploy(iris("iris", "s3://bucket/iris-v2"), {
      kubeconfig,
      timeoutMs: 1500,
      onEvent: (e) => events.push(e),
    }).catch((e: unknown) => e);
    const error = await pending;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(events[0]).toMatchObject({ type: "applied", action: "updated" });
    expect(api.store.get("inferenceservices", ref()).metadata.generation).toBe(2);
  });

  it("not Ready in time: a TimeoutError naming the last conditions", async () => {
    const { api, kubeconfig } = await cluster();
    const pending = deploy(iris(), { kubeconfig, timeoutMs: 1500 }).catch((e: unknown) => e);
    await exists(api);
    setStatus(api, [
      { type: "PredictorReady", status: "Unknown", reason: "Loading", message: "downloading" },
      { type: "Ready", status: "Unknown" },
    ]);
    const error = await pending;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(
      /InferenceService default\/iris was not Ready within \d+ ms; last: PredictorReady=Unknown \(Loading\): downloading; Ready=Unknown/,
    );
  });

  it("timeoutMs: Infinity waits without a limit (and a Ready service resolves at once)", async () => {
    const { api, kubeconfig } = await cluster();
    api.store.create("inferenceservices", iris() as never);
    setStatus(api, [{ type: "Ready", status: "True" }]);
    expect(await waitForInferenceServiceReady("iris", { kubeconfig, timeoutMs: Infinity })).toMatchObject({
      metadata: { name: "iris" },
    });
  });

  it("a timeoutMs that is not a valid time is a ConfigError", async () => {
    const { kubeconfig } = await cluster();
    for (const timeoutMs of [NaN, -1, 2 ** 40]) {
      expect(
        await waitForInferenceServiceReady("iris", { kubeconfig, timeoutMs }).catch((e: unknown) => e),
      ).toBeInstanceOf(ConfigError);
    }
  });

  it("re-deploying an unchanged spec that KServe already rejected (InvalidSpec) fails at once, not at the deadline", async () => {
    const { api, kubeconfig } = await cluster();
    api.store.create("inferenceservices", iris() as never);
    const current = api.store.get("inferenceservices", ref()) as unknown as InferenceService;
    // KServe records no observedGeneration for a spec no runtime supports.
    api.store.updateStatus("inferenceservices", {
      ...current,
      status: {
        conditions: [{ type: "Ready", status: "Unknown" }],
        modelStatus: {
          transitionStatus: "InvalidSpec",
          lastFailureInfo: {
            reason: "NoSupportingRuntime",
            message: "No runtime found to support specified framework/version",
          },
        },
      },
    } as never);
    const started = Date.now();
    const error = await deploy(iris(), { kubeconfig, timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error).toBeInstanceOf(InferenceServiceFailedError);
    expect(error).toMatchObject({ reason: "NoSupportingRuntime" });
  });

  it("the caller's signal cancels the wait", async () => {
    const { api, kubeconfig } = await cluster();
    api.store.create("inferenceservices", iris() as never);
    const controller = new AbortController();
    const pending = waitForInferenceServiceReady("iris", { kubeconfig, signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    setTimeout(() => controller.abort(), 200);
    expect(await pending).toBeInstanceOf(AbortError);
  });

  it("deleted while waiting, or never there: not_found", async () => {
    const { api, kubeconfig } = await cluster();
    expect(await waitForInferenceServiceReady("ghost", { kubeconfig }).catch((e: unknown) => e)).toMatchObject({
      code: "not_found",
      message: expect.stringContaining("default/ghost does not exist"),
    });
    api.store.create("inferenceservices", iris() as never);
    const pending = waitForInferenceServiceReady("iris", { kubeconfig, timeoutMs: 10_000 }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 300));
    api.store.delete("inferenceservices", ref());
    expect(await pending).toMatchObject({
      code: "not_found",
      message: expect.stringContaining("was deleted while waiting"),
    });
  });

  it("an onEvent that throws ends the wait with its error", async () => {
    const { api, kubeconfig } = await cluster();
    api.store.create("inferenceservices", iris() as never);
    setStatus(api, [{ type: "Ready", status: "Unknown" }]);
    const thrown = new Error("progress output broke");
    const error = await waitForInferenceServiceReady("iris", {
      kubeconfig,
      onEvent: () => {
        throw thrown;
      },
    }).catch((e: unknown) => e);
    expect(error).toBe(thrown);
  });
});

describe("applying", () => {
  it("an invalid manifest fails before anything is sent, listing every problem", async () => {
    const { api, kubeconfig } = await cluster();
    const bad = { ...iris(), metadata: { name: "Bad_Name", namespace: "default" } } as InferenceService;
    (bad.spec.predictor as { model: { storageUri: string } }).model.storageUri = "ftp://nope";
    const error = await deploy(bad, { kubeconfig }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain("metadata.name");
    expect((error as Error).message).toContain("spec.predictor.model.storageUri");
    expect(api.store.list("inferenceservices").items).toHaveLength(0);
  });

  it("a namespace from the kubeconfig context is used when the manifest has none", async () => {
    const { api } = await cluster();
    api.store.create("namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a" } } as never);
    const isvc = inferenceService({ name: "iris", predictor: { sklearn: { storageUri: "s3://bucket/iris" } } });
    const kubeconfig = { yaml: kubeconfigYaml(api.url, "t", "team-a") };
    await deploy(isvc, { kubeconfig, timeoutMs: 300 }).catch(() => undefined);
    expect(api.store.find("inferenceservices", { namespace: "team-a", name: "iris" })).toBeDefined();
    expect(await getInferenceService("iris", { kubeconfig })).toMatchObject({
      metadata: { name: "iris", namespace: "team-a" },
    });
  });

  it("credentials are applied first, and replaced when they exist", async () => {
    const { api, kubeconfig } = await cluster();
    const credentials = s3Credentials({ name: "s3-reader", accessKeyId: "AK", secretAccessKey: "one" });
    const events: DeployEvent[] = [];
    await applyStorageCredentials(credentials, { kubeconfig, onEvent: (e) => events.push(e) });
    await applyStorageCredentials(s3Credentials({ name: "s3-reader", accessKeyId: "AK", secretAccessKey: "two" }), {
      kubeconfig,
      onEvent: (e) => events.push(e),
    });
    expect(events.map((e) => (e.type === "applied" ? `${e.kind}:${e.action}` : e.type))).toEqual([
      "Secret:created",
      "ServiceAccount:created",
      "Secret:updated",
      "ServiceAccount:updated",
    ]);
    const secret = api.store.get("secrets", ref("s3-reader")) as unknown as { data: Record<string, string> };
    expect(Buffer.from(secret.data["AWS_SECRET_ACCESS_KEY"]!, "base64").toString()).toBe("two");
    expect(api.store.get("serviceaccounts", ref("s3-reader"))).toMatchObject({ secrets: [{ name: "s3-reader" }] });
  });

  it("get and delete: undefined and false for what is not there", async () => {
    const { api, kubeconfig } = await cluster();
    expect(await getInferenceService("iris", { kubeconfig })).toBeUndefined();
    expect(await deleteInferenceService("iris", { kubeconfig })).toBe(false);
    api.store.create("inferenceservices", iris() as never);
    expect(await getInferenceService("iris", { kubeconfig })).toMatchObject({
      spec: { predictor: { model: { storageUri: "s3://bucket/iris" } } },
    });
    expect(await deleteInferenceService("iris", { kubeconfig })).toBe(true);
    expect(api.store.find("inferenceservices", ref())).toBeUndefined();
  });
});

describe("reaching the cluster", () => {
  it("a kubeconfig file by path, and one that does not exist", async () => {
    const { api } = await cluster();
    const dir = mkdtempSync(join(tmpdir(), "kc-kubeconfig-"));
    try {
      const path = join(dir, "config");
      writeFileSync(path, kubeconfigYaml(api.url, "t"));
      expect(await getInferenceService("iris", { kubeconfig: { path } })).toBeUndefined();
      const missing = await getInferenceService("iris", { kubeconfig: { path: join(dir, "nope") } }).catch(
        (e: unknown) => e,
      );
      expect(missing).toBeInstanceOf(ConfigError);
      expect((missing as Error).message).toContain(`Could not load the kubeconfig ${join(dir, "nope")}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an API server that is not there is a ConnectionError naming it", async () => {
    const { api, kubeconfig } = await cluster();
    await api.close();
    open.splice(0);
    const error = await getInferenceService("iris", { kubeconfig }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain(`the Kubernetes API at ${api.url} could not be reached`);
  });

  it("a wrong token is unauthenticated, with the API server's message", async () => {
    const { api } = await cluster("right");
    const error = await getInferenceService("iris", { kubeconfig: { yaml: kubeconfigYaml(api.url, "wrong") } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KServeError);
    expect(error).toMatchObject({ code: "unauthenticated", status: 401 });
    expect((error as Error).message).toContain("Check the kubeconfig's credentials");
  });

  it("http:// without insecure-skip-tls-verify is a ConfigError about the kubeconfig, not a connection failure", async () => {
    const { api } = await cluster();
    const yaml = kubeconfigYaml(api.url, "t").replace(", insecure-skip-tls-verify: true", "");
    const error = await getInferenceService("iris", { kubeconfig: { yaml } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("Check the kubeconfig");
  });
});
