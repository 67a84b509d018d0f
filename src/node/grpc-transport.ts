/**
 * `createNodeGrpcTransport`: native gRPC over HTTP/2 (h2c for http://, TLS for https://) on
 * `@connectrpc/connect-node`, with `authority` doing for gRPC what `host` does for REST: connect to `baseUrl`'s
 * address, present `authority` as `:authority`, as the TLS SNI name and as the name the certificate is checked
 * against (ingress routing).
 *
 * connect-node is an optional peer dependency, loaded on the first call, so that REST-only users of
 * `kserve-client/node` never need it installed.
 */
import type { Transport } from "@connectrpc/connect";
import type { SecureClientSessionOptions } from "node:http2";
import { connect as netConnect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { checkVirtualHost } from "../core/client.js";
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
    throw new ConfigError(`createNodeGrpcTransport: baseUrl must be an http(s) URL such as "http://127.0.0.1:8081", got ${JSON.stringify(options?.baseUrl)}.`);
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
            secure
              ? tlsConnect({ host, port, ALPNProtocols: ["h2"], ...tls, ...sni })
              : netConnect({ host, port }),
        }),
  };

  let loaded: Promise<{ transport: Transport; close: () => void }> | undefined;
  let closed = false;
  const load = () =>
    (loaded ??= (import("@connectrpc/connect-node") as Promise<ConnectNode>).then(
      ({ createGrpcTransport, Http2SessionManager }) => {
        const sessionManager = new Http2SessionManager(
          url,
          options.idleConnectionTimeoutMs === undefined ? {} : { idleConnectionTimeoutMs: options.idleConnectionTimeoutMs },
          nodeOptions,
        );
        if (authority !== undefined) {
          // connect-node sends only :method and :path, and Node's http2 then fills :authority in with a default
          // port (":443"), which gateways matching host names exactly would not route: send it as given.
          const request = sessionManager.request.bind(sessionManager);
          sessionManager.request = (method, path, headers, requestOptions) => request(method, path, { ...headers, ":authority": authority }, requestOptions);
        }
        const transport = createGrpcTransport({
          baseUrl: url,
          sessionManager,
          ...(options.readMaxBytes === undefined ? {} : { readMaxBytes: options.readMaxBytes }),
        });
        return { transport, close: () => sessionManager.abort() };
      },
      (error: unknown) => {
        throw new ConfigError(
          "createNodeGrpcTransport needs the optional peer dependencies @connectrpc/connect-node, @connectrpc/connect and @bufbuild/protobuf: " +
            "npm install @connectrpc/connect @connectrpc/connect-node @bufbuild/protobuf",
          { cause: error },
        );
      },
    ));
  return {
    async unary(method, signal, timeoutMs, header, input, contextValues) {
      if (closed) throw new ConfigError("This gRPC transport was closed.");
      return (await load()).transport.unary(method, signal, timeoutMs, header, input, contextValues);
    },
    async stream(method, signal, timeoutMs, header, input, contextValues) {
      if (closed) throw new ConfigError("This gRPC transport was closed.");
      return (await load()).transport.stream(method, signal, timeoutMs, header, input, contextValues);
    },
    close() {
      closed = true;
      void loaded?.then((t) => t.close(), () => undefined);
    },
  };
}

/** SNI may not carry an IP address (RFC 6066). */
function isIp(name: string): boolean {
  return /^[\d.]+$/.test(name) || name.includes(":");
}
