/// <reference types="node" />
/**
 * `startMockKServe`: the fake models behind real servers on loopback, speaking V2 REST (and the binary
 * extension) and V1 REST the way KServe 0.14.1 does, and V2 over gRPC (HTTP/2, h2c) on a second port, with
 * gRPC-web on the REST port for browsers. By default it also starts a mock cluster (cluster/): a Kubernetes API
 * where InferenceServices are deployed the way KServe deploys them, and an ingress gateway that serves them by
 * host. Node only: it is a server.
 */
import { createServer } from "node:http";
import { createServer as createHttp2Server, type Http2Server, type ServerHttp2Session } from "node:http2";
import type { AddressInfo } from "node:net";
import type { ConfigError } from "../core/errors.js";
import { isMissingPeer, missingPeerError } from "../internal/optional-peer.js";
import { checkModelCost, createFakeModels, type FakeModels, type ModelCost } from "./models.js";
import type { MockResponse } from "./answers.js";
import { handleKServe } from "./handler.js";
import type { GrpcErrorStyle } from "./grpc-service.js";
import type { KubeStore } from "./kube/index.js";
import { type MockCluster, type MockClusterOptions, startMockCluster } from "./cluster/cluster.js";
import { readMockRequest, sendMockResponse } from "./cluster/http-answer.js";

/** Options of {@link startMockKServe}. */
export interface MockKServeOptions {
  /** The models to serve; default: a fresh `createFakeModels()`. */
  models?: FakeModels | undefined;
  /** Port on 127.0.0.1; default: any free one. */
  port?: number | undefined;
  /** Port of the gRPC server on 127.0.0.1; default: any free one. */
  grpcPort?: number | undefined;
  /**
   * Serve gRPC too (needs the optional peers @connectrpc/connect-node, @connectrpc/connect and
   * @bufbuild/protobuf). Default: when they are installed; without them the mock serves REST, and answers
   * gRPC-web requests with UNIMPLEMENTED and what to install. `true`: a ConfigError at start without them.
   */
  grpc?: boolean | undefined;
  /** gRPC errors with proper status codes (default), or as KServe 0.14 sends them (UNKNOWN, "Unexpected <class …>"). */
  grpcErrors?: GrpcErrorStyle | undefined;
  /**
   * What each inference costs a model that has no `cost` of its own, spent busy in the server's process (REST,
   * gRPC and V1 alike): `{ perRequestMs: 0.6, perRowMs: 0.007 }` behaves like KServe's sklearn server. Default: none.
   */
  cost?: ModelCost | undefined;
  /**
   * The mock cluster: a Kubernetes API and an ingress gateway, with a reconciler that deploys InferenceServices
   * like KServe (see {@link MockClusterOptions}). `true` (the default) starts it with its defaults, an object with
   * those options, `false` not at all (then `kubeUrl`, `ingressUrl`, `kubeconfig` and `store` throw).
   */
  cluster?: boolean | MockClusterOptions | undefined;
}

/** A running mock server. */
export interface MockKServe {
  /** `http://127.0.0.1:<port>`: use it as `baseUrl`. It also answers gRPC-web. */
  url: string;
  /** `http://127.0.0.1:<port>` of the gRPC (HTTP/2 without TLS) server; undefined when gRPC is off (`grpc: false`, or its peers are not installed). */
  grpcUrl: string | undefined;
  models: FakeModels;
  /** Requests seen so far, REST and gRPC (method, path, lower-case headers such as `traceparent`), oldest first. */
  requests: { method: string; path: string; headers: Record<string, string | undefined> }[];
  /** The mock cluster's Kubernetes API, `http://127.0.0.1:<port>`. */
  readonly kubeUrl: string;
  /** The mock cluster's ingress gateway, `http://127.0.0.1:<port>`: call deployed models here, with the Host (or gRPC `:authority`) of their `status.url`. */
  readonly ingressUrl: string;
  /** A kubeconfig (YAML text) for the Kubernetes API: `new KubeConfig().loadFromString(mock.kubeconfig)`. */
  readonly kubeconfig: string;
  /** The mock cluster's objects, for setting up and inspecting in process. */
  readonly store: KubeStore;
  /** Close every server, the cluster's watches and connections included. Calling it again waits for the same close. */
  close(): Promise<void>;
}

