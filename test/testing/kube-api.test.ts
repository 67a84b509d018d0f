/**
 * The Kubernetes API subset (src/testing/kube) driven by the official client, @kubernetes/client-node 1.4,
 * the way deploy() and users' own code will drive it; plus raw HTTP for exact Status bodies and the
 * in-process store API the reconciler uses.
 */
import * as k8s from "@kubernetes/client-node";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  createKubeStore,
  type KubeApi,
  type KubeApiOptions,
  type KubeStatus,
  type KubeStoreOptions,
  startKubeApi,
  type WatchEvent,
} from "../../src/testing/kube/index.js";

const TOKEN = "test-token";
const GROUP = "serving.kserve.io";
const VERSION = "v1beta1";
const PLURAL = "inferenceservices";
const ISVC_PATH = (ns: string) => `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${PLURAL}`;

const running: KubeApi[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((api) => api.close()));
});

async function start(options: KubeApiOptions & { storeOptions?: KubeStoreOptions } = {}): Promise<KubeApi> {
  const api = await startKubeApi({ token: TOKEN, store: createKubeStore(options.storeOptions), ...options });
  running.push(api);
  return api;
}

function kubeConfig(url: string, token = TOKEN): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "mock", server: url, skipTLSVerify: true }],
    users: [{ name: "tester", token }],
    contexts: [{ name: "mock", cluster: "mock", user: "tester", namespace: "default" }],
    currentContext: "mock",
  });
  return kc;
}

/** The client's clients for one server. */
async function connect(options: Parameters<typeof start>[0] = {}) {
  const api = await start(options);
  const kc = kubeConfig(api.url);
  return { api, kc, core: kc.makeApiClient(k8s.CoreV1Api), custom: kc.makeApiClient(k8s.CustomObjectsApi) };
}

/** How client-node surfaces a failure: an ApiException with the code and the Status as JSON text. */
async function failureOf(call: Promise<unknown>): Promise<{ code: number; status: KubeStatus }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof k8s.ApiException)) throw error;
    return { code: error.code, status: JSON.parse(error.body as string) as KubeStatus };
  }
  throw new Error("expected the call to fail");
}

function isvc(name: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: "InferenceService",
    metadata: { name },
    spec: { predictor: { model: { modelFormat: { name: "sklearn" }, storageUri: "s3://models/iris" } } },
    ...extra,
  };
}

type Isvc = ReturnType<typeof isvc> & {
  metadata: { name: string; resourceVersion: string; generation: number; uid: string; labels?: Record<string, string> };
  status?: unknown;
};

/** The CustomObjectsApi coordinates of a namespace's InferenceServices, or (with a name) of one. */
function isvcRef(namespace: string): { group: string; version: string; namespace: string; plural: string };
function isvcRef(
  namespace: string,
  name: string,
): { group: string; version: string; namespace: string; plural: string; name: string };
function isvcRef(namespace: string, name?: string) {
  return { group: GROUP, version: VERSION, namespace, plural: PLURAL, ...(name === undefined ? {} : { name }) };
}
const mergePatch = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
const applyPatch = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.ServerSideApply);

async function raw(api: KubeApi, path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const headers = {
    authorization: `Bearer ${TOKEN}`,
    ...(init.body === undefined ? {} : { "content-type": "application/json" }),
    ...(init.headers as Record<string, string>),
  };
  const res = await fetch(api.url + path, { ...init, headers });
  const text = await res.text();
  return { status: res.status, body: text === "" ? undefined : (JSON.parse(text) as unknown) };
}

