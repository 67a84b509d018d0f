/** The fetch HttpClient against a real HTTP server on loopback, through Node's own fetch. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, ConnectionError, KServeError } from "../../src/core/errors.js";
import { createFetchHttpClient } from "../../src/core/fetch-client.js";
import type { HttpRequest } from "../../src/core/http.js";
import { httpRequest, rejection } from "../helpers.js";

let server: Server;
let base: string;
const received: { method: string; url: string; headers: IncomingMessage["headers"]; body: Buffer }[] = [];

const routes: Record<string, (req: IncomingMessage, res: ServerResponse, body: Buffer) => void> = {
  "/echo": (_req, res, body) => {
    res.writeHead(201, { "X-Request-Id": "r-1", "Content-Type": "application/octet-stream" });
    res.end(body);
  },
  "/big": (_req, res) => {
    res.writeHead(200);
    const chunk = Buffer.alloc(64 * 1024);
    let sent = 0;
    const pump = () => {
      while (sent < 10 * 1024 * 1024) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      res.end();
    };
    pump();
  },
  "/redirect": (_req, res) => {
    res.writeHead(302, { Location: "http://127.0.0.2:9/elsewhere" });
    res.end();
  },
  "/cut": (_req, res) => {
    res.writeHead(200, { "Content-Length": "1000" });
    res.write("partial");
    setTimeout(() => res.socket?.destroy(), 20);
  },
  "/slow": (_req, res) => {
    res.writeHead(200);
    res.write("x");
    // never ends; the client aborts
  },
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      (routes[req.url!] ?? ((_q, r) => r.writeHead(404).end()))(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const request = (path: string, extra: Partial<HttpRequest> = {}) => httpRequest(`${base}${path}`, extra);

describe("createFetchHttpClient", () => {
  const client = createFetchHttpClient();

  it("sends bytes and chunk lists intact and returns status, lower-case headers and body", async () => {
    const chunks = [new TextEncoder().encode('{"inputs":[]}'), new Uint8Array([0, 1, 2, 255])];
    const res = await client(
      request("/echo", { method: "POST", headers: { "content-type": "application/octet-stream" }, body: chunks }),
    );
    expect(res.status).toBe(201);
    expect(res.headers["x-request-id"]).toBe("r-1");
    expect(Array.from(res.body)).toEqual([...chunks[0]!, 0, 1, 2, 255]);
    expect(received.at(-1)).toMatchObject({ method: "POST", headers: { "content-type": "application/octet-stream" } });
  });

  it("stops reading past maxResponseBytes with a resource_exhausted error", async () => {
    const error = await rejection(client(request("/big")));
    expect(error).toBeInstanceOf(KServeError);
    expect(error).toMatchObject({ code: "resource_exhausted" });
    expect((error as KServeError).message).toContain("maxResponseBytes");
  });

  it("does not follow redirects: the 3xx is the answer", async () => {
    const res = await client(request("/redirect"));
    expect(res.status).toBe(302);
    expect(res.headers["location"]).toBe("http://127.0.0.2:9/elsewhere");
  });

  it("turns a refused connection into a ConnectionError that says why", async () => {
    // A port that was just free: nothing listens there now (port 1 would be refused by fetch itself as "bad port").
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const closedPort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const error = await rejection(client(request("/", { url: `http://127.0.0.1:${closedPort}/` })));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).message).toContain("ECONNREFUSED");
  });

  it("turns a body cut short into a ConnectionError", async () => {
    expect(await rejection(client(request("/cut")))).toBeInstanceOf(ConnectionError);
  });

  it("rejects with the signal's reason when aborted mid-body", async () => {
    const controller = new AbortController();
    const pending = rejection(client(request("/slow", { signal: controller.signal })));
    setTimeout(() => controller.abort(new Error("deadline")), 50);
    expect(((await pending) as Error).message).toBe("deadline");
  });

  it("refuses host routing, which fetch cannot do, with a ConfigError that says what to do", async () => {
    const error = await rejection(client(request("/echo", { host: "iris.default.example.com" })));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain("baseUrl");
  });

  it("uses an injected fetch, looked up per call, and explains when there is none", async () => {
    const seen: string[] = [];
    const fake = createFetchHttpClient({
      fetch: async (input) => {
        seen.push(String(input));
        return new Response("hi", { status: 200 });
      },
    });
    expect(new TextDecoder().decode((await fake(request("/x"))).body)).toBe("hi");
    expect(seen).toEqual([`${base}/x`]);
    const none = createFetchHttpClient({ fetch: "nope" as unknown as typeof fetch });
    expect(await rejection(none(request("/x")))).toBeInstanceOf(ConfigError);
  });
});