/** Start the mock on loopback. */
export async function startMockKServe(options: MockKServeOptions = {}): Promise<MockKServe> {
  const models = options.models ?? createFakeModels();
  const cost = checkModelCost(options.cost, "startMockKServe: cost");
  const requests: MockKServe["requests"] = [];
  const loaded =
    options.grpc === false
      ? undefined
      : await loadGrpc(models, options.grpcErrors ?? "codes", options.grpc === true, cost);
  const grpc = loaded !== undefined && "native" in loaded ? loaded : undefined;
  const grpcMissing = loaded !== undefined && "missing" in loaded ? loaded.missing : undefined;
  const server = createServer((req, res) => {
    if (req.url?.startsWith(GRPC_PREFIX)) {
      if (grpc !== undefined) return void grpc.web(req, res);
      if (grpcMissing !== undefined)
        return void req
          .resume()
          .on("end", () => res.writeHead(200, grpcWebStatus(GRPC_UNIMPLEMENTED, grpcMissing.rawMessage)).end());
    }
    readMockRequest(req).then(
      (request) => {
        requests.push({ method: request.method, path: request.path, headers: request.headers });
        let answer: MockResponse | undefined;
        try {
          answer = handleKServe(models, request, cost);
        } catch (error) {
          answer = {
            status: 500,
            headers: { "content-type": "text/plain" },
            body: new TextEncoder().encode(`Internal Server Error: ${String(error)}`),
          };
        }
        sendMockResponse(
          res,
          answer ?? {
            status: 404,
            headers: { "content-type": "application/json" },
            body: new TextEncoder().encode('{"detail":"Not Found"}'),
          },
        );
      },
      () => res.destroy(),
    ); // the client went away mid-request
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  let grpcServer: Http2Server | undefined;
  const sessions = new Set<ServerHttp2Session>();
  if (grpc !== undefined) {
    // gRPC requests are recorded too (method POST, the RPC's path, its metadata), so tests can read what a client
    // sent, such as the W3C traceparent.
    const native = grpc.native;
    grpcServer = createHttp2Server((req, res) => {
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (!name.startsWith(":")) headers[name] = Array.isArray(value) ? value.join(", ") : value;
      }
      requests.push({ method: req.method, path: req.url, headers });
      native(req, res);
    });
    grpcServer.on("session", (session) => {
      sessions.add(session);
      session.on("close", () => sessions.delete(session));
    });
    await new Promise<void>((resolve) => grpcServer!.listen(options.grpcPort ?? 0, "127.0.0.1", resolve));
  }
  const closeServers = async () => {
    server.closeAllConnections();
    for (const session of sessions) session.destroy();
    await Promise.all([
      new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
      grpcServer === undefined ? undefined : new Promise<void>((resolve) => grpcServer!.close(() => resolve())),
    ]);
  };
  let cluster: MockCluster | undefined;
  if (options.cluster !== false) {
    try {
      cluster = await startMockCluster(
        options.cluster === true || options.cluster === undefined ? {} : options.cluster,
      );
    } catch (error) {
      await closeServers();
      throw error;
    }
  }
  const fromCluster = <K extends "kubeUrl" | "ingressUrl" | "kubeconfig" | "store">(key: K): MockCluster[K] => {
    if (cluster === undefined)
      throw new Error(`startMockKServe({ cluster: false }) started no mock cluster, so it has no ${key}.`);
    return cluster[key];
  };
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    grpcUrl: grpcServer === undefined ? undefined : `http://127.0.0.1:${(grpcServer.address() as AddressInfo).port}`,
    models,
    requests,
    get kubeUrl() {
      return fromCluster("kubeUrl");
    },
    get ingressUrl() {
      return fromCluster("ingressUrl");
    },
    get kubeconfig() {
      return fromCluster("kubeconfig");
    },
    get store() {
      return fromCluster("store");
    },
    close: () => (closing ??= Promise.all([closeServers(), cluster?.close()]).then(() => undefined)),
  };
}

const GRPC_PREFIX = "/inference.GRPCInferenceService/";

type Handler = ReturnType<typeof import("@connectrpc/connect-node").connectNodeAdapter>;

/** What the mock's gRPC server needs: connect-node's adapter, and connect and protobuf for the service. */
const GRPC_SERVER_PEERS = ["@connectrpc/connect-node", "@connectrpc/connect", "@bufbuild/protobuf"];

/**
 * The gRPC handlers (native gRPC for the HTTP/2 server, gRPC-web for the REST port), or, when their optional peers
 * are not installed and gRPC was not asked for, the ConfigError a gRPC-web call is answered with. A user who only
 * needs REST should not have to install gRPC packages; one who asked for gRPC (`grpc: true`) learns at start.
 */
async function loadGrpc(
  models: FakeModels,
  errors: GrpcErrorStyle,
  required: boolean,
  cost: ModelCost | undefined,
): Promise<{ native: Handler; web: Handler } | { missing: ConfigError }> {
  let adapter: typeof import("@connectrpc/connect-node").connectNodeAdapter;
  let grpcInferenceRoutes: typeof import("./grpc-service.js").grpcInferenceRoutes;
  try {
    // Loaded only here, so that users of kserve-client/testing without the gRPC peers installed are unaffected.
    ({ connectNodeAdapter: adapter } = await import("@connectrpc/connect-node"));
    ({ grpcInferenceRoutes } = await import("./grpc-service.js"));
  } catch (error) {
    if (!isMissingPeer(error, GRPC_SERVER_PEERS)) throw error;
    if (required) throw missingPeerError("startMockKServe({ grpc: true })", GRPC_SERVER_PEERS, error);
    return { missing: missingPeerError("The mock KServe's gRPC service", GRPC_SERVER_PEERS, error) };
  }
  const routes = grpcInferenceRoutes(models, errors, cost);
  return {
    native: adapter({ routes, grpc: true, grpcWeb: false, connect: false }),
    web: adapter({ routes, grpc: false, grpcWeb: true, connect: false }),
  };
}

const GRPC_UNIMPLEMENTED = 12;

/** A gRPC-web "trailers-only" answer: the status in the headers and no body, as a server without the service answers. */
function grpcWebStatus(status: number, message: string): Record<string, string> {
  return {
    "content-type": "application/grpc-web+proto",
    "grpc-status": String(status),
    "grpc-message": encodeURIComponent(message),
  };
}