describe("core/v1 through CoreV1Api", () => {
  it("creates a namespace the way the apiserver does, with its default ServiceAccount", async () => {
    const { core } = await connect();
    const ns = await core.createNamespace({ body: { metadata: { name: "models" } } });
    expect(ns.status?.phase).toBe("Active");
    expect(ns.spec?.finalizers).toEqual(["kubernetes"]);
    expect(ns.metadata?.labels).toEqual({ "kubernetes.io/metadata.name": "models" });
    expect(ns.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    const accounts = await core.listNamespacedServiceAccount({ namespace: "models" });
    expect(accounts.items.map((a) => a.metadata?.name)).toEqual(["default"]);
    expect((await core.readNamespace({ name: "default" })).status?.phase).toBe("Active");
  });

  it("stores stringData base64-encoded in data and never returns stringData", async () => {
    const { core } = await connect();
    const created = await core.createNamespacedSecret({
      namespace: "default",
      body: {
        metadata: { name: "s3-credentials" },
        stringData: { AWS_ACCESS_KEY_ID: "minio", AWS_SECRET_ACCESS_KEY: "minio123 ✓" },
        data: { other: "eA==" },
      },
    });
    expect(created.type).toBe("Opaque");
    expect(created.stringData).toBeUndefined();
    expect(created.data).toEqual({
      other: "eA==",
      AWS_ACCESS_KEY_ID: Buffer.from("minio").toString("base64"),
      AWS_SECRET_ACCESS_KEY: Buffer.from("minio123 ✓").toString("base64"),
    });
    const read = await core.readNamespacedSecret({ namespace: "default", name: "s3-credentials" });
    expect(read.data).toEqual(created.data);
    expect(read.stringData).toBeUndefined();
  });

  it("answers 404 for a missing namespace, 409 for a taken name, 422 for a bad name", async () => {
    const { core } = await connect();
    const noNamespace = await failureOf(
      core.createNamespacedSecret({ namespace: "nope", body: { metadata: { name: "s" } } }),
    );
    expect(noNamespace.code).toBe(404);
    expect(noNamespace.status).toMatchObject({
      reason: "NotFound",
      message: 'namespaces "nope" not found',
      details: { name: "nope", kind: "namespaces" },
    });

    await core.createNamespacedServiceAccount({ namespace: "default", body: { metadata: { name: "sa" } } });
    const taken = await failureOf(
      core.createNamespacedServiceAccount({ namespace: "default", body: { metadata: { name: "sa" } } }),
    );
    expect(taken.code).toBe(409);
    expect(taken.status).toMatchObject({ reason: "AlreadyExists", message: 'serviceaccounts "sa" already exists' });

    const bad = await failureOf(
      core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "Bad_Name" } } }),
    );
    expect(bad.code).toBe(422);
    expect(bad.status.reason).toBe("Invalid");
    expect(bad.status.message).toMatch(
      /^Secret "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of/,
    );
    expect(bad.status.details).toMatchObject({
      name: "Bad_Name",
      kind: "Secret",
      causes: [{ reason: "FieldValueInvalid", field: "metadata.name" }],
    });
    expect(bad.status.details?.causes?.[0]?.message).toMatch(/^Invalid value: "Bad_Name": /);

    // Namespace names are DNS labels: no dots.
    const dotted = await failureOf(core.createNamespace({ body: { metadata: { name: "a.b" } } }));
    expect(dotted.code).toBe(422);
    expect(dotted.status.message).toBe(
      'Namespace "a.b" is invalid: metadata.name: Invalid value: "a.b": must not contain dots',
    );
  });

  it("refuses a replace with a stale resourceVersion (409) and accepts the current one", async () => {
    const { core } = await connect();
    const first = await core.createNamespacedSecret({
      namespace: "default",
      body: { metadata: { name: "s" }, stringData: { k: "1" } },
    });
    const second = await core.replaceNamespacedSecret({
      namespace: "default",
      name: "s",
      body: { ...first, stringData: { k: "2" } },
    });
    expect(Number(second.metadata?.resourceVersion)).toBeGreaterThan(Number(first.metadata?.resourceVersion));
    const stale = await failureOf(
      core.replaceNamespacedSecret({ namespace: "default", name: "s", body: { ...first, stringData: { k: "3" } } }),
    );
    expect(stale.code).toBe(409);
    expect(stale.status.message).toBe(
      'Operation cannot be fulfilled on secrets "s": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect((await core.readNamespacedSecret({ namespace: "default", name: "s" })).data).toEqual({
      k: Buffer.from("2").toString("base64"),
    });
  });

  it("deletes: a Secret answers with a Status, a ServiceAccount with itself; then 404", async () => {
    const { core } = await connect();
    const secret = await core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "s" } } });
    const status = await core.deleteNamespacedSecret({ namespace: "default", name: "s" });
    expect(status).toMatchObject({
      status: "Success",
      details: { name: "s", kind: "secrets", uid: secret.metadata?.uid },
    });
    await core.createNamespacedServiceAccount({ namespace: "default", body: { metadata: { name: "sa" } } });
    const account = await core.deleteNamespacedServiceAccount({ namespace: "default", name: "sa" });
    expect(account.metadata?.name).toBe("sa");
    const gone = await failureOf(core.readNamespacedSecret({ namespace: "default", name: "s" }));
    expect(gone.code).toBe(404);
    expect(gone.status.message).toBe('secrets "s" not found');
    expect((await failureOf(core.deleteNamespacedServiceAccount({ namespace: "default", name: "sa" }))).code).toBe(404);
  });

  it("lists with label and field selectors", async () => {
    const { core } = await connect();
    for (const [name, tier] of [
      ["a", "gold"],
      ["b", "silver"],
      ["c", "gold"],
    ] as const) {
      await core.createNamespacedSecret({ namespace: "default", body: { metadata: { name, labels: { tier } } } });
    }
    const names = async (query: { labelSelector?: string; fieldSelector?: string }) =>
      (await core.listNamespacedSecret({ namespace: "default", ...query })).items.map((s) => s.metadata?.name);
    expect(await names({})).toEqual(["a", "b", "c"]);
    expect(await names({ labelSelector: "tier=gold" })).toEqual(["a", "c"]);
    expect(await names({ labelSelector: "tier!=gold" })).toEqual(["b"]);
    expect(await names({ labelSelector: "tier in (silver, bronze)" })).toEqual(["b"]);
    expect(await names({ labelSelector: "!tier" })).toEqual([]);
    expect(await names({ fieldSelector: "metadata.name=c" })).toEqual(["c"]);
    expect(await names({ labelSelector: "tier=gold", fieldSelector: "metadata.name!=a" })).toEqual(["c"]);
    const unknownField = await failureOf(
      core.listNamespacedSecret({ namespace: "default", fieldSelector: "spec.x=1" }),
    );
    expect(unknownField).toMatchObject({
      code: 400,
      status: { reason: "BadRequest", message: "field label not supported: spec.x" },
    });
  });

  it("merge-patches a Secret when the Content-Type is set through setHeaderOptions", async () => {
    const { core } = await connect();
    await core.createNamespacedSecret({
      namespace: "default",
      body: { metadata: { name: "s", labels: { a: "1", b: "2" } } },
    });
    const patched = await core.patchNamespacedSecret(
      { namespace: "default", name: "s", body: { metadata: { labels: { a: null, c: "3" } } } },
      mergePatch,
    );
    expect(patched.metadata?.labels).toEqual({ b: "2", c: "3" });
  });

  it("requires the bearer token (401 Status otherwise)", async () => {
    const { api } = await connect();
    const wrong = kubeConfig(api.url, "not-the-token").makeApiClient(k8s.CoreV1Api);
    await expect(wrong.listNamespace()).rejects.toMatchObject({ code: 401 });
    const res = await fetch(`${api.url}/api/v1/namespaces`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "Unauthorized",
      reason: "Unauthorized",
      code: 401,
    });
  });
});

