/**
 * Ingress routing over gRPC: createNodeGrpcTransport connects to baseUrl's address and presents `authority` as
 * :authority, as the TLS SNI name and as the name the certificate is checked against. Certificates are made
 * with openssl at test time.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, ConnectionError } from "../../src/core/errors.js";
import { createGrpcClient } from "kserve-client/grpc";
import {
  createNodeGrpcTransport,
  type NodeGrpcTransport,
  type NodeGrpcTransportOptions,
} from "../../src/node/grpc-transport.js";
import { Tensor } from "../../src/tensor/index.js";
import { createTestPki, startOpensslServer, type TestPki } from "../node/tls.js";
import { rejection, thrown } from "../helpers.js";
import { attemptCounter, startGrpcServer, type TestGrpcServer } from "./servers.js";

const VHOST = "iris.default.example.com";

let pki: TestPki;
let tlsServer: TestGrpcServer;
let h2cServer: TestGrpcServer;
const transports: NodeGrpcTransport[] = [];

function transport(options: NodeGrpcTransportOptions): NodeGrpcTransport {
  const t = createNodeGrpcTransport(options);
  transports.push(t);
  return t;
}

beforeAll(async () => {
  pki = createTestPki();
  tlsServer = await startGrpcServer(pki.issue([VHOST]));
  h2cServer = await startGrpcServer();
});

afterAll(async () => {
  for (const t of transports) t.close();
  await tlsServer?.close();
  await h2cServer?.close();
  pki?.dispose();
});

const iris = { inputs: [Tensor.fp32("input-0", [2, 4], [5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3])] };

describe("TLS with authority", () => {
  it("connects to 127.0.0.1 and presents the authority as :authority and SNI; the certificate checks against it", async () => {
    tlsServer.seen.length = 0;
    const c = createGrpcClient({
      transport: transport({ baseUrl: `https://127.0.0.1:${tlsServer.port}`, authority: VHOST, tls: { ca: pki.ca } }),
    });
    const res = await c.infer("iris-classifier", iris);
    expect(Array.from(res.output("output-0", "INT64").data)).toEqual([0n, 2n]);
    await expect(c.serverLive()).resolves.toBe(true);
    expect(tlsServer.seen.length).toBeGreaterThanOrEqual(2);
    for (const seen of tlsServer.seen) {
      expect(seen.authority).toBe(VHOST);
      expect(seen.servername).toBe(VHOST);
    }
  });

  it("an authority with a port is sent whole as :authority, and without the port as SNI", async () => {
    tlsServer.seen.length = 0;
    const c = createGrpcClient({
      transport: transport({
        baseUrl: `https://127.0.0.1:${tlsServer.port}`,
        authority: `${VHOST}:443`,
        tls: { ca: pki.ca },
      }),
    });
    await expect(c.serverReady()).resolves.toBe(true);
    expect(tlsServer.seen.at(-1)).toMatchObject({ authority: `${VHOST}:443`, servername: VHOST });
  });

  it("an authority the certificate does not name fails with a non-retryable ConnectionError about the certificate", async () => {
    const counter = attemptCounter();
    const c = createGrpcClient({
      transport: transport({
        baseUrl: `https://127.0.0.1:${tlsServer.port}`,
        authority: "other.example.com",
        tls: { ca: pki.ca },
      }),
      interceptors: [counter.interceptor],
      retry: { initialDelayMs: 5 },
    });
    const error = await rejection(c.infer("iris-classifier", iris));
    expect(error).toBeInstanceOf(ConnectionError);
    const e = error as ConnectionError;
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(/certificate/i);
    expect(e.message).toContain("ERR_TLS_CERT_ALTNAME_INVALID");
    expect(counter.count).toBe(1);
  });

  it("without tls.ca the server's certificate does not verify (verification is on by default)", async () => {
    const counter = attemptCounter();
    const c = createGrpcClient({
      transport: transport({ baseUrl: `https://127.0.0.1:${tlsServer.port}`, authority: VHOST }),
      interceptors: [counter.interceptor],
      retry: { initialDelayMs: 5 },
    });
    const error = await rejection(c.serverLive());
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).retryable).toBe(false);
    expect((error as ConnectionError).message).toMatch(/certificate/i);
    expect(counter.count).toBe(1);
  });

  it("without authority, https://127.0.0.1 does not match a certificate for the virtual host", async () => {
    const error = await rejection(
      createGrpcClient({
        transport: transport({ baseUrl: `https://127.0.0.1:${tlsServer.port}`, tls: { ca: pki.ca } }),
      }).serverLive(),
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).retryable).toBe(false);
  });

  it("rejectUnauthorized: false accepts the certificate without the CA", async () => {
    const c = createGrpcClient({
      transport: transport({
        baseUrl: `https://127.0.0.1:${tlsServer.port}`,
        authority: "other.example.com",
        tls: { rejectUnauthorized: false },
      }),
    });
    await expect(c.serverLive()).resolves.toBe(true);
    expect(tlsServer.seen.at(-1)).toMatchObject({ authority: "other.example.com", servername: "other.example.com" });
  });
});

describe("mutual TLS", () => {
  let mtlsServer: TestGrpcServer;
  beforeAll(async () => {
    mtlsServer = await startGrpcServer({ ...pki.issue([VHOST]), clientCa: pki.ca });
  });
  afterAll(() => mtlsServer?.close());

  it("presents the client certificate from tls: { cert, key }", async () => {
    const c = createGrpcClient({
      transport: transport({
        baseUrl: mtlsServer.url,
        authority: VHOST,
        tls: { ca: pki.ca, ...pki.issue(["model-caller"], "client") },
      }),
    });
    await expect(c.serverLive()).resolves.toBe(true);
  });

  it("without a client certificate: a non-retryable ConnectionError that says to pass one, not that the server's does not verify", async () => {
    const counter = attemptCounter();
    const c = createGrpcClient({
      transport: transport({ baseUrl: mtlsServer.url, authority: VHOST, tls: { ca: pki.ca } }),
      interceptors: [counter.interceptor],
      retry: { initialDelayMs: 5 },
    });
    const error = await rejection(c.serverLive());
    expect(error).toBeInstanceOf(ConnectionError);
    const e = error as ConnectionError;
    expect(e.retryable).toBe(false);
    expect(e.message).toContain("the server refused this client's TLS certificate");
    expect(e.message).toContain("ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED");
    expect(e.message).toContain("createNodeGrpcTransport({ tls: { cert, key } })");
    expect(e.message).not.toContain("does not verify");
    expect(counter.count).toBe(1);
  });

  it("with a certificate from a CA the server does not trust: the same, naming the unknown_ca alert", async () => {
    // OpenSSL's server, which sends the alert (Node's closes without one).
    const stranger = createTestPki();
    const server = await startOpensslServer(pki.issue([VHOST]), pki.ca, { alpn: "h2" });
    try {
      const counter = attemptCounter();
      const c = createGrpcClient({
        transport: transport({
          baseUrl: `https://127.0.0.1:${server.port}`,
          authority: VHOST,
          tls: { ca: pki.ca, ...stranger.issue(["model-caller"], "client") },
        }),
        interceptors: [counter.interceptor],
        retry: { initialDelayMs: 5 },
      });
      const error = await rejection(c.serverLive());
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as ConnectionError).retryable).toBe(false);
      expect((error as ConnectionError).message).toContain("ERR_SSL_TLSV1_ALERT_UNKNOWN_CA");
      expect((error as ConnectionError).message).toContain("createNodeGrpcTransport({ tls: { cert, key } })");
      expect(counter.count).toBe(1);
    } finally {
      server.close();
      stranger.dispose();
    }
  });
});

describe("h2c with authority", () => {
  it("the server sees the authority as :authority", async () => {
    h2cServer.seen.length = 0;
    const c = createGrpcClient({ transport: transport({ baseUrl: h2cServer.url, authority: VHOST }) });
    const res = await c.infer("iris", iris);
    expect(Array.from(res.output("output-0", "INT64").data)).toEqual([0n, 2n]);
    expect(h2cServer.seen.map((s) => s.authority)).toEqual([VHOST]);
  });

  it("without authority, :authority is baseUrl's host and port", async () => {
    h2cServer.seen.length = 0;
    await createGrpcClient({ transport: transport({ baseUrl: h2cServer.url }) }).serverLive();
    expect(h2cServer.seen.map((s) => s.authority)).toEqual([`127.0.0.1:${h2cServer.port}`]);
  });
});

describe("createNodeGrpcTransport options", () => {
  it.each(["ftp://127.0.0.1:1", "not a url", ""])("refuses baseUrl %j", (baseUrl) => {
    thrown(ConfigError, () => createNodeGrpcTransport({ baseUrl }));
  });

  it.each(["has space.example.com", "a/b", "user@host", "x\r\ny"])("refuses authority %j", (authority) => {
    thrown(ConfigError, () => createNodeGrpcTransport({ baseUrl: "http://127.0.0.1:1", authority }));
  });

  it("a closed transport refuses further calls", async () => {
    const t = createNodeGrpcTransport({ baseUrl: h2cServer.url });
    const c = createGrpcClient({ transport: t });
    await expect(c.serverLive()).resolves.toBe(true);
    t.close();
    const error = await rejection(c.serverLive());
    expect(error).toBeInstanceOf(ConfigError);
  });
});
