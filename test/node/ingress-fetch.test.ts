/**
 * createIngressFetch on its own, against real HTTP and HTTPS servers on loopback: it connects to the URL's address
 * and presents the host (Host, SNI, certificate name); bodies stream both ways; abort ends the connection;
 * redirects stay on the host; failures are fetch's TypeError with the SDK's explanation as the cause.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, ConnectionError, HttpError, KServeError } from "../../src/core/errors.js";
import { createIngressFetch, type IngressFetch, type IngressFetchOptions } from "../../src/node/index.js";
import { createIngressFetch as browserStub } from "../../src/node/index.browser.js";
import { measureBundle } from "../../scripts/bundle-size.mjs";
import { listenOnLoopback, rejection, thrown } from "../helpers.js";
import { createTestPki, type TestPki } from "./tls.js";

const VHOST = "qwen.kserve-test.example.com";
const TOKEN = "sk-ingress-secret-token";

interface Seen {
  method: string;
  url: string;
  host: string | undefined;
  servername: string | false | null | undefined;
  headers: IncomingMessage["headers"];
  bytes: number;
  sha256: string;
}

/** A promise and its resolve function, for ordering a test's steps against a server's. */
function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

const seen: Seen[] = [];
/** What the streaming routes wait for, and what they report. */
let release = signal();
let closedMidStream = signal<number>();
let firstUploadChunk = signal();
let otherSawRequest = false;
let otherPort = 0;

function handler(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? "/";
  if (path === "/stream" || path === "/hold") {
    // Server-sent events: the first now, the next once the test releases it (never, for /hold).
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write("data: first\n\n");
    let written = 1;
    res.on("close", () => {
      if (!res.writableFinished) closedMidStream.resolve(written);
    });
    if (path === "/stream") {
      void release.promise.then(() => {
        written++;
        res.end("data: last\n\n");
      });
    }
    return;
  }
  const hash = createHash("sha256");
  let bytes = 0;
  req.on("data", (chunk: Buffer) => {
    if (bytes === 0) firstUploadChunk.resolve();
    bytes += chunk.byteLength;
    hash.update(chunk);
  });
  req.on("end", () => {
    const record: Seen = {
      method: req.method ?? "",
      url: path,
      host: req.headers.host,
      servername: (req.socket as Partial<TLSSocket>).servername,
      headers: req.headers,
      bytes,
      sha256: hash.digest("hex"),
    };
    seen.push(record);
    const redirects: Record<string, [number, string]> = {
      "/relative": [307, "/echo"],
      "/on-host": [308, `http://${VHOST}/echo?via=host`],
      "/see-other": [303, "/echo"],
      "/away": [307, `http://127.0.0.1:${otherPort}/collect?token=${TOKEN}`],
      "/to-https": [301, `https://${VHOST}/echo`],
      "/loop": [302, "/loop"],
    };
    const redirect = redirects[path];
    if (redirect !== undefined) res.writeHead(redirect[0], { location: redirect[1] }).end();
    else res.writeHead(200, { "content-type": "application/json", "x-seen": "yes" }).end(JSON.stringify(record));
  });
}

let pki: TestPki;
let http: Server;
let https: HttpsServer;
let other: Server;
let base: string;
let secureBase: string;
const fetches: IngressFetch[] = [];
function ingressFetch(options: Partial<IngressFetchOptions> = {}): IngressFetch {
  const f = createIngressFetch({ host: VHOST, ...options });
  fetches.push(f);
  return f;
}

beforeAll(async () => {
  pki = createTestPki();
  http = createServer(handler);
  https = createHttpsServer(pki.issue([VHOST]), handler);
  other = createServer((req, res) => {
    otherSawRequest = true;
    req.resume();
    res.end();
  });
  const [httpPort, httpsPort] = await Promise.all([listenOnLoopback(http), listenOnLoopback(https)]);
  otherPort = await listenOnLoopback(other);
  base = `http://127.0.0.1:${httpPort}`;
  secureBase = `https://127.0.0.1:${httpsPort}`;
});

afterAll(async () => {
  await Promise.all(fetches.map((f) => f.close()));
  for (const s of [http, https, other]) s.closeAllConnections();
  await Promise.all([http, https, other].map((s) => new Promise((resolve) => s.close(resolve))));
  pki?.dispose();
});

const json = async (response: Response) => (await response.json()) as Seen;

