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
