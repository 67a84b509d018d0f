/** What both Node transports (undici for REST, HTTP/2 for gRPC) do alike with TLS settings and virtual host names. */

/** TLS settings for HTTPS connections. */
export interface NodeTlsOptions {
  /** Trusted CA certificate(s), PEM, in place of the system's. */
  ca?: string | Buffer | Array<string | Buffer> | undefined;
  /** Client certificate, PEM (mutual TLS). */
  cert?: string | Buffer | undefined;
  /** Client private key, PEM (mutual TLS). */
  key?: string | Buffer | undefined;
  /** Verify the server's certificate. Default true; false is for local experiments only. */
  rejectUnauthorized?: boolean | undefined;
}

/** The TLS connect options for `tls`: trusted CA, client certificate and key, verification (on by default). */
export function tlsConnectOptions(tls: NodeTlsOptions | undefined): NodeTlsOptions & { rejectUnauthorized: boolean } {
  return {
    ...(tls?.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls?.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls?.key === undefined ? {} : { key: tls.key }),
    rejectUnauthorized: tls?.rejectUnauthorized ?? true,
  };
}

/** `name:port` → `name`, `[::1]:443` → `::1`: the name TLS SNI and certificate checks use. */
export function stripPort(host: string): string {
  if (host.startsWith("[")) return host.slice(1, host.indexOf("]"));
  const colon = host.lastIndexOf(":");
  return colon === -1 ? host : host.slice(0, colon);
}

/**
 * Whose TLS certificate a Node error code says was refused, so that retrying cannot fix it. `"server"`: the
 * server's did not verify here (Node's `ERR_TLS_CERT_ALTNAME_INVALID`, OpenSSL's X509 verification codes, the
 * list in Node's `tls` docs: `CERT_HAS_EXPIRED`, `DEPTH_ZERO_SELF_SIGNED_CERT`, `UNABLE_TO_VERIFY_LEAF_SIGNATURE`,
 * `INVALID_CA`, …). `"client"`: the server sent a TLS alert about this client's certificate under mutual TLS
 * (`ERR_SSL_…_ALERT_CERTIFICATE_REQUIRED`, `…_BAD_CERTIFICATE`, `…_UNKNOWN_CA`, `…_ACCESS_DENIED`, …). Patterns
 * rather than tables: they cover all of them in fewer bytes.
 */
export function certificateAtFault(code: unknown): "server" | "client" | undefined {
  if (typeof code !== "string") return undefined;
  if (/^ERR_SSL_\w+_ALERT_(?:\w*CERTIFICATE\w*|UNKNOWN_CA|ACCESS_DENIED)$/.test(code)) return "client";
  return /CERT|CRL_|^UNABLE_TO_|^(?:INVALID_CA|INVALID_PURPOSE|PATH_LENGTH_EXCEEDED|HOSTNAME_MISMATCH)$/.test(code)
    ? "server"
    : undefined;
}

/** What to do about a refused certificate, naming the factory whose `tls` option fixes it. */
export function certificateAdvice(side: "server" | "client", factory: string, routing: string): string {
  return side === "server"
    ? `Check \`${routing}\`, or trust the server's CA with ${factory}({ tls: { ca } }).`
    : `If it wants mutual TLS, pass a client certificate signed by a CA it trusts, with ${factory}({ tls: { cert, key } }).`;
}