describe("createIngressFetch: the host it presents", () => {
  it("connects to the URL's address and sends the host as Host, replacing one the caller set", async () => {
    const response = await ingressFetch()(`${base}/echo?x=1`, { headers: { host: "elsewhere.example.com" } });
    expect(response).toBeInstanceOf(Response);
    expect(response.headers).toBeInstanceOf(Headers);
    expect(response.headers.get("x-seen")).toBe("yes");
    expect(response.url).toBe(`${base}/echo?x=1`);
    expect(await json(response)).toMatchObject({ method: "GET", url: "/echo?x=1", host: VHOST });
  });

  it("over HTTPS, sends the host as SNI and checks the certificate against it (private CA)", async () => {
    const response = await ingressFetch({ tls: { ca: pki.ca } })(`${secureBase}/echo`);
    expect(await json(response)).toMatchObject({ host: VHOST, servername: VHOST });
  });

  it("a host with a port: the Host header keeps it, SNI and the certificate name do not", async () => {
    const response = await ingressFetch({ host: `${VHOST}:8443`, tls: { ca: pki.ca } })(`${secureBase}/echo`);
    expect(await json(response)).toMatchObject({ host: `${VHOST}:8443`, servername: VHOST });
  });

  it("takes a Request, with init's members winning as in fetch", async () => {
    const request = new Request(`${base}/echo`, { method: "POST", body: "from the request", headers: { "x-a": "1" } });
    const seenByServer = await json(await ingressFetch()(request));
    expect(seenByServer).toMatchObject({ method: "POST", host: VHOST, bytes: "from the request".length });
    expect(seenByServer.headers["x-a"]).toBe("1");
    const overridden = await json(await ingressFetch()(new Request(`${base}/echo`), { headers: { "x-b": "2" } }));
    expect(overridden.headers["x-b"]).toBe("2");
  });

  it("refuses a host that is not a hostname, as a ConfigError", () => {
    for (const host of ["http://qwen.example.com", "qwen.example.com/v1", "", "a b"]) {
      expect(thrown(ConfigError, () => createIngressFetch({ host })).message).toContain("host must be a hostname");
    }
  });
});

describe("createIngressFetch: bodies", () => {
  it("sends a string body and a large byte body whole", async () => {
    const text = await json(await ingressFetch()(`${base}/echo`, { method: "POST", body: "héllo" }));
    expect(text).toMatchObject({ bytes: 6, sha256: createHash("sha256").update("héllo").digest("hex") });
    const big = new Uint8Array(16 * 1024 * 1024).map((_, i) => (i * 31) & 0xff);
    const seenBig = await json(await ingressFetch()(`${base}/echo`, { method: "POST", body: big }));
    expect(seenBig).toMatchObject({ bytes: big.byteLength, sha256: createHash("sha256").update(big).digest("hex") });
    expect(seenBig.headers["content-length"]).toBe(String(big.byteLength));
  });

  it("streams a ReadableStream body as it is produced: the server has its first chunk before the last is made", async () => {
    firstUploadChunk = signal();
    const chunk = new Uint8Array(64 * 1024).fill(7);
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk);
      },
      async pull(controller) {
        // Waits for the server: a fetch that read the whole body before sending would never get here.
        await firstUploadChunk.promise;
        if (++pulls <= 3) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const seenByServer = await json(await ingressFetch()(`${base}/echo`, { method: "POST", body }));
    expect(seenByServer.bytes).toBe(4 * chunk.byteLength);
    expect(seenByServer.headers["transfer-encoding"]).toBe("chunked");
  });

  it("hands over a response body as it arrives: the first event is read before the server writes the last", async () => {
    release = signal();
    const response = await ingressFetch()(`${base}/stream`);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    expect((await reader.read()).value).toBe("data: first\n\n");
    release.resolve(); // only now does the server write the rest
    expect((await reader.read()).value).toBe("data: last\n\n");
    expect((await reader.read()).done).toBe(true);
  });

  it("an abort mid-stream ends the read with the abort and closes the connection", async () => {
    closedMidStream = signal();
    const controller = new AbortController();
    const response = await ingressFetch()(`${base}/hold`, { signal: controller.signal });
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("data: first\n\n");
    controller.abort();
    expect(await rejection(reader.read())).toMatchObject({ name: "AbortError" });
    expect(await closedMidStream.promise).toBe(1); // the server saw the connection close after one event
  });
});

