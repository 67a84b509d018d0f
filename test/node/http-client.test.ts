/** The Node HttpClient against real HTTP and HTTPS servers on loopback, with certificates made at test time. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnectionError, isKServeError, KServeError } from "../../src/core/errors.js";
import { http2Only } from "../../src/node/connection-errors.js";
import { createNodeHttpClient, type NodeHttpClient } from "../../src/node/http-client.js";
import { createTestPki, startOpensslServer, type TestPki } from "./tls.js";
import { httpRequest, listenOnLoopback, rejection } from "../helpers.js";

const VHOST = "iris.kserve-test.example.com";
interface Seen {
  host: string | undefined;
  servername: string | false | null | undefined;
  clientCertCN: string | undefined;
  body: Buffer;
  headers: IncomingMessage["headers"];
}
const seen: Seen[] = [];

function handler(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const socket = req.socket as Partial<TLSSocket>;
    const peer = socket.getPeerCertificate?.();
    seen.push({
      host: req.headers.host,
      servername: socket.servername,
      clientCertCN: peer && "subject" in peer ? (peer.subject?.CN as string | undefined) : undefined,
      body: Buffer.concat(chunks),
      headers: req.headers,
    });
    if (req.url === "/big") {
      res.writeHead(200);
      res.end(Buffer.alloc(2 * 1024 * 1024));
      return;
    }
    if (req.url === "/big-chunked") {
      res.writeHead(200); // no Content-Length: chunked, so the limit must be enforced while streaming
      for (let i = 0; i < 32; i++) res.write(Buffer.alloc(64 * 1024));
      res.end();
      return;
    }
    if (req.url === "/reset") {
      req.socket.destroy();
      return;
    }
    res.writeHead(200, { "content-type": "application/json", "X-Multi": ["a", "b"] });
    res.end(JSON.stringify({ url: req.url }));
  });
}

let pki: TestPki;
let http: Server;
let https: HttpsServer;
let mtls: HttpsServer;
let httpPort: number;
let httpsPort: number;
let mtlsPort: number;
const clients: NodeHttpClient[] = [];
const client = (...args: Parameters<typeof createNodeHttpClient>) => {
  const c = createNodeHttpClient(...args);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  pki = createTestPki();
  const serverCert = pki.issue([VHOST]);
  http = createServer(handler);
  https = createHttpsServer({ ...serverCert }, handler);
  mtls = createHttpsServer({ ...serverCert, ca: pki.ca, requestCert: true, rejectUnauthorized: true }, handler);
  [httpPort, httpsPort, mtlsPort] = await Promise.all([
    listenOnLoopback(http),
    listenOnLoopback(https),
    listenOnLoopback(mtls),
  ]);
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  for (const s of [http, https, mtls]) s.closeAllConnections();
  await Promise.all([http, https, mtls].map((s) => new Promise((resolve) => s.close(resolve))));
  pki.dispose();
});

const request = httpRequest;

describe("createNodeHttpClient over HTTP", () => {
  it("sends chunk lists with a declared length and returns lower-case headers", async () => {
    const res = await client()(
      request(`http://127.0.0.1:${httpPort}/v2/models/iris/infer?x=1`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: [new Uint8Array([1, 2]), new Uint8Array([3])],
      }),
    );
    expect(res.status).toBe(200);
    expect(res.headers["x-multi"]).toBe("a, b");
    expect(JSON.parse(new TextDecoder().decode(res.body))).toEqual({ url: "/v2/models/iris/infer?x=1" });
    expect(Array.from(seen.at(-1)!.body)).toEqual([1, 2, 3]);
    expect(seen.at(-1)!.headers["content-length"]).toBe("3");
    expect(seen.at(-1)!.headers["transfer-encoding"]).toBeUndefined();
  });

  it("presents host as the Host header while connecting to the URL's address", async () => {
    await client()(request(`http://127.0.0.1:${httpPort}/`, { host: VHOST }));
    expect(seen.at(-1)!.host).toBe(VHOST);
  });

  it("enforces maxResponseBytes, from the declared length or while streaming a chunked body", async () => {
    for (const path of ["/big", "/big-chunked"]) {
      const error = await rejection(client()(request(`http://127.0.0.1:${httpPort}${path}`)));
      expect(error, path).toMatchObject({ code: "resource_exhausted" });
    }
  });

  it("maps a refused connection and a reset to ConnectionError", async () => {
    const probe = createServer();
    const closedPort = await listenOnLoopback(probe);
    await new Promise((resolve) => probe.close(resolve));
    const refused = await rejection(client()(request(`http://127.0.0.1:${closedPort}/`)));
    expect(refused).toBeInstanceOf(ConnectionError);
    expect((refused as ConnectionError).message).toContain("ECONNREFUSED");
    expect(await rejection(client()(request(`http://127.0.0.1:${httpPort}/reset`)))).toBeInstanceOf(ConnectionError);
  });

  it("rejects with the signal's reason when aborted", async () => {
    const reason = new Error("deadline");
    const error = await rejection(
      client()(request(`http://127.0.0.1:${httpPort}/`, { signal: AbortSignal.abort(reason) })),
    );
    expect(error).toBe(reason);
  });
});

describe("createNodeHttpClient over HTTPS: host drives Host, SNI and the certificate check", () => {
  it("connects to 127.0.0.1 and verifies the certificate against host, sending it as SNI and Host", async () => {
    const res = await client({ tls: { ca: pki.ca } })(request(`https://127.0.0.1:${httpsPort}/`, { host: VHOST }));
    expect(res.status).toBe(200);
    expect(seen.at(-1)).toMatchObject({ host: VHOST, servername: VHOST });
  });

  it("refuses a certificate for another name, saying what to check, and does not mark it retryable", async () => {
    const error = await rejection(
      client({ tls: { ca: pki.ca } })(request(`https://127.0.0.1:${httpsPort}/`, { host: "other.example.com" })),
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).retryable).toBe(false);
    expect((error as KServeError).message).toContain("ERR_TLS_CERT_ALTNAME_INVALID");
    expect((error as KServeError).message).toContain("tls: { ca }");
  });

  it("refuses a server whose CA is not trusted (verification is on by default)", async () => {
    const error = await rejection(client()(request(`https://127.0.0.1:${httpsPort}/`, { host: VHOST })));
    expect(isKServeError(error)).toBe(true);
    expect((error as KServeError).message).toMatch(
      /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED/,
    );
  });

  it("rejectUnauthorized: false skips verification when asked to", async () => {
    const res = await client({ tls: { rejectUnauthorized: false } })(
      request(`https://127.0.0.1:${httpsPort}/`, { host: "any.example.com" }),
    );
    expect(res.status).toBe(200);
  });

  it("mutual TLS: presents the client certificate", async () => {
    const id = pki.issue(["model-caller"], "client");
    const res = await client({ tls: { ca: pki.ca, ...id } })(
      request(`https://127.0.0.1:${mtlsPort}/`, { host: VHOST }),
    );
    expect(res.status).toBe(200);
    expect(seen.at(-1)!.clientCertCN).toBe("model-caller");
  });

  it.each([
    // Node's server; OpenSSL's, since Node's closes without an alert for a certificate it does not trust.
    [
      "no client certificate",
      async () => ({ port: mtlsPort, id: {}, close: () => {} }),
      "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED",
    ],
    [
      "one from a CA the server does not trust",
      async () => {
        const stranger = createTestPki();
        const server = await startOpensslServer(pki.issue([VHOST]), pki.ca);
        return {
          port: server.port,
          id: stranger.issue(["model-caller"], "client"),
          close: () => (server.close(), stranger.dispose()),
        };
      },
      "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA",
    ],
  ])("mutual TLS with %s: a non-retryable ConnectionError that says to pass a trusted one", async (_, setup, code) => {
    // TLS 1.3: the server checks the certificate after the handshake, and undici itself reports "other side closed".
    const { port, id, close } = await setup();
    let error: unknown;
    try {
      error = await rejection(
        client({ tls: { ca: pki.ca, ...id } })(request(`https://127.0.0.1:${port}/`, { host: VHOST })),
      );
    } finally {
      close();
    }
    expect(error).toBeInstanceOf(ConnectionError);
    const e = error as ConnectionError;
    expect(e.retryable).toBe(false);
    expect(e.message).toContain("refused this client's TLS certificate");
    expect(e.message).toContain(code);
    expect(e.message).toContain("createNodeHttpClient({ tls: { cert, key } })");
  });
});

describe("waiting for a connection", () => {
  let server: Server;
  let url: string;
  const pending: ServerResponse[] = [];
  beforeAll(async () => {
    // Answers /slow never (until closed), everything else at once.
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      if (req.url === "/slow") pending.push(res);
      else res.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const res of pending) res.end();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("an abort while the request waits for a busy pool's only connection ends it at once", async () => {
    const client = createNodeHttpClient({ connections: 1 });
    try {
      const slow = client(httpRequest(`${url}/slow`, { signal: AbortSignal.timeout(2000) })).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const controller = new AbortController();
      const queued = client(httpRequest(`${url}/fast`, { signal: controller.signal }));
      const started = Date.now();
      setTimeout(() => controller.abort(new Error("gave up")), 100);
      expect(await rejection(queued)).toMatchObject({ message: "gave up" });
      expect(Date.now() - started).toBeLessThan(1000);
      await slow;
    } finally {
      await client.close();
    }
  });

  it("an already aborted signal rejects without sending", async () => {
    const client = createNodeHttpClient();
    try {
      const controller = new AbortController();
      controller.abort(new Error("before"));
      expect(await rejection(client(httpRequest(`${url}/fast`, { signal: controller.signal })))).toMatchObject({
        message: "before",
      });
    } finally {
      await client.close();
    }
  });

  it("a request undici refuses (a header value with a line break) is a ConfigError, not a retryable connection failure", async () => {
    const client = createNodeHttpClient();
    try {
      const error = await rejection(client(httpRequest(`${url}/fast`, { headers: { "x-bad": "a\r\nb" } })));
      expect(error).toBeInstanceOf(KServeError);
      expect(error).not.toBeInstanceOf(ConnectionError);
      expect((error as KServeError).name).toBe("ConfigError");
      expect((error as Error).message).toContain("the request cannot be sent");
    } finally {
      await client.close();
    }
  });
});

describe("http2Only: undici's sign that the server speaks only HTTP/2", () => {
  /** undici's HTTPParserError as it reports an answer that is not HTTP/1.1: the unparsed bytes, decoded as UTF-8. */
  const parserError = (bytes: number[]) =>
    Object.assign(new Error("Response does not match the HTTP/1.1 protocol (Expected HTTP/, RTSP/ or ICE/)"), {
      name: "HTTPParserError",
      code: undefined,
      data: Buffer.from(bytes).toString(),
    });
  const SETTINGS = [0, 0, 0, 4, 0, 0, 0, 0, 0];
  // grpc-go's and grpcio's SETTINGS carry values (bytes past 0x7f too); a GOAWAY with a long debug text has a length byte past 0x7f.
  const SETTINGS_WITH_VALUES = [
    0, 0, 0x12, 4, 0, 0, 0, 0, 0, 0, 3, 0x7f, 0xff, 0xff, 0xff, 0, 4, 0, 0x40, 0, 0, 0, 6, 0, 0, 0x40, 0,
  ];
  const GOAWAY = [0, 0, 0xc8, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

  it.each([
    ["an empty SETTINGS frame (Node's)", SETTINGS, "SETTINGS"],
    ["a SETTINGS frame with values", SETTINGS_WITH_VALUES, "SETTINGS"],
    ["a GOAWAY frame", GOAWAY, "GOAWAY"],
  ])("recognises %s", (_name, bytes, frame) => {
    expect(http2Only(parserError(bytes))).toBe(`it answered this HTTP/1.1 request with an HTTP/2 ${frame} frame`);
  });

  it("recognises a TLS server that refuses HTTP/1.1 in the handshake", () => {
    expect(
      http2Only(
        Object.assign(new Error("tlsv1 alert no application protocol"), {
          code: "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL",
        }),
      ),
    ).toContain("refused HTTP/1.1");
  });

  it.each([
    ["another protocol's greeting", [...Buffer.from("SSH-2.0-OpenSSH_9.6\r\n")]],
    ["a SETTINGS ACK", [0, 0, 0, 4, 1, 0, 0, 0, 0]],
    ["a frame on a stream", [0, 0, 0, 7, 0, 0, 0, 0, 1]],
    ["a DATA frame", [0, 0, 4, 0, 0, 0, 0, 0, 0]],
    ["too few bytes", [0, 0, 0, 4, 0]],
  ])("leaves alone %s", (_name, bytes) => {
    expect(http2Only(parserError(bytes))).toBeUndefined();
  });

  it("leaves alone other failures", () => {
    for (const error of [
      undefined,
      null,
      "text",
      new Error("other side closed"),
      Object.assign(new Error("reset"), { code: "ECONNRESET" }),
    ]) {
      expect(http2Only(error)).toBeUndefined();
    }
  });
});
