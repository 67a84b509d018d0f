/**
 * Credentials never show: not in an error's message, String(), JSON, util.inspect (what console.log prints), its
 * details, response headers or body, its cause chain, nor in any log line, whatever the failure, over REST (both
 * HttpClients) and V1. Servers here are hostile on purpose: they echo the credentials they were sent.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createV1Client, createV2Client, Tensor, type Auth, type HttpRequest } from "kserve-client";
import { createNodeHttpClient } from "kserve-client/node";

// A `/` that JSON writers may escape as `\/`, a `"` that they must escape as `\"`.
const TOKEN = "tok/SECRET+7f3a91";
const PASSWORD = "pw-SECRET-91c2";
const API_KEY = 'key"SECRET/55e0';
const MODEL_TOKEN = "mt-SECRET-0b7d";
const INTERCEPTOR_TOKEN = "it/SECRET-3c5e";
const SECRETS = [
  TOKEN,
  PASSWORD,
  API_KEY,
  MODEL_TOKEN,
  INTERCEPTOR_TOKEN,
  Buffer.from(`svc:${PASSWORD}`).toString("base64"),
];
const AUTHS: [string, Auth][] = [
  ["bearer", { bearer: TOKEN }],
  ["basic", { basic: { username: "svc", password: PASSWORD } }],
  ["a provider", () => ({ "X-Api-Key": API_KEY })],
  // Not a header name the SDK knows for a credential: that the provider set it is what makes it one.
  ["a provider with a header of its own", () => ({ "X-Model-Token": MODEL_TOKEN })],
];

/** Everything a person could get to see of an error. */
function exposed(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    parts.push(String(e), inspect(e, { depth: 6, showHidden: true }));
    try {
      parts.push(JSON.stringify(e));
    } catch {
      // a cause that does not serialise shows through inspect above
    }
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join("\n");
}

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

/** What a careless server repeats of a request: its credential headers, and a Basic pair as it decoded it. */
function echoOf(headers: Record<string, string | string[] | undefined>): string {
  const authorization = String(headers["authorization"] ?? "");
  const basic = /^Basic (.+)$/.exec(authorization)?.[1];
  const decoded = basic === undefined ? "" : Buffer.from(basic, "base64").toString();
  return [authorization, decoded, headers["x-api-key"], headers["x-model-token"]].filter(Boolean).join(" ");
}

/**
 * Answers as a careless server would: its error text repeats the request's credentials, in a JSON body written
 * the way some servers write it (`/` as `\/`), and in headers.
 */
