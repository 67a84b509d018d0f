/**
 * The mock cluster end to end with the official client, @kubernetes/client-node: storage credentials, an
 * InferenceService, its conditions stepping to Ready as KServe steps them (both deployment modes), then the
 * model through the ingress gateway by Host / :authority — V1, V2 (JSON and binary) and gRPC — and the
 * gateway's answers for hosts it does not know, deleted models, and browsers.
 */
import * as k8s from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { createGrpcClient } from "kserve-client/grpc";
import { createNodeGrpcTransport } from "../../src/node/grpc-transport.js";
import { createNodeHttpClient } from "../../src/node/http-client.js";
import { Tensor } from "../../src/tensor/index.js";
import { createV1Client } from "../../src/v1/index.js";
import { createV2Client } from "../../src/v2/index.js";
import {
  DEPLOYMENT_MODE_ANNOTATION,
  encodeTreeModelFile,
  irisModelFile,
  MOCK_S3_BUCKET,
  type MockDeploymentMode,
  startMockKServe,
} from "../../src/testing/index.js";
import {
  applyCredentials,
  closeAfterTest,
  condition,
  create,
  gatewayRequest,
  type Harness,
  hostOf,
  isReady,
  manifest,
  NAMESPACE,
  read,
  recordStatuses,
  startHarness,
  timeline,
} from "./cluster-kit.js";

/** The iris rows whose classes the real sklearn model gives (versicolor, setosa, virginica). */
const ROWS = [
  [6.8, 2.8, 4.8, 1.4],
  [5.1, 3.5, 1.4, 0.2],
  [7.7, 3.0, 6.1, 2.3],
];
const CLASSES = [1, 0, 2];

function nodeHttpClient() {
  const client = createNodeHttpClient();
  closeAfterTest(() => client.close());
  return client;
}

/** Deploy sklearn-iris from the demo bucket and wait for Ready, recording every status on the way. */
async function deployIris(h: Harness, name = "sklearn-iris", metadata: Record<string, unknown> = {}) {
  await applyCredentials(h);
  const recorder = await recordStatuses(h, name);
  await create(h, manifest(name, {}, metadata));
  const ready = await recorder.until(isReady);
  return { ready, statuses: recorder.statuses };
}