describe("createIngressFetch: redirects", () => {
  const authorization = { authorization: `Bearer ${TOKEN}` };

  it("follows one on the host, relative or absolute, keeping method, body and credentials", async () => {
    for (const path of ["/relative", "/on-host"]) {
      const response = await ingressFetch()(`${base}${path}`, {
        method: "POST",
        body: "again",
        headers: authorization,
      });
      expect(response.redirected).toBe(true);
      const target = await json(response);
      expect(target).toMatchObject({ method: "POST", host: VHOST, bytes: 5 });
      expect(target.url).toMatch(/^\/echo/);
      expect(target.headers.authorization).toBe(`Bearer ${TOKEN}`);
    }
  });

  it("a 303 turns a POST into a GET without the body", async () => {
    const target = await json(
      await ingressFetch()(`${base}/see-other`, {
        method: "POST",
        body: "{}",
        headers: { "content-type": "application/json" },
      }),
    );
    expect(target).toMatchObject({ method: "GET", url: "/echo", bytes: 0 });
    expect(target.headers["content-type"]).toBeUndefined();
  });

  it("does not follow one to another host: the other host sees nothing, and the error does not show the token", async () => {
    otherSawRequest = false;
    const error = await rejection(
      ingressFetch()(`${base}/away`, { method: "POST", body: "{}", headers: authorization }),
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe("fetch failed");
    const cause = (error as TypeError).cause as HttpError;
    expect(cause).toBeInstanceOf(HttpError);
    expect(cause.status).toBe(307);
    expect(cause.message).toContain(`another host than ${VHOST}`);
    expect(cause.message).toContain("token=[redacted]");
    expect(JSON.stringify({ message: cause.message, headers: cause.headers })).not.toContain(TOKEN);
    expect(otherSawRequest).toBe(false);
  });

  it("does not follow one to the host under another scheme, nor a loop past 20", async () => {
    const https = (await rejection(ingressFetch()(`${base}/to-https`))) as TypeError;
    expect((https.cause as Error).message).toContain("another scheme or port");
    const loop = (await rejection(ingressFetch()(`${base}/loop`))) as TypeError;
    expect((loop.cause as Error).message).toContain("more than 20 redirects");
  });

  it('redirect: "manual" returns the redirect; "error" fails', async () => {
    const manual = await ingressFetch()(`${base}/away`, { redirect: "manual" });
    expect(manual.status).toBe(307);
    expect(manual.headers.get("location")).toContain(`127.0.0.1:${otherPort}`);
    const error = (await rejection(ingressFetch()(`${base}/relative`, { redirect: "error" }))) as TypeError;
    expect((error.cause as Error).message).toContain('redirect mode is "error"');
  });
});

describe("createIngressFetch: failures are fetch's TypeError, with the SDK's explanation as the cause", () => {
  it("a refused connection", async () => {
    const probe = createServer();
    const closedPort = await listenOnLoopback(probe);
    await new Promise((resolve) => probe.close(resolve));
    const url = `http://127.0.0.1:${closedPort}/openai/v1/models`;
    const error = await rejection(
      ingressFetch()(`${url}?key=${TOKEN}`, { headers: { authorization: `Bearer ${TOKEN}` } }),
    );
    expect(error).toBeInstanceOf(TypeError);
    const cause = (error as TypeError).cause;
    expect(cause).toBeInstanceOf(ConnectionError);
    expect((cause as ConnectionError).message).toBe(
      `[unavailable] ${url}: could not connect: connect ECONNREFUSED 127.0.0.1:${closedPort} (ECONNREFUSED).`,
    );
  });

  it("a certificate from a CA that is not trusted, and one for another name, say what to do", async () => {
    const untrusted = (await rejection(ingressFetch()(`${secureBase}/echo`))) as TypeError;
    expect(untrusted.cause).toBeInstanceOf(ConnectionError);
    expect((untrusted.cause as Error).message).toMatch(/does not verify for "qwen\.kserve-test\.example\.com"/);
    expect((untrusted.cause as Error).message).toContain("createIngressFetch({ tls: { ca } })");
    const wrongName = (await rejection(
      ingressFetch({ host: "other.example.com", tls: { ca: pki.ca } })(`${secureBase}/echo`),
    )) as TypeError;
    expect((wrongName.cause as Error).message).toContain("ERR_TLS_CERT_ALTNAME_INVALID");
  });

  it("a URL with credentials is refused without showing them", async () => {
    const error = await rejection(ingressFetch()(`http://user:${TOKEN}@127.0.0.1:1/`));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain("carries credentials");
    expect((error as Error).message).not.toContain(TOKEN);
  });

  it("after close() (again and again), a call fails saying so", async () => {
    const f = createIngressFetch({ host: VHOST });
    await f(`${base}/echo`).then((r) => r.arrayBuffer());
    await Promise.all([f.close(), f.close()]);
    await f.close();
    const error = (await rejection(f(`${base}/echo`))) as TypeError;
    expect(error.cause).toBeInstanceOf(KServeError);
    expect((error.cause as Error).message).toContain("was closed");
  });
});

describe("createIngressFetch outside Node", () => {
  it("the browser build of kserve-client/node has a stub that says it needs Node", () => {
    expect(thrown(ConfigError, () => browserStub({ host: VHOST })).message).toMatch(/needs Node\.js/);
  });

  it("bundled for the browser, that build reaches no Node built-in and no undici", async () => {
    const { inputs } = await measureBundle(
      'import { createIngressFetch } from "./src/node/index.browser.ts"; export default createIngressFetch;',
    );
    expect(inputs).toContain("src/node/index.browser.ts");
    expect(
      inputs.filter(
        (input: string) =>
          input.startsWith("node:") || input.includes("undici") || /src\/node\/(?!index\.browser)/.test(input),
      ),
    ).toEqual([]);
  });
});