describe("InferenceServices through CustomObjectsApi", () => {
  it("creates, reads and lists (per namespace, across namespaces, by label)", async () => {
    const { core, custom } = await connect();
    await core.createNamespace({ body: { metadata: { name: "team-b" } } });
    const created = (await custom.createNamespacedCustomObject({
      ...isvcRef("default"),
      body: isvc("iris", { status: { url: "ignored" } }),
    })) as Isvc;
    expect(created.metadata).toMatchObject({ name: "iris", namespace: "default", generation: 1 });
    expect(created.status).toBeUndefined(); // status is written through /status only
    await custom.createNamespacedCustomObject({
      ...isvcRef("team-b"),
      body: { ...isvc("echo"), metadata: { name: "echo", labels: { app: "echo" } } },
    });

    const read = (await custom.getNamespacedCustomObject(isvcRef("default", "iris"))) as Isvc;
    expect(read).toEqual(created);
    const inDefault = (await custom.listNamespacedCustomObject(isvcRef("default"))) as {
      kind: string;
      apiVersion: string;
      items: Isvc[];
      metadata: { resourceVersion: string };
    };
    expect(inDefault.kind).toBe("InferenceServiceList");
    expect(inDefault.apiVersion).toBe(`${GROUP}/${VERSION}`);
    expect(inDefault.items.map((i) => i.metadata.name)).toEqual(["iris"]);
    expect(inDefault.items[0]!.kind).toBe("InferenceService"); // custom resource lists keep kind on items
    const everywhere = (await custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL })) as {
      items: Isvc[];
    };
    expect(
      everywhere.items.map((i) => `${(i.metadata as { namespace?: string }).namespace}/${i.metadata.name}`),
    ).toEqual(["default/iris", "team-b/echo"]);
    const labelled = (await custom.listClusterCustomObject({
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      labelSelector: "app=echo",
    })) as { items: Isvc[] };
    expect(labelled.items.map((i) => i.metadata.name)).toEqual(["echo"]);

    const missing = await failureOf(custom.getNamespacedCustomObject(isvcRef("default", "nope")));
    expect(missing.code).toBe(404);
    expect(missing.status).toMatchObject({
      message: 'inferenceservices.serving.kserve.io "nope" not found',
      details: { name: "nope", group: GROUP, kind: PLURAL },
    });
  });

  it("replaces: generation follows spec changes only, a stale or missing resourceVersion is refused", async () => {
    const { custom } = await connect();
    const v1 = (await custom.createNamespacedCustomObject({ ...isvcRef("default"), body: isvc("iris") })) as Isvc;
    const labelled = (await custom.replaceNamespacedCustomObject({
      ...isvcRef("default", "iris"),
      body: { ...v1, metadata: { ...v1.metadata, labels: { a: "b" } } },
    })) as Isvc;
    expect(labelled.metadata.generation).toBe(1);
    const respec = {
      ...labelled,
      spec: { predictor: { model: { modelFormat: { name: "sklearn" }, storageUri: "s3://models/iris-v2" } } },
    };
    const v2 = (await custom.replaceNamespacedCustomObject({ ...isvcRef("default", "iris"), body: respec })) as Isvc;
    expect(v2.metadata.generation).toBe(2);

    const stale = await failureOf(custom.replaceNamespacedCustomObject({ ...isvcRef("default", "iris"), body: v1 }));
    expect(stale.code).toBe(409);
    expect(stale.status.message).toBe(
      'Operation cannot be fulfilled on inferenceservices.serving.kserve.io "iris": the object has been modified; please apply your changes to the latest version and try again',
    );
    // Custom resources do not take unconditional updates.
    const { resourceVersion: _rv, ...withoutVersion } = v2.metadata;
    const unconditional = await failureOf(
      custom.replaceNamespacedCustomObject({
        ...isvcRef("default", "iris"),
        body: { ...v2, metadata: withoutVersion },
      }),
    );
    expect(unconditional.code).toBe(422);
    expect(unconditional.status.message).toBe(
      'InferenceService.serving.kserve.io "iris" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update',
    );
  });

  it("writes status only through /status, without a new generation", async () => {
    const { custom } = await connect();
    const created = (await custom.createNamespacedCustomObject({ ...isvcRef("default"), body: isvc("iris") })) as Isvc;
    const status = { url: "http://iris-default.example.com", conditions: [{ type: "Ready", status: "True" }] };
    const withStatus = (await custom.replaceNamespacedCustomObjectStatus({
      ...isvcRef("default", "iris"),
      body: { ...created, spec: { changed: "ignored on /status" }, status },
    })) as Isvc;
    expect(withStatus.status).toEqual(status);
    expect(withStatus.spec).toEqual(created.spec);
    expect(withStatus.metadata.generation).toBe(1);
    expect(Number(withStatus.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    // …and the main resource ignores status.
    const replaced = (await custom.replaceNamespacedCustomObject({
      ...isvcRef("default", "iris"),
      body: { ...withStatus, status: { url: "overwritten?" } },
    })) as Isvc;
    expect(replaced.status).toEqual(status);
  });

  it("patches: JSON patch by default, merge patch and server-side apply through setHeaderOptions", async () => {
    const { custom } = await connect();
    await custom.createNamespacedCustomObject({ ...isvcRef("default"), body: isvc("iris") });
    // client-node 1.x picks application/json-patch+json for patchNamespacedCustomObject unless told otherwise.
    const jsonPatched = (await custom.patchNamespacedCustomObject({
      ...isvcRef("default", "iris"),
      body: [{ op: "replace", path: "/spec/predictor/model/storageUri", value: "s3://models/v2" }],
    })) as Isvc;
    expect(jsonPatched.spec.predictor.model.storageUri).toBe("s3://models/v2");
    expect(jsonPatched.metadata.generation).toBe(2);
    // A merge-patch body sent as the default JSON patch is not a patch at all.
    expect(
      (
        await failureOf(
          custom.patchNamespacedCustomObject({
            ...isvcRef("default", "iris"),
            body: { metadata: { labels: { a: "b" } } },
          }),
        )
      ).code,
    ).toBe(400);

    const merged = (await custom.patchNamespacedCustomObject(
      { ...isvcRef("default", "iris"), body: { metadata: { labels: { a: "b" } } } },
      mergePatch,
    )) as Isvc;
    expect(merged.metadata.labels).toEqual({ a: "b" });
    expect(merged.metadata.generation).toBe(2);

    // Apply creates when missing (201) and needs a field manager.
    const applied = (await custom.patchNamespacedCustomObject(
      { ...isvcRef("default", "echo"), body: isvc("echo"), fieldManager: "kserve-client" },
      applyPatch,
    )) as Isvc;
    expect(applied.metadata).toMatchObject({ name: "echo", generation: 1 });
    const noManager = await failureOf(
      custom.patchNamespacedCustomObject({ ...isvcRef("default", "echo"), body: isvc("echo") }, applyPatch),
    );
    expect(noManager.code).toBe(422);
    expect(noManager.status).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      reason: "Invalid",
      details: {
        group: "meta.k8s.io",
        kind: "PatchOptions",
        causes: [
          {
            reason: "FieldValueRequired",
            message: "Required value: is required for apply patch",
            field: "fieldManager",
          },
        ],
      },
      code: 422,
    });
  });

  it("applies again as the same manager: changed fields update, dropped fields go", async () => {
    const { custom } = await connect();
    const first = { ...isvc("iris"), metadata: { name: "iris", labels: { keep: "1", drop: "2" } } };
    await custom.patchNamespacedCustomObject(
      { ...isvcRef("default", "iris"), body: first, fieldManager: "deployer" },
      applyPatch,
    );
    // Someone else's label survives the next apply.
    await custom.patchNamespacedCustomObject(
      { ...isvcRef("default", "iris"), body: { metadata: { labels: { other: "x" } } } },
      mergePatch,
    );
    const second = {
      ...isvc("iris"),
      metadata: { name: "iris", labels: { keep: "1" } },
      spec: { predictor: { model: { modelFormat: { name: "sklearn" }, storageUri: "s3://b" } } },
    };
    const result = (await custom.patchNamespacedCustomObject(
      { ...isvcRef("default", "iris"), body: second, fieldManager: "deployer" },
      applyPatch,
    )) as Isvc;
    expect(result.metadata.labels).toEqual({ keep: "1", other: "x" });
    expect(result.spec.predictor.model.storageUri).toBe("s3://b");
    expect(result.metadata.generation).toBe(2);
  });

  it("keeps an object with finalizers until the last one is removed", async () => {
    const { custom } = await connect();
    await custom.createNamespacedCustomObject({
      ...isvcRef("default"),
      body: { ...isvc("iris"), metadata: { name: "iris", finalizers: ["inferenceservice.finalizers"] } },
    });
    const deleting = (await custom.deleteNamespacedCustomObject(isvcRef("default", "iris"))) as Isvc & {
      metadata: { deletionTimestamp?: string };
    };
    expect(deleting.kind).toBe("InferenceService"); // the object, not a Status: it is not gone yet
    expect(deleting.metadata.deletionTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const stillThere = (await custom.getNamespacedCustomObject(isvcRef("default", "iris"))) as Isvc;
    expect(stillThere.metadata.name).toBe("iris");
    const addFinalizer = await failureOf(
      custom.patchNamespacedCustomObject(
        { ...isvcRef("default", "iris"), body: { metadata: { finalizers: ["inferenceservice.finalizers", "x"] } } },
        mergePatch,
      ),
    );
    expect(addFinalizer.code).toBe(422);
    await custom.patchNamespacedCustomObject(
      { ...isvcRef("default", "iris"), body: { metadata: { finalizers: null } } },
      mergePatch,
    );
    expect((await failureOf(custom.getNamespacedCustomObject(isvcRef("default", "iris")))).code).toBe(404);
  });

  it("an admission hook denies with 422 and the webhook's causes, as a validating webhook would", async () => {
    const { custom } = await connect({
      storeOptions: {
        admit: ({ resource, object }) => {
          if (resource !== "inferenceservices") return undefined;
          const uri =
            (object["spec"] as { predictor?: { model?: { storageUri?: string } } }).predictor?.model?.storageUri ?? "";
          return uri.startsWith("s3://")
            ? undefined
            : [{ path: "spec.predictor.model.storageUri", message: `unsupported storage URI "${uri}"` }];
        },
      },
    });
    await custom.createNamespacedCustomObject({ ...isvcRef("default"), body: isvc("good") });
    const body = {
      ...isvc("bad"),
      spec: { predictor: { model: { modelFormat: { name: "sklearn" }, storageUri: "ftp://x" } } },
    };
    const denied = await failureOf(custom.createNamespacedCustomObject({ ...isvcRef("default"), body }));
    expect(denied.code).toBe(422);
    expect(denied.status.message).toBe(
      'admission webhook "inferenceservice.kserve-webhook-server.validator" denied the request: InferenceService.serving.kserve.io "bad" is invalid: spec.predictor.model.storageUri: unsupported storage URI "ftp://x"',
    );
    expect(denied.status.details).toEqual({
      name: "bad",
      group: GROUP,
      kind: "InferenceService",
      causes: [
        {
          reason: "FieldValueInvalid",
          message: 'unsupported storage URI "ftp://x"',
          field: "spec.predictor.model.storageUri",
        },
      ],
    });
    // Updates are admitted too; a denied one changes nothing.
    const update = await failureOf(
      custom.patchNamespacedCustomObject(
        { ...isvcRef("default", "good"), body: { spec: { predictor: { model: { storageUri: "gs://x" } } } } },
        mergePatch,
      ),
    );
    expect(update.code).toBe(422);
    expect(
      ((await custom.getNamespacedCustomObject(isvcRef("default", "good"))) as Isvc).spec.predictor.model.storageUri,
    ).toBe("s3://models/iris");
  });

  it("an admission hook can deny as KServe's own validator does: 403 with the message", async () => {
    const { custom, core } = await connect({
      storeOptions: {
        denialStyle: "forbidden",
        admit: ({ resource }) =>
          resource === "inferenceservices" ? [{ path: "metadata.name", message: "name is bad" }] : undefined,
      },
    });
    await core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "not-validated" } } });
    const denied = await failureOf(custom.createNamespacedCustomObject({ ...isvcRef("default"), body: isvc("x") }));
    expect(denied.code).toBe(403);
    expect(denied.status).toMatchObject({
      reason: "Forbidden",
      message: 'admission webhook "inferenceservice.kserve-webhook-server.validator" denied the request: name is bad',
    });
  });
});