describe("deploying an InferenceService", () => {
  it("Knative mode: conditions step Unknown to True, and the URLs follow Knative's domain template", async () => {
    const h = await startHarness();
    const { ready, statuses } = await deployIris(h);

    expect(timeline(statuses, "PredictorReady")).toEqual(["Unknown(RevisionMissing)", "True"]);
    expect(timeline(statuses, "IngressReady")).toEqual(["Unknown(Predictor ingress not created)", "True"]);
    expect(timeline(statuses, "Ready")).toEqual(["Unknown(Predictor ingress not created)", "True"]);
    expect(
      statuses.map((s) => s.modelStatus?.states?.targetModelState).filter((s, i, all) => s !== all[i - 1]),
    ).toEqual(["Pending", "Loading", "Loaded"]);
    expect(condition({ status: statuses[0] }, "PredictorReady")?.message).toBe(
      'Configuration "sklearn-iris-predictor" is waiting for a Revision to become ready.',
    );

    const status = ready.status!;
    expect(status.url).toBe("http://sklearn-iris.kserve-test.example.com");
    expect(status.address?.url).toBe("http://sklearn-iris.kserve-test.svc.cluster.local");
    expect(status.deploymentMode).toBe("Knative");
    expect(status.observedGeneration).toBe(1);
    expect(status.modelStatus).toEqual({
      transitionStatus: "UpToDate",
      states: { activeModelState: "Loaded", targetModelState: "Loaded" },
      copies: { failedCopies: 0, totalCopies: 1 },
    });
    expect(status.components?.["predictor"]).toEqual({
      latestReadyRevision: "sklearn-iris-predictor-00001",
      latestCreatedRevision: "sklearn-iris-predictor-00001",
      latestRolledoutRevision: "sklearn-iris-predictor-00001",
      traffic: [{ revisionName: "sklearn-iris-predictor-00001", latestRevision: true, percent: 100 }],
      url: "http://sklearn-iris-predictor.kserve-test.example.com",
      address: { url: "http://sklearn-iris-predictor.kserve-test.svc.cluster.local" },
    });
    // Knative-only conditions are informational; conditions come sorted by type, as Knative keeps them.
    expect(condition(ready, "PredictorRouteReady")).toMatchObject({ status: "True", severity: "Info" });
    const types = status.conditions!.map((c) => c.type);
    expect(types).toEqual([...types].sort());
    expect(ready.metadata["finalizers"]).toEqual(["inferenceservice.finalizers"]);
  });

  it("Standard mode: PredictorReady is False while the Deployment is unavailable, URLs use {name}-{namespace}", async () => {
    const h = await startHarness({ deploymentMode: "Standard", domain: "models.internal" });
    const { ready, statuses } = await deployIris(h);

    expect(timeline(statuses, "PredictorReady")).toEqual(["False(MinimumReplicasUnavailable)", "True"]);
    expect(timeline(statuses, "IngressReady")).toEqual(["False(Predictor ingress not created)", "True"]);
    expect(timeline(statuses, "Ready")).toEqual(["False(Predictor ingress not created)", "True"]);
    const status = ready.status!;
    expect(status.url).toBe("http://sklearn-iris-kserve-test.models.internal");
    expect(status.address?.url).toBe("http://sklearn-iris-predictor.kserve-test.svc.cluster.local");
    expect(status.components?.["predictor"]).toEqual({
      url: "http://sklearn-iris-predictor-kserve-test.models.internal",
    });
    expect(status.deploymentMode).toBe("Standard");
    expect(status.conditions!.map((c) => c.type)).toEqual(["IngressReady", "PredictorReady", "Ready"]);
  });

  it("the deploymentMode annotation chooses the mode of one InferenceService", async () => {
    const h = await startHarness({ deploymentMode: "Knative" });
    const { ready } = await deployIris(h, "raw-iris", {
      annotations: { [DEPLOYMENT_MODE_ANNOTATION]: "RawDeployment" },
    });
    expect(ready.status?.deploymentMode).toBe("Standard");
    expect(ready.status?.url).toBe("http://raw-iris-kserve-test.example.com");
  });

  it("a spec change is a new generation: a new revision rolls out while the old one keeps serving", async () => {
    const h = await startHarness({ stepMs: 60 });
    const { ready } = await deployIris(h);
    const recorder = await recordStatuses(h, "sklearn-iris");
    const body = { ...ready, spec: { predictor: { ...ready.spec.predictor, minReplicas: 2 } } };
    const replaced = (await h.custom.replaceNamespacedCustomObject({
      group: "serving.kserve.io",
      version: "v1beta1",
      namespace: NAMESPACE,
      plural: "inferenceservices",
      name: "sklearn-iris",
      body,
    })) as typeof ready;
    expect(replaced.metadata.generation).toBe(2);

    const rolling = await recorder.until(
      (isvc) => isvc.status?.observedGeneration === 2 && condition(isvc, "Ready")?.status === "Unknown",
    );
    expect(rolling.status?.components?.["predictor"]).toMatchObject({
      latestCreatedRevision: "sklearn-iris-predictor-00002",
      latestReadyRevision: "sklearn-iris-predictor-00001",
    });
    // Meanwhile the gateway still answers with the old revision.
    const during = await gatewayRequest(h.mock.ingressUrl, {
      host: hostOf(ready),
      path: "/v2/models/sklearn-iris/ready",
    });
    expect(during.status).toBe(200);

    const done = await recorder.until((isvc) => isvc.status?.observedGeneration === 2 && isReady(isvc));
    expect(done.status?.components?.["predictor"]).toMatchObject({
      latestReadyRevision: "sklearn-iris-predictor-00002",
      previousRolledoutRevision: "sklearn-iris-predictor-00001",
      latestRolledoutRevision: "sklearn-iris-predictor-00002",
    });
  });

  it("accepts KServe's server-side batcher (predictor.batcher): Ready, serving, and kept in the spec", async () => {
    const h = await startHarness();
    await applyCredentials(h);
    const recorder = await recordStatuses(h, "batched-iris");
    await create(h, manifest("batched-iris", { batcher: { maxBatchSize: 32, maxLatency: 500, timeout: 60 } }));
    const ready = await recorder.until(isReady);
    expect(ready.spec.predictor.batcher).toEqual({ maxBatchSize: 32, maxLatency: 500, timeout: 60 });
    const v1 = createV1Client({ baseUrl: h.mock.ingressUrl, host: hostOf(ready), httpClient: nodeHttpClient() });
    expect((await v1.predict("batched-iris", { instances: ROWS })).predictions).toEqual(CLASSES);
  });

  it("the sklearn runtime builds its classifier from the model file it downloaded", async () => {
    // A tree that splits on sepal width only: not the iris tree, so the answers show which file was loaded.
    const tree = { feature: 1, threshold: 3, left: { class: 2 }, right: { class: 0 } };
    const h = await startHarness({
      buckets: {
        [MOCK_S3_BUCKET.name]: {
          credentials: { accessKeyId: MOCK_S3_BUCKET.accessKeyId, secretAccessKey: MOCK_S3_BUCKET.secretAccessKey },
          objects: {
            "models/sklearn/iris/model.json": irisModelFile(),
            "models/custom/model.json": encodeTreeModelFile({ features: ["a", "b", "c", "d"], tree }),
          },
        },
      },
    });
    await applyCredentials(h);
    const recorder = await recordStatuses(h, "custom");
    await create(
      h,
      manifest("custom", {
        model: { modelFormat: { name: "sklearn", version: "1.5" }, storageUri: "s3://kserve-examples/models/custom" },
      }),
    );
    const ready = await recorder.until(isReady);
    const answer = await gatewayRequest(h.mock.ingressUrl, {
      host: hostOf(ready),
      method: "POST",
      path: "/v1/models/custom:predict",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ instances: ROWS }),
    });
    expect(JSON.parse(answer.body)).toEqual({ predictions: [2, 0, 2] });
  });

  it("kubeconfig carries the token when the API requires one", async () => {
    const h = await startHarness({ token: "s3cret" });
    expect(h.mock.kubeconfig).toContain("s3cret");
    await expect(h.core.listNamespacedServiceAccount({ namespace: NAMESPACE })).resolves.toMatchObject({
      items: [{ metadata: { name: "default" } }],
    });
    const anonymous = new k8s.KubeConfig();
    anonymous.loadFromString(h.mock.kubeconfig.replace("s3cret", "wrong"));
    await expect(anonymous.makeApiClient(k8s.CoreV1Api).listNamespace()).rejects.toMatchObject({ code: 401 });
  });
});

