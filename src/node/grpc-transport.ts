/**
 * `createNodeGrpcTransport`: native gRPC over HTTP/2 (h2c for http://, TLS for https://) on
 * `@connectrpc/connect-node`'s HTTP/2 session manager, with `authority` doing for gRPC what `host` does for REST: connect to `baseUrl`'s
 * address, present `authority` as `:authority`, as the TLS SNI name and as the name the certificate is checked
 * against (ingress routing).
 *
 * Unary calls (all the V2 client makes) run on the SDK's own lean path (grpc-unary.ts); streaming calls on
 * connect-node's transport. connect-node is an optional peer dependency, loaded on the first call, so that
 * REST-only users of `kserve-client/node` never need it installed.
 */
import type { Transport } from "@connectrpc/connect";
import type { SecureClientSessionOptions } from "node:http2";
import { connect as netConnect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { CHECK_CREDENTIALS_IN_CLEAR, checkVirtualHost, warnIfCredentialsInClear } from "../core/request-context.js";
import type { Logger } from "../core/request.js";
import { ConfigError } from "../core/errors.js";
import { type NodeTlsOptions, stripPort, tlsConnectOptions } from "./tls.js";

/** Options of {@link createNodeGrpcTransport}. */
export interface NodeGrpcTransportOptions {
  /** Where to connect: `http://host:port` (h2c) or `https://host:port` (TLS); a path prefix is kept. */
  baseUrl: string;
  /** Ingress routing: the name to present (`:authority`, SNI, certificate check) instead of baseUrl's host. */
  authority?: string | undefined;
  tls?: NodeTlsOptions | undefined;
  /** Largest response message accepted, in bytes. Default: connect's (about 4 GiB). */
  readMaxBytes?: number | undefined;
  /** Close the HTTP/2 connection after this long without calls. Default 15 minutes. */
  idleConnectionTimeoutMs?: number | undefined;
}

/** A connect Transport that owns its HTTP/2 connection: `close()` ends it (tests, graceful shutdown). */
export interface NodeGrpcTransport extends Transport {
  close(): void;
}

type ConnectNode = typeof import("@connectrpc/connect-node");

/**
 * A gRPC transport for `createGrpcClient`.
 *
 * @throws {ConfigError} for a baseUrl that is not http(s), or an authority that is not a host name
 */
export function createNodeGrpcTransport(options: NodeGrpcTransportOptions): NodeGrpcTransport {
  let target: URL;
  try {
    target = new URL(String(options?.baseUrl));
  } catch {
    target = new URL("invalid:");
  }
  if (target.protocol !== "http:" && target.protocol !== "https:") {
    throw new ConfigError(
      `createNodeGrpcTransport: baseUrl must be an http(s) URL such as "http://127.0.0.1:8081", got ${JSON.stringify(options?.baseUrl)}.`,
    );
  }
  const authority = options.authority === undefined ? undefined : checkVirtualHost(options.authority, "authority");
  const secure = target.protocol === "https:";
  const name = authority ?? target.host;
  const servername = stripPort(name);
  // The URL connect sees carries the authority (it becomes :authority); the socket goes to baseUrl's address.
  const url = `${target.protocol}//${name}${target.pathname.replace(/\/+$/, "")}`;
  const port = Number(target.port || (secure ? 443 : 80));
  const host = target.hostname.replace(/^\[|\]$/g, "");
  const tls = tlsConnectOptions(options.tls);
  // SNI may not carry an IP address (RFC 6066); Node checks the certificate against servername: the authority.
  const sni = secure && !isIp(servername) ? { servername } : {};
  const nodeOptions: SecureClientSessionOptions = {
    ...tls,
    ...sni,
    ...(authority === undefined
      ? {}
      : {
          createConnection: () =>
            secure ? tlsConnect({ host, port, ALPNProtocols: ["h2"], ...tls, ...sni }) : netConnect({ host, port }),
        }),
  };

  const pathPrefix = target.pathname.replace(/\/+$/, "");
  const readMaxBytes = options.readMaxBytes ?? MAX_MESSAGE_BYTES;
  if (!Number.isInteger(readMaxBytes) || readMaxBytes < 1 || readMaxBytes > MAX_MESSAGE_BYTES) {
    throw new ConfigError(
      `createNodeGrpcTransport: readMaxBytes must be a whole number of bytes from 1 to ${MAX_MESSAGE_BYTES}, got ${String(options.readMaxBytes)}.`,
    );
  }
  let loaded: Promise<Loaded> | undefined;
  let closed = false;
  const load = () =>
    (loaded ??= Promise.all([
      import("@connectrpc/connect-node") as Promise<ConnectNode>,
      import("./grpc-unary.js"),
    ]).then(
      ([{ createGrpcTransport, Http2SessionManager }, { grpcUnary }]) => {
        const sessionManager = new Http2SessionManager(
          url,
          options.idleConnectionTimeoutMs === undefined
            ? {}
            : { idleConnectionTimeoutMs: options.idleConnectionTimeoutMs },
          nodeOptions,
        );
        if (authority !== undefined) {
          // connect-node sends only :method and :path, and Node's http2 then fills :authority in with a default
          // port (":443"), which gateways matching host names exactly would not route: send it as given.
          const request = sessionManager.request.bind(sessionManager);
          sessionManager.request = (method, path, headers, requestOptions) =>
            request(method, path, { ...headers, ":authority": authority }, requestOptions);
        }
        const unaryTarget = { sessionManager, pathPrefix, readMaxBytes };
        let streaming: Transport | undefined;
        return {
          unary: (method, signal, timeoutMs, header, input) =>
            grpcUnary(unaryTarget, method, signal, timeoutMs, header, input),
          // Streaming calls (not used by the V2 client, possible for callers who share this transport) go through connect-node.
          stream: (...args) =>
            (streaming ??= createGrpcTransport({ baseUrl: url, sessionManager, readMaxBytes })).stream(...args),
          close: () => sessionManager.abort(),
        };
      },
      (error: unknown) => {
        throw new ConfigError(
          "createNodeGrpcTransport needs the optional peer dependencies @connectrpc/connect-node, @connectrpc/connect and @bufbuild/protobuf: " +
            "npm install @connectrpc/connect @connectrpc/connect-node @bufbuild/protobuf",
          { cause: error },
        );
      },
    ));
  const transport: NodeGrpcTransport = {
    async unary(method, signal, timeoutMs, header, input, contextValues) {
      if (closed) throw new ConfigError("This gRPC transport was closed.");
      return (await load()).unary(method, signal, timeoutMs, header, input, contextValues);
    },
    async stream(method, signal, timeoutMs, header, input, contextValues) {
      if (closed) throw new ConfigError("This gRPC transport was closed.");
      return (await load()).stream(method, signal, timeoutMs, header, input, contextValues);
    },
    close() {
      closed = true;
      void loaded?.then(
        (t) => t.close(),
        () => undefined,
      );
    },
  };
  // Called by createGrpcClient when it has auth: warns through its logger if baseUrl is plain HTTP off this machine.
  return Object.assign(transport, {
    [CHECK_CREDENTIALS_IN_CLEAR]: (logger?: Logger) => warnIfCredentialsInClear(target.origin, logger),
  });
}

/** The transport once its peers are loaded: unary calls on the SDK's own path, streaming on connect-node's. */
interface Loaded extends Transport {
  close(): void;
}

/** connect's default limit on a received message (and the largest length a gRPC envelope can state). */
const MAX_MESSAGE_BYTES = 0xffffffff;

/** SNI may not carry an IP address (RFC 6066). */
function isIp(name: string): boolean {
  return /^[\d.]+$/.test(name) || name.includes(":");
}