describe("Watch", () => {
  /** Collects a client-node watch's events. */
  async function watchWith(kc: k8s.KubeConfig, path: string, query: Record<string, string | number | boolean> = {}) {
    const events: { type: string; object: any }[] = [];
    let finished: (err: unknown) => void = () => {};
    const done = new Promise<unknown>((resolve) => (finished = resolve));
    // Resolves once the response headers are back: the server has subscribed, later changes will arrive.
    const controller = await new k8s.Watch(kc).watch(
      path,
      query,
      (type, object) => events.push({ type, object }),
      (err) => finished(err),
    );
    return { events, done, stop: () => controller.abort() };
  }
  const types = (events: { type: string; object: any }[]) =>
    events.map((e) => `${e.type} ${e.object.metadata?.name ?? e.object.reason}`);

  it("streams ADDED, MODIFIED and DELETED as the client changes InferenceServices", async () => {
    const { kc, custom } = await connect();
    const watch = await watchWith(kc, ISVC_PATH("default"));
    await custom.createNamespacedCustomObject({ ...isvcRef("default"), body: isvc("iris") });
    await custom.patchNamespacedCustomObject(
      { ...isvcRef("default", "iris"), body: { metadata: { labels: { a: "b" } } } },
      mergePatch,
    );
    await custom.deleteNamespacedCustomObject(isvcRef("default", "iris"));
    await vi.waitFor(() => expect(types(watch.events)).toEqual(["ADDED iris", "MODIFIED iris", "DELETED iris"]));
    const versions = watch.events.map((e) => Number(e.object.metadata.resourceVersion));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(3);
    expect(watch.events[1]!.object.metadata.labels).toEqual({ a: "b" });
    watch.stop();
  });

  it("starts with ADDED for existing objects when no resourceVersion is given", async () => {
    const { kc, custom } = await connect();
    await custom.createNamespacedCustomObject({ ...isvcRef("default"), body: isvc("a") });
    await custom.createNamespacedCustomObject({ ...isvcRef("default"), body: isvc("b") });
    const watch = await watchWith(kc, ISVC_PATH("default"));
    await vi.waitFor(() => expect(types(watch.events)).toEqual(["ADDED a", "ADDED b"]));
    watch.stop();
  });

  it("resumes from a resourceVersion: replays what came after it, nothing before", async () => {
    const { kc, custom } = await connect();
    const list = (await custom.listNamespacedCustomObject(isvcRef("default"))) as {
      metadata: { resourceVersion: string };
    };
    await custom.createNamespacedCustomObject({ ...isvcRef("default"), body: isvc("a") });
    const b = (await custom.createNamespacedCustomObject({ ...isvcRef("default"), body: isvc("b") })) as Isvc;
    await custom.deleteNamespacedCustomObject(isvcRef("default", "a"));

    const fromList = await watchWith(kc, ISVC_PATH("default"), { resourceVersion: list.metadata.resourceVersion });
    await vi.waitFor(() => expect(types(fromList.events)).toEqual(["ADDED a", "ADDED b", "DELETED a"]));
    const fromB = await watchWith(kc, ISVC_PATH("default"), { resourceVersion: b.metadata.resourceVersion });
    await vi.waitFor(() => expect(types(fromB.events)).toEqual(["DELETED a"]));
    // Live events follow the replay on the same stream.
    await custom.createNamespacedCustomObject({ ...isvcRef("default"), body: isvc("c") });
    await vi.waitFor(() => expect(types(fromB.events)).toEqual(["DELETED a", "ADDED c"]));
    fromList.stop();
    fromB.stop();
  });

  it("answers a too old resourceVersion with one ERROR event (410 Expired) and ends the stream", async () => {
    const { kc, custom } = await connect({ storeOptions: { historyLimit: 2 } });
    for (const name of ["a", "b", "c", "d"])
      await custom.createNamespacedCustomObject({ ...isvcRef("default"), body: isvc(name) });
    const watch = await watchWith(kc, ISVC_PATH("default"), { resourceVersion: "1" });
    await expect(watch.done).resolves.toBeNull();
    expect(watch.events).toHaveLength(1);
    expect(watch.events[0]!.type).toBe("ERROR");
    expect(watch.events[0]!.object).toMatchObject({ kind: "Status", status: "Failure", reason: "Expired", code: 410 });
    expect(watch.events[0]!.object.message).toMatch(/^too old resource version: 1 \(\d+\)$/);
  });

  it("follows a label selector: an object relabelled out of it is DELETED for this watch", async () => {
    const { kc, custom } = await connect();
    const watch = await watchWith(kc, ISVC_PATH("default"), { labelSelector: "tier=gold" });
    await custom.createNamespacedCustomObject({
      ...isvcRef("default"),
      body: { ...isvc("plain"), metadata: { name: "plain" } },
    });
    await custom.createNamespacedCustomObject({
      ...isvcRef("default"),
      body: { ...isvc("gold"), metadata: { name: "gold", labels: { tier: "gold" } } },
    });
    await custom.patchNamespacedCustomObject(
      { ...isvcRef("default", "plain"), body: { metadata: { labels: { tier: "gold" } } } },
      mergePatch,
    );
    await custom.patchNamespacedCustomObject(
      { ...isvcRef("default", "gold"), body: { metadata: { labels: { tier: "silver" } } } },
      mergePatch,
    );
    await vi.waitFor(() => expect(types(watch.events)).toEqual(["ADDED gold", "ADDED plain", "DELETED gold"]));
    watch.stop();
  });

  it("ends the stream after timeoutSeconds, and on server close", async () => {
    const { api, kc } = await connect();
    const timed = await watchWith(kc, ISVC_PATH("default"), { timeoutSeconds: 1 });
    await expect(timed.done).resolves.toBeNull();
    const open = await watchWith(kc, "/api/v1/namespaces");
    await vi.waitFor(() => expect(types(open.events)).toEqual(["ADDED default"]));
    await api.close();
    running.splice(running.indexOf(api), 1);
    await expect(open.done).resolves.toBeNull();
  });
});