describe.each(["Knative", "Standard"] as MockDeploymentMode[])("calling the model through the gateway (%s)", (mode) => {
  it("V1 predict, V2 infer (JSON and binary) and gRPC, with the host of status.url", async () => {
    const h = await startHarness({ deploymentMode: mode });
    const { ready } = await deployIris(h);
    const host = hostOf(ready);
    const httpClient = nodeHttpClient();

    const v1 = createV1Client({ baseUrl: h.mock.ingressUrl, host, httpClient });
    expect((await v1.predict("sklearn-iris", { instances: ROWS })).predictions).toEqual(CLASSES);

    const v2 = createV2Client({ baseUrl: h.mock.ingressUrl, host, httpClient });
    const input = Tensor.fp32("input-0", [ROWS.length, 4], ROWS.flat());
    for (const binary of ["never", "always"] as const) {
      const answer = await v2.infer("sklearn-iris", { inputs: [input] }, { binary });
      expect(Array.from(answer.output("output-0", "INT64").data, Number)).toEqual(CLASSES);
    }
    await expect(v2.modelReady("sklearn-iris")).resolves.toBe(true);

    const transport = createNodeGrpcTransport({ baseUrl: h.mock.ingressUrl, authority: host });
    closeAfterTest(() => transport.close());
    const grpc = createGrpcClient({ transport });
    const answer = await grpc.infer("sklearn-iris", { inputs: [input] });
    expect(Array.from(answer.output("output-0", "INT64").data, Number)).toEqual(CLASSES);
  });

  it("the model is named after the InferenceService; the host matches whatever its case and port", async () => {
    const h = await startHarness({ deploymentMode: mode });
    const { ready } = await deployIris(h, "flowers");
    const host = hostOf(ready);
    const listed = await gatewayRequest(h.mock.ingressUrl, { host: `${host.toUpperCase()}:8080`, path: "/v1/models" });
    expect(listed).toMatchObject({ status: 200, body: '{"models":["flowers"]}' });
    expect(listed.headers["server"]).toBe("istio-envoy");
    const other = await gatewayRequest(h.mock.ingressUrl, { host, path: "/v2/models/sklearn-iris/ready" });
    expect(other.status).toBe(404); // KServe's own 404: the route exists, the model does not
    expect(JSON.parse(other.body)).toEqual({ error: "Model with name sklearn-iris does not exist." });
  });
});

