/**
 * `createGrpcClient` of the Node build (./index.node.ts): the client at once, its implementation (./client.js, which needs the optional
 * peers `@connectrpc/connect` and `@bufbuild/protobuf`) loaded with `import()` on the first call and kept. A static
 * import of a missing package fails when the entry loads, where nothing can catch it; loaded here, it is a
 * ConfigError that names the packages and how to install them, from the call that needed them.
 *
 * The options are checked at construction as the implementation checks them (a missing transport, bad headers,
 * retry or timeout), so that a client that cannot work still fails where it is made, peers or not.
 */
import { lowerCaseHeaders } from "../core/auth.js";
import { CHECK_CREDENTIALS_IN_CLEAR } from "../core/request-context.js";
import { ConfigError } from "../core/errors.js";
import type { Logger } from "../core/request.js";
import { milliseconds, resolveRetryPolicy } from "../core/retry.js";
import { isMissingPeer, missingPeerError } from "../internal/optional-peer.js";
import type { V2Client } from "../v2/types.js";
import type { GrpcClientOptions } from "./client.js";
import type { FailureRecogniser } from "./errors.js";

type Implementation = typeof import("./client.js");

/** The peers ./client.js and what it imports need. */
export const GRPC_PEERS = ["@connectrpc/connect", "@bufbuild/protobuf"] as const;

let implementation: Promise<Implementation> | undefined;

/** ./client.js, loaded once; a missing peer is a ConfigError saying what to install (and is tried again next time). */
export function loadGrpcImplementation(): Promise<Implementation> {
  return (implementation ??= import("./client.js").catch((error: unknown) => {
    implementation = undefined;
    throw isMissingPeer(error, GRPC_PEERS) ? missingPeerError("kserve-client/grpc", GRPC_PEERS, error) : error;
  }));
}

/**
 * A V2 client over gRPC whose calls load the implementation first (see the module comment).
 *
 * @param recognise what the runtime's build knows about failures (the Node build: TLS certificates)
 * @throws {ConfigError} without a transport, or for options that cannot work
 */
export function createLazyGrpcClient(options: GrpcClientOptions, recognise?: FailureRecogniser): V2Client {
  const transport = checkOptions(options);
  // The credentials-in-clear warning is given here, at construction; the transport the implementation gets does
  // not offer the check again, so it is not given twice. Everything else is the user's transport (its prototype).
  const checked = Object.create(transport, { [CHECK_CREDENTIALS_IN_CLEAR]: { value: undefined } }) as typeof transport;
  const settled: GrpcClientOptions = { ...options, transport: checked };
  let client: Promise<V2Client> | undefined;
  const real = (): Promise<V2Client> =>
    (client ??= loadGrpcImplementation().then(
      ({ createGrpcClient }) => createGrpcClient(settled, recognise),
      (error: unknown) => {
        client = undefined;
        throw error;
      },
    ));
  return {
    infer: async (model, request, call) => (await real()).infer(model, request, call),
    serverLive: async (call) => (await real()).serverLive(call),
    serverReady: async (call) => (await real()).serverReady(call),
    modelReady: async (model, call) => (await real()).modelReady(model, call),
    serverMetadata: async (call) => (await real()).serverMetadata(call),
    modelMetadata: async (model, call) => (await real()).modelMetadata(model, call),
    waitForModelReady: async (model, wait) => (await real()).waitForModelReady(model, wait),
  };
}

/** What ./client.js checks when it is made, checked without it; returns the transport. */
function checkOptions(options: GrpcClientOptions): GrpcClientOptions["transport"] {
  const transport = options?.transport;
  if (transport === undefined || transport === null || typeof transport.unary !== "function") {
    throw new ConfigError(
      "createGrpcClient needs a connect-es transport: createNodeGrpcTransport({ baseUrl }) from kserve-client/node, or createGrpcWebTransport({ baseUrl }) from @connectrpc/connect-web.",
    );
  }
  lowerCaseHeaders(options.headers, "headers");
  resolveRetryPolicy(options.retry);
  if (options.timeoutMs !== undefined && options.timeoutMs !== Infinity) milliseconds(options.timeoutMs, "timeoutMs");
  if (options.auth !== undefined) warnIfCredentialsInClear(transport, options.logger);
  return transport;
}

/** A transport that knows where it connects (createNodeGrpcTransport) warns if credentials would travel in clear. */
function warnIfCredentialsInClear(transport: object, logger: Logger | undefined): void {
  (transport as { [CHECK_CREDENTIALS_IN_CLEAR]?: (logger?: Logger) => void })[CHECK_CREDENTIALS_IN_CLEAR]?.(logger);
}