describe("KubernetesObjectApi (discovery-driven)", () => {
  it("finds the resources through discovery and does create, read, list and patch", async () => {
    const { kc } = await connect();
    const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    const service = await objects.create(isvc("iris") as k8s.KubernetesObject);
    expect(service.metadata?.namespace).toBe("default"); // the context's namespace
    const secret = await objects.create({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s", namespace: "default", labels: { a: "1" } },
    } as k8s.V1Secret);
    expect(secret.metadata?.uid).toBeDefined();
    const read = await objects.read({
      apiVersion: `${GROUP}/${VERSION}`,
      kind: "InferenceService",
      metadata: { name: "iris", namespace: "default" },
    });
    expect(read.metadata?.uid).toBe(service.metadata?.uid);
    const listed = await objects.list(`${GROUP}/${VERSION}`, "InferenceService", "default");
    expect(listed.items.map((i) => i.metadata?.name)).toEqual(["iris"]);

    // Its patch() defaults to a strategic merge patch: fine for built-in kinds, 415 for custom resources.
    const patchedSecret = await objects.patch({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s", namespace: "default", labels: { b: "2" } },
    });
    expect(patchedSecret.metadata?.labels).toEqual({ a: "1", b: "2" });
    const strategic = await failureOf(
      objects.patch({
        apiVersion: `${GROUP}/${VERSION}`,
        kind: "InferenceService",
        metadata: { name: "iris", namespace: "default", labels: { b: "2" } },
      }),
    );
    expect(strategic.code).toBe(415);
    expect(strategic.status.message).toBe(
      "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
    );
    const merged = await objects.patch(
      {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: "InferenceService",
        metadata: { name: "iris", namespace: "default", labels: { b: "2" } },
      },
      undefined,
      undefined,
      undefined,
      undefined,
      k8s.PatchStrategy.MergePatch,
    );
    expect(merged.metadata?.labels).toEqual({ b: "2" });
  });
});