describe("the gateway", () => {
  it("answers an unknown host with Envoy's empty 404, over HTTP/1.1 and gRPC", async () => {
    const h = await startHarness();
    await deployIris(h);
    const rest = await gatewayRequest(h.mock.ingressUrl, {
      host: "nobody.kserve-test.example.com",
      path: "/v1/models/sklearn-iris",
    });
    expect(rest).toMatchObject({ status: 404, body: "" });

    const transport = createNodeGrpcTransport({
      baseUrl: h.mock.ingressUrl,
      authority: "nobody.kserve-test.example.com",
    });
    closeAfterTest(() => transport.close());
    const failure = await createGrpcClient({ transport, retry: false })
      .infer("sklearn-iris", { inputs: [Tensor.fp32("input-0", [1, 4], ROWS[0]!)] })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeDefined();
    expect(String((failure as Error).message)).toMatch(/404/);
  });

  it("serves gRPC-web on its HTTP/1.1 side, routed by Host", async () => {
    const h = await startHarness();
    const { ready } = await deployIris(h);
    // ModelReady { name: "sklearn-iris" } in a gRPC-web data frame: flag 0, length, protobuf field 1.
    const message = Buffer.concat([Buffer.from([0x0a, 12]), Buffer.from("sklearn-iris")]);
    const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, message.length]), message]);
    const { request } = await import("node:http");
    const url = new URL(h.mock.ingressUrl);
    const body = await new Promise<Buffer>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method: "POST",
          path: "/inference.GRPCInferenceService/ModelReady",
          agent: false,
          headers: { host: hostOf(ready), "content-type": "application/grpc-web+proto", "x-grpc-web": "1" },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve(Buffer.concat(chunks)));
        },
      );
      req.on("error", reject);
      req.end(frame);
    });
    // The response frame (ready = true), then the trailers frame with grpc-status 0.
    expect([...body.subarray(0, 7)]).toEqual([0, 0, 0, 0, 2, 0x08, 0x01]);
    expect(body.subarray(7).toString("latin1")).toMatch(/grpc-status: ?0/);
  });

  it("stops routing to a deleted InferenceService", async () => {
    const h = await startHarness();
    const { ready } = await deployIris(h);
    const host = hostOf(ready);
    expect((await gatewayRequest(h.mock.ingressUrl, { host, path: "/v1/models/sklearn-iris" })).status).toBe(200);

    await h.custom.deleteNamespacedCustomObject({
      group: "serving.kserve.io",
      version: "v1beta1",
      namespace: NAMESPACE,
      plural: "inferenceservices",
      name: "sklearn-iris",
    });
    // KServe's finalizer is removed by the controller, which completes the deletion.
    await expect
      .poll(() => h.mock.store.find("inferenceservices", { namespace: NAMESPACE, name: "sklearn-iris" }), {
        timeout: 2000,
        interval: 10,
      })
      .toBeUndefined();
    await expect(read(h, "sklearn-iris")).rejects.toMatchObject({ code: 404 });
    expect((await gatewayRequest(h.mock.ingressUrl, { host, path: "/v1/models/sklearn-iris" })).status).toBe(404);
  });

  it("has CORS off by default: a preflight reaches the model server, which refuses it", async () => {
    const h = await startHarness();
    const { ready } = await deployIris(h);
    const preflight = await gatewayRequest(h.mock.ingressUrl, {
      host: hostOf(ready),
      method: "OPTIONS",
      path: "/v2/models/sklearn-iris/infer",
      headers: {
        origin: "http://localhost:5173",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(preflight.status).toBe(405);
    expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("with cors on, answers preflights and exposes the gRPC and binary-extension headers", async () => {
    const h = await startHarness({ cors: true });
    const { ready } = await deployIris(h);
    const origin = "http://localhost:5173";
    const preflight = await gatewayRequest(h.mock.ingressUrl, {
      host: hostOf(ready),
      method: "OPTIONS",
      path: "/inference.GRPCInferenceService/ModelInfer",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,x-grpc-web,x-user-agent",
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers["access-control-allow-origin"]).toBe(origin);
    expect(String(preflight.headers["access-control-allow-methods"])).toContain("POST");
    const allowed = String(preflight.headers["access-control-allow-headers"]).split(/,\s*/);
    expect(allowed).toEqual(
      expect.arrayContaining([
        "content-type",
        "authorization",
        "x-grpc-web",
        "x-user-agent",
        "inference-header-content-length",
      ]),
    );

    const answer = await gatewayRequest(h.mock.ingressUrl, {
      host: hostOf(ready),
      path: "/v2/models/sklearn-iris",
      headers: { origin },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers["access-control-allow-origin"]).toBe(origin);
    expect(String(answer.headers["access-control-expose-headers"]).split(/,\s*/)).toEqual(
      expect.arrayContaining(["grpc-status", "grpc-message", "inference-header-content-length"]),
    );
  });
});

describe("startMockKServe", () => {
  it("with cluster: false starts no cluster, and says so when asked for one", async () => {
    const mock = await startMockKServe({ cluster: false, grpc: false });
    closeAfterTest(() => mock.close());
    expect(() => mock.kubeUrl).toThrow(/cluster: false/);
    expect(() => mock.store).toThrow(/cluster: false/);
    const answer = await fetch(`${mock.url}/v2/models/iris-classifier/ready`);
    expect(answer.status).toBe(200);
  });

  it("leaves no server behind once closed", async () => {
    const servers = () => process.getActiveResourcesInfo().filter((r) => r === "TCPServerWrap").length;
    // A closed handle is released on a later turn of the event loop: the earlier tests' servers are gone by then.
    await expect.poll(servers, { timeout: 1000, interval: 5 }).toBe(0);
    const h = await startHarness({ stepMs: 5 });
    await deployIris(h);
    expect(servers()).toBe(4); // model server, gRPC server, Kubernetes API, gateway
    await h.mock.close();
    await expect.poll(servers, { timeout: 1000, interval: 5 }).toBe(0);
  });
});
