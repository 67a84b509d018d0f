/// <reference types="node" />
/**
 * What undici's failures mean, for both clients on it (the HttpClient and the ingress fetch): a refused
 * connection, a certificate that does not verify, a server that turned away this client's certificate (noted
 * from the TLS alert, which undici itself does not report), an HTTP/2-only server. Each becomes a ConnectionError
 * (or a ConfigError) whose message says what happened and what to do.
 */
import type { Socket } from "node:net";
import { buildConnector } from "undici";
import { ConfigError, ConnectionError, type KServeError } from "../core/errors.js";
import { certificateAdvice, certificateAtFault } from "./tls.js";

/** The TLS alerts about this client's certificate that sockets met, by the socket's local address and port. */
export type TlsAlerts = Map<string, Error>;

/**
 * undici's connector, noting the TLS alerts a server sends about this client's certificate. Under TLS 1.3 a
 * server checks that certificate after the handshake, so its alert arrives once the request is on its way, and
 * undici then reports only "other side closed" (its SocketError replaces the socket's own error). The note
 * says what really happened.
 */
export function connectorNotingAlerts(
  options: buildConnector.BuildOptions,
  alerts: TlsAlerts,
): buildConnector.connector {
  const connect = buildConnector(options);
  return (target, callback) =>
    connect(target, (...args) => {
      // A failed connect calls back with the error alone.
      const socket: Socket | null | undefined = args[1];
      if (socket != null) {
        const key = `${socket.localAddress}:${socket.localPort}`;
        socket.on("error", (error: Error & { code?: unknown }) => {
          if (certificateAtFault(error.code) === "client") alerts.set(key, error);
        });
        // Kept until undici has reported the failure (its close handler runs after this one).
        socket.once("close", () => setImmediate(() => alerts.delete(key)));
      }
      callback(...args);
    });
}

/** The TLS alert noted for the socket that undici's "other side closed" is about, if there was one. */
export function alertBehind(error: unknown, alerts: TlsAlerts): Error | undefined {
  if (alerts.size === 0) return undefined;
  const { code, socket } = error as { code?: unknown; socket?: { localAddress?: string; localPort?: number } };
  return code === "UND_ERR_SOCKET" && socket !== undefined
    ? alerts.get(`${socket.localAddress}:${socket.localPort}`)
    : undefined;
}

/** Where a failed request went: the URL shown in messages, and the virtual host it presented, if any. */
export interface FailedRequest {
  url: string;
  host?: string | undefined;
}

/**
 * A network failure as a ConnectionError, retried by the request loop; a refused certificate (the server's, or
 * this client's under mutual TLS) is one too, marked not retryable (trying again cannot fix it), and says what
 * to do with the `tls` option of `factory`, the function that made the client.
 */
export function networkError(
  error: unknown,
  request: FailedRequest,
  what = "could not connect",
  factory = "createNodeHttpClient",
): KServeError {
  const code = (error as { code?: unknown } | null)?.code;
  const detail = error instanceof Error ? error.message : String(error);
  if (code === "UND_ERR_INVALID_ARG") {
    // undici refused the request itself (e.g. a header value with a line break): sending it again cannot help.
    return new ConfigError(`${request.url}: the request cannot be sent: ${detail}.`, { cause: error });
  }
  const http2 = http2Only(error);
  if (http2 !== undefined) {
    return new ConnectionError(
      `${request.url}: the server speaks HTTP/2 only (a gRPC port?): ${http2}. Use kserve-client/grpc (createGrpcClient with createNodeGrpcTransport), ` +
        "or the REST port: KServe serves REST on port 8080 and gRPC on 8081.",
      { cause: error, retryable: false },
    );
  }
  const side = certificateAtFault(code);
  if (side !== undefined) {
    const refused =
      side === "server"
        ? `The TLS certificate of ${request.url} does not verify for "${request.host ?? new URL(request.url).hostname}"`
        : `${request.url} refused this client's TLS certificate`;
    return new ConnectionError(`${refused}: ${detail} (${String(code)}). ${certificateAdvice(side, factory, "host")}`, {
      cause: error,
      retryable: false,
    });
  }
  return new ConnectionError(`${request.url}: ${what}: ${detail}${typeof code === "string" ? ` (${code})` : ""}.`, {
    cause: error,
  });
}

/**
 * How undici's failure shows that the server speaks only HTTP/2, or undefined. An HTTP/2-only server (a gRPC
 * server without HTTP/1.1) answers an HTTP/1.1 request with HTTP/2 frames: its SETTINGS (the server's connection
 * preface), or a GOAWAY. undici's HTTP/1.1 parser rejects them as an HTTPParserError ("Response does not match
 * the HTTP/1.1 protocol (Expected HTTP/, RTSP/ or ICE/)"), its `data` the bytes it could not parse, decoded as
 * UTF-8: a frame header there (a length below 64 KiB, type 0x4 SETTINGS or 0x7 GOAWAY, no flags, stream 0) is
 * the sign. Over TLS such a server refuses HTTP/1.1 in the handshake instead (ALPN: alert no_application_protocol).
 */
export function http2Only(error: unknown): string | undefined {
  const { name, code, data } = (error ?? {}) as { name?: unknown; code?: unknown; data?: unknown };
  if (name === "HTTPParserError" && typeof data === "string" && /^\0[^]{2}[\x04\x07]\0{5}/.test(data)) {
    return `it answered this HTTP/1.1 request with an HTTP/2 ${data.charCodeAt(3) === 4 ? "SETTINGS" : "GOAWAY"} frame`;
  }
  if (code === "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL")
    return "over TLS it refused HTTP/1.1 (ALPN; ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL)";
  return undefined;
}