describe("raw HTTP", () => {
  it("serves discovery, and Status errors for unknown paths and verbs", async () => {
    const { api } = await connect();
    const core = await raw(api, "/api/v1");
    expect(core.body).toMatchObject({ kind: "APIResourceList", groupVersion: "v1" });
    expect(core.body.resources.map((r: { name: string }) => r.name)).toEqual([
      "namespaces",
      "namespaces/status",
      "secrets",
      "serviceaccounts",
    ]);
    const kserve = await raw(api, `/apis/${GROUP}/${VERSION}`);
    expect(kserve.body.resources[0]).toMatchObject({
      name: PLURAL,
      singularName: "inferenceservice",
      namespaced: true,
      kind: "InferenceService",
      shortNames: ["isvc"],
    });
    expect((await raw(api, "/apis")).body.groups[0]).toMatchObject({
      name: GROUP,
      preferredVersion: { groupVersion: `${GROUP}/${VERSION}` },
    });
    expect((await raw(api, "/api")).body).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
    expect((await raw(api, `/apis/${GROUP}`)).body).toMatchObject({
      kind: "APIGroup",
      name: GROUP,
      versions: [{ groupVersion: `${GROUP}/${VERSION}`, version: VERSION }],
    });
    const version = await kubeConfig(api.url).makeApiClient(k8s.VersionApi).getCode();
    expect(version).toMatchObject({ major: "1", gitVersion: expect.stringMatching(/^v1\.\d+\.\d+$/) });

    const unknown = await raw(api, "/apis/apps/v1/namespaces/default/deployments");
    expect(unknown).toEqual({
      status: 404,
      body: {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: "the server could not find the requested resource",
        reason: "NotFound",
        details: {},
        code: 404,
      },
    });
    const post = await raw(api, `${ISVC_PATH("default")}/iris`, { method: "POST", body: "{}" });
    expect(post.status).toBe(405);
    expect(post.body.reason).toBe("MethodNotAllowed");
  });

  it("answers exact Status bodies for NotFound and Invalid", async () => {
    const { api } = await connect();
    expect(await raw(api, `${ISVC_PATH("default")}/nope`)).toEqual({
      status: 404,
      body: {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: 'inferenceservices.serving.kserve.io "nope" not found',
        reason: "NotFound",
        details: { name: "nope", group: GROUP, kind: PLURAL },
        code: 404,
      },
    });
    const noName = await raw(api, "/api/v1/namespaces/default/secrets", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(noName).toEqual({
      status: 422,
      body: {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: 'Secret "" is invalid: metadata.name: Required value: name or generateName is required',
        reason: "Invalid",
        details: {
          kind: "Secret",
          causes: [
            {
              reason: "FieldValueRequired",
              message: "Required value: name or generateName is required",
              field: "metadata.name",
            },
          ],
        },
        code: 422,
      },
    });
  });

  it("takes YAML bodies, generateName, and refuses a namespace that contradicts the path", async () => {
    const { api } = await connect();
    const yaml = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  generateName: runner-\n";
    const created = await raw(api, "/api/v1/namespaces/default/serviceaccounts", {
      method: "POST",
      headers: { "content-type": "application/yaml" },
      body: yaml,
    });
    expect(created.status).toBe(201);
    expect(created.body.metadata.name).toMatch(/^runner-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const elsewhere = await raw(api, "/api/v1/namespaces/default/secrets", {
      method: "POST",
      body: JSON.stringify({ metadata: { name: "s", namespace: "other" } }),
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.message).toBe(
      "the namespace of the provided object does not match the namespace sent on the request",
    );
  });

  it("refuses a JSON patch whose test fails (422) and one that is malformed (400)", async () => {
    const { api } = await connect();
    await raw(api, ISVC_PATH("default"), { method: "POST", body: JSON.stringify(isvc("iris")) });
    const patch = (ops: unknown) =>
      raw(api, `${ISVC_PATH("default")}/iris`, {
        method: "PATCH",
        headers: { "content-type": "application/json-patch+json" },
        body: JSON.stringify(ops),
      });
    const failedTest = await patch([{ op: "test", path: "/spec/predictor/model/storageUri", value: "gs://other" }]);
    expect(failedTest.status).toBe(422);
    expect(failedTest.body.details.causes[0].message).toContain(
      "testing value /spec/predictor/model/storageUri failed",
    );
    expect((await patch({ not: "an array" })).status).toBe(400);
    const ok = await patch([
      { op: "add", path: "/metadata/annotations", value: { "a/b": "c" } },
      { op: "test", path: "/metadata/annotations/a~1b", value: "c" },
    ]);
    expect(ok.status).toBe(200);
    expect(ok.body.metadata.annotations).toEqual({ "a/b": "c" });
  });

  it("pages a list with limit and continue", async () => {
    const { api } = await connect();
    for (const name of ["a", "b", "c"])
      await raw(api, "/api/v1/namespaces/default/secrets", {
        method: "POST",
        body: JSON.stringify({ metadata: { name } }),
      });
    const first = await raw(api, "/api/v1/namespaces/default/secrets?limit=2");
    expect(first.body.items.map((s: { metadata: { name: string } }) => s.metadata.name)).toEqual(["a", "b"]);
    expect(first.body.items[0].kind).toBeUndefined(); // items of a built-in list carry no kind
    expect(first.body.metadata.remainingItemCount).toBe(1);
    const second = await raw(
      api,
      `/api/v1/namespaces/default/secrets?limit=2&continue=${encodeURIComponent(first.body.metadata.continue)}`,
    );
    expect(second.body.items.map((s: { metadata: { name: string } }) => s.metadata.name)).toEqual(["c"]);
    expect(second.body.metadata.continue).toBeUndefined();
  });

  it("deletes a namespace with its content; a held object keeps it Terminating and closed to new content", async () => {
    const { api, core, custom } = await connect();
    await core.createNamespace({ body: { metadata: { name: "team" } } });
    await core.createNamespacedSecret({ namespace: "team", body: { metadata: { name: "s" } } });
    await custom.createNamespacedCustomObject({
      ...isvcRef("team"),
      body: { ...isvc("held"), metadata: { name: "held", finalizers: ["x"] } },
    });
    // client-node types this answer as a V1Status; the apiserver (and the mock) answers with the Namespace.
    const terminating = (await core.deleteNamespace({ name: "team" })) as unknown as k8s.V1Namespace;
    expect(terminating.kind).toBe("Namespace");
    expect(terminating.status?.phase).toBe("Terminating");
    expect((await failureOf(core.readNamespacedSecret({ namespace: "team", name: "s" }))).code).toBe(404);
    const closed = await failureOf(
      core.createNamespacedSecret({ namespace: "team", body: { metadata: { name: "late" } } }),
    );
    expect(closed.code).toBe(403);
    expect(closed.status.message).toBe(
      'secrets "late" is forbidden: unable to create new content in namespace team because it is being terminated',
    );
    await custom.patchNamespacedCustomObject(
      { ...isvcRef("team", "held"), body: { metadata: { finalizers: null } } },
      mergePatch,
    );
    expect((await raw(api, "/api/v1/namespaces/team")).status).toBe(404);
  });
});

describe("the store in process", () => {
  const spec = (uri: string) => ({ predictor: { model: { modelFormat: { name: "sklearn" }, storageUri: uri } } });

  it("delivers events in order to every listener, also those a listener's own writes cause", () => {
    const store = createKubeStore();
    const seen: string[][] = [[], []];
    const describe = (e: WatchEvent) =>
      `${e.type} ${e.resource}/${e.object.metadata.name}@${e.object.metadata.resourceVersion}`;
    // A reconciler-like listener that writes status when an InferenceService appears.
    store.watch((event) => {
      seen[0]!.push(describe(event));
      if (event.type === "ADDED" && event.resource === "inferenceservices") {
        store.updateStatus("inferenceservices", { ...event.object, status: { observedGeneration: 1 } });
      }
    });
    store.watch((event) => void seen[1]!.push(describe(event)));
    store.create("inferenceservices", { metadata: { name: "iris", namespace: "default" }, spec: spec("s3://a") });
    expect(seen[0]).toEqual(["ADDED inferenceservices/iris@3", "MODIFIED inferenceservices/iris@4"]);
    expect(seen[1]).toEqual(seen[0]);
  });

  it("keeps spec and status apart, and writes nothing for an update that changes nothing", () => {
    const store = createKubeStore();
    const events: WatchEvent[] = [];
    store.watch((e) => void events.push(e));
    const created = store.create("inferenceservices", {
      metadata: { name: "iris", namespace: "default" },
      spec: spec("s3://a"),
    });
    const status = store.updateStatus("inferenceservices", {
      ...created,
      spec: spec("ignored"),
      status: { url: "http://x" },
    });
    expect(status["spec"]).toEqual(spec("s3://a"));
    expect(status.metadata.generation).toBe(1);
    const same = store.update("inferenceservices", status);
    expect(same.metadata.resourceVersion).toBe(status.metadata.resourceVersion);
    expect(events.map((e) => e.type)).toEqual(["ADDED", "MODIFIED"]);
    const respec = store.update("inferenceservices", { ...status, spec: spec("s3://b"), status: { url: "ignored" } });
    expect(respec.metadata.generation).toBe(2);
    expect(respec["status"]).toEqual({ url: "http://x" });
    expect(events.at(-1)!.previous?.["spec"]).toEqual(spec("s3://a"));
  });

  it("resumes a watch from a resourceVersion and refuses one that is too old", () => {
    const store = createKubeStore({ historyLimit: 3 });
    const from = store.resourceVersion();
    store.create("secrets", { metadata: { name: "a", namespace: "default" } });
    store.create("secrets", { metadata: { name: "b", namespace: "default" } });
    const replayed: string[] = [];
    const stop = store.watch((e) => void replayed.push(e.object.metadata.name), { resourceVersion: from });
    expect(replayed).toEqual(["a", "b"]);
    stop();
    store.create("secrets", { metadata: { name: "c", namespace: "default" } });
    store.create("secrets", { metadata: { name: "d", namespace: "default" } });
    expect(() => store.watch(() => {}, { resourceVersion: from })).toThrowError(
      expect.objectContaining({ code: 410, reason: "Expired" }),
    );
    expect(replayed).toEqual(["a", "b"]); // unsubscribed
  });

  it("throws KubeStatusError with the Status the HTTP API would send", () => {
    const store = createKubeStore();
    expect(() => store.get("secrets", { namespace: "default", name: "x" })).toThrowError(
      expect.objectContaining({ code: 404, status: expect.objectContaining({ message: 'secrets "x" not found' }) }),
    );
    store.create("secrets", { metadata: { name: "x", namespace: "default" } });
    expect(() => store.create("secrets", { metadata: { name: "x", namespace: "default" } })).toThrowError(
      expect.objectContaining({ code: 409, reason: "AlreadyExists" }),
    );
    expect(() =>
      store.create("secrets", { metadata: { name: "y", namespace: "default", resourceVersion: "1" } }),
    ).toThrowError("resourceVersion should not be set on objects to be created");
    const dryRun = store.create("secrets", { metadata: { name: "z", namespace: "default" } }, { dryRun: true });
    expect(dryRun.metadata.name).toBe("z");
    expect(store.find("secrets", { namespace: "default", name: "z" })).toBeUndefined();
  });
});