function echoing(status: number) {
  return (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const sent = echoOf(req.headers);
    res.writeHead(status, {
      "content-type": "application/json",
      "www-authenticate": `Bearer realm="kserve", error="invalid_token", token="${sent}"`,
      "x-echo-credential": sent,
      "retry-after": "0",
    });
    res.end(JSON.stringify({ error: `credential rejected: ${sent}` }).replace(/\//g, "\\/"));
  };
}

let servers: Server[] = [];
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
let refusedUrl: string;
beforeAll(async () => {
  // A port that was open and is closed again: connection refused.
  const closed = createServer();
  await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
  refusedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise((done) => closed.close(done));
});
afterAll(async () => {
  for (const server of servers) await new Promise((done) => server.close(done));
  servers = [];
});

const node = createNodeHttpClient();
afterAll(() => node.close());
const HTTP_CLIENTS = [
  ["undici", { httpClient: node }],
  ["fetch", { fetch: globalThis.fetch }],
] as const;
const input = Tensor.fp32("input-0", [1, 4], [6.8, 2.8, 4.8, 1.4]);

describe.each(HTTP_CLIENTS)("credentials with the %s HttpClient", (_, transport) => {
  describe.each(AUTHS)("auth as %s", (_, auth) => {
    const lines: string[] = [];
    const logger = {
      debug: (message: string, fields: Record<string, unknown>) =>
        void lines.push(message, inspect(fields, { depth: 6 })),
    };

    it.each([400, 401, 403, 500, 503])("an answer %i that echoes them", async (status) => {
      const baseUrl = await serve(echoing(status));
      const client = createV2Client({
        baseUrl,
        auth,
        logger,
        retry: { maxRetries: 1, initialDelayMs: 1 },
        ...transport,
      });
      const error = await client.infer("iris", { inputs: [input] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeDefined();
      // The echo reached the SDK (so the test would see a leak), and was taken out.
      expect(exposed(error)).toContain("credential rejected");
      expectNoSecret(exposed(error));
      expectNoSecret(lines.join("\n"));
      // The body as kept (inspect and JSON double the backslashes of an escaped echo, so check it as it is).
      const body = (error as { body?: string }).body ?? "";
      for (const secret of SECRETS)
        expect(body).not.toContain(JSON.stringify(secret).slice(1, -1).replace(/\//g, "\\/"));
    });

    it("a refused connection, a deadline, and a V1 call", async () => {
      const refused = await createV2Client({ baseUrl: refusedUrl, auth, logger, retry: false, ...transport })
        .serverLive()
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      const hanging = await serve(() => {});
      const late = await createV2Client({ baseUrl: hanging, auth, logger, timeoutMs: 100, ...transport })
        .serverReady()
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      const v1 = await createV1Client({ baseUrl: await serve(echoing(401)), auth, logger, retry: false, ...transport })
        .predict("iris", { instances: [[6.8, 2.8, 4.8, 1.4]] })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      for (const error of [refused, late, v1]) {
        expect(error).toBeInstanceOf(Error);
        expectNoSecret(exposed(error));
      }
      expectNoSecret(lines.join("\n"));
      expect(lines.length).toBeGreaterThan(0);
    });
  });
});

describe.each(HTTP_CLIENTS)("credentials an interceptor adds, with the %s HttpClient", (_, transport) => {
  it.each([401, 503])("an answer %i that echoes them", async (status) => {
    const lines: string[] = [];
    const logger = {
      debug: (message: string, fields: Record<string, unknown>) =>
        void lines.push(message, inspect(fields, { depth: 6 })),
    };
    const client = createV2Client({
      baseUrl: await serve(echoing(status)),
      logger,
      retry: { maxRetries: 1, initialDelayMs: 1 },
      // Passes its own response object on, not the one it got: the SDK must not depend on seeing that one.
      interceptors: [
        (next) => async (request) => ({
          ...(await next({
            ...request,
            headers: { ...request.headers, authorization: `Bearer ${INTERCEPTOR_TOKEN}` },
          })),
        }),
      ],
      ...transport,
    });
    const error = await client.infer("iris", { inputs: [input] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(exposed(error)).toContain("credential rejected");
    expectNoSecret(exposed(error));
    expectNoSecret(lines.join("\n"));
  });

  it.each([
    [
      "passes the request on spread",
      (request: HttpRequest, authorization: string) => ({ ...request, headers: { ...request.headers, authorization } }),
    ],
    // Builds a request of its own: what it sent is known from the latest 1024 credentials the client saw.
    [
      "builds a new request",
      (request: HttpRequest, authorization: string) => ({
        method: request.method,
        url: request.url,
        headers: { ...request.headers, authorization },
        body: request.body,
        maxResponseBytes: request.maxResponseBytes,
      }),
    ],
  ])("one that signs each request, 40 calls at once, and %s", async (_, signed) => {
    let n = 0;
    const client = createV2Client({
      baseUrl: await serve(echoing(401)),
      retry: false,
      interceptors: [(next) => (request) => next(signed(request, `Bearer sig-${String(++n).padStart(4, "0")}-SECRET`))],
      ...transport,
    });
    const errors = await Promise.all(
      Array.from({ length: 40 }, () =>
        client.infer("iris", { inputs: [input] }).then(
          () => undefined,
          (e: unknown) => e,
        ),
      ),
    );
    for (const error of errors) {
      expect(exposed(error)).toContain("credential rejected");
      expect(exposed(error)).not.toMatch(/sig-\d{4}-SECRET/);
    }
  });
});

describe.each(HTTP_CLIENTS)("credentials echoed in other encodings, with the %s HttpClient", (_, transport) => {
  // Non-ASCII and <>& in a password, + / = in a token: what JSON encoders and URLs escape.
  const password = "pä&ss<w>rd/1234";
  const token = "tok+SECRET/9a=";
  const basicPair = `svc:${password}`;
  /** Python's json.dumps (ensure_ascii) and Go's encoding/json (<>& as \u003c…), hex in either case. */
  const asciiJson = (text: string, upper: boolean) =>
    JSON.stringify(text).replace(/[^\x20-\x7e]|[<>&]/g, (c) => {
      const hex = c.charCodeAt(0).toString(16).padStart(4, "0");
      return `\\u${upper ? hex.toUpperCase() : hex}`;
    });

  it.each([false, true])("a JSON body with \\u escapes (upper-case hex: %s)", async (upper) => {
    const baseUrl = await serve((req, res) => {
      req.resume();
      res.writeHead(401, { "content-type": "application/json" });
      res.end(`{"error":${asciiJson(`credential rejected: ${echoOf(req.headers)}`, upper)}}`);
    });
    for (const auth of [{ basic: { username: "svc", password } }, { bearer: token }]) {
      const error = await createV2Client({ baseUrl, auth, retry: false, ...transport })
        .serverLive()
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      // The body as kept, not as inspect or JSON would show it (both double each backslash).
      const shown = `${exposed(error)}\n${(error as { body?: string }).body}`;
      expect(shown).toContain("credential rejected");
      for (const secret of [password, token, basicPair]) {
        expect(shown).not.toContain(secret);
        expect(shown).not.toContain(asciiJson(secret, upper).slice(1, -1));
      }
    }
  });

  it("a redirect whose Location carries the token percent-encoded", async () => {
    const baseUrl = await serve((req, res) => {
      req.resume();
      const sent = String(req.headers["authorization"]).replace(/^Bearer /, "");
      res.writeHead(302, { location: `https://elsewhere.example/login?token=${encodeURIComponent(sent)}` });
      res.end();
    });
    const error = await createV2Client({ baseUrl, auth: { bearer: token }, retry: false, ...transport })
      .serverLive()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const shown = exposed(error);
    expect(shown).toContain("elsewhere.example/login?token=[redacted]");
    expect(shown).not.toContain(encodeURIComponent(token));
  });
});

describe.each(AUTHS)("credentials over gRPC, auth as %s", (_, auth) => {
  it.each([
    [16, "unauthenticated"],
    [14, "unavailable"],
  ] as const)("a status %i whose message and metadata echo them", async (status, code) => {
    const { createServer: createHttp2Server } = await import("node:http2");
    const { createGrpcClient } = await import("kserve-client/grpc");
    const { createNodeGrpcTransport } = await import("kserve-client/node");
    const server = createHttp2Server();
    server.on("stream", (stream, headers) => {
      const sent = echoOf(headers);
      // Trailers-only: the status and its message in the one HEADERS frame, as servers answer a refused call.
      stream.respond(
        {
          ":status": 200,
          "content-type": "application/grpc+proto",
          "grpc-status": String(status),
          "grpc-message": encodeURIComponent(`credential rejected: ${sent}`),
          "x-echo-credential": sent,
        },
        { endStream: true },
      );
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const transport = createNodeGrpcTransport({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    });
    const lines: string[] = [];
    const logger = {
      debug: (message: string, fields: Record<string, unknown>) =>
        void lines.push(message, inspect(fields, { depth: 6 })),
    };
    try {
      const client = createGrpcClient({ transport, auth, logger, retry: { maxRetries: 1, initialDelayMs: 1 } });
      const error = await client.infer("iris", { inputs: [input] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((error as { code?: string }).code).toBe(code);
      expect(exposed(error)).toContain("credential rejected");
      expectNoSecret(exposed(error));
      expectNoSecret(lines.join("\n"));
    } finally {
      transport.close();
      await new Promise((done) => server.close(done));
    }
  });
});

describe("sentCredentials and scrubSecrets", () => {
  it("takes credential headers' values and their tokens, and any header the auth provider set", async () => {
    const { sentCredentials } = await import("../../src/core/errors.js");
    expect(
      sentCredentials(
        Object.entries({
          authorization: "Bearer abcdef",
          "content-type": "application/json",
          "x-model-key": "k-123456",
        }),
        ["X-Model-Key"],
      ).sort(),
    ).toEqual(["Bearer abcdef", "abcdef", "k-123456"].sort());
    const basic = `Basic ${Buffer.from("svc:pw-ü-1234").toString("base64")}`;
    expect(sentCredentials([["authorization", basic]])).toEqual([basic, basic.slice(6), "svc:pw-ü-1234", "pw-ü-1234"]);
    // Not base64 after all: the token is what there is.
    expect(sentCredentials([["authorization", "Basic ***notbase64"]])).toEqual(["Basic ***notbase64", "***notbase64"]);
    // Too short to be worth scrubbing out of ordinary text.
    expect(sentCredentials(new Headers({ authorization: "abc" }))).toEqual([]);
  });

  it("replaces every occurrence, the longest secret first", async () => {
    const { scrubSecrets } = await import("../../src/core/errors.js");
    expect(scrubSecrets("got Bearer abcdef; token abcdef; again abcdef", ["abcdef", "Bearer abcdef"])).toBe(
      "got [redacted]; token [redacted]; again [redacted]",
    );
    expect(scrubSecrets("nothing here", ["abcdef"])).toBe("nothing here");
  });
});
