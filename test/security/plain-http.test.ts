/** `auth` over plain HTTP to another machine is said once, through the logger; loopback and HTTPS are not. */
import { describe, expect, it } from "vitest";
import { createV1Client, createV2Client } from "kserve-client";
import { isLoopback } from "../../src/core/request-context.js";

function logger() {
  const warnings: [string, Record<string, unknown>][] = [];
  const debug: [string, Record<string, unknown>][] = [];
  return {
    warnings,
    debug,
    logger: {
      warn: (m: string, f: Record<string, unknown>) => void warnings.push([m, f]),
      debug: (m: string, f: Record<string, unknown>) => void debug.push([m, f]),
    },
  };
}

describe("auth with plain HTTP", () => {
  it.each([
    ["V2", createV2Client],
    ["V1", createV1Client],
  ] as const)("warns once when a %s client is made for a remote http:// baseUrl with auth", (_, create) => {
    const log = logger();
    create({
      baseUrl: "http://istio-ingressgateway.istio-system:80/",
      auth: { bearer: "t0ken-value" },
      logger: log.logger,
    });
    expect(log.warnings).toHaveLength(1);
    const [message, fields] = log.warnings[0]!;
    expect(message).toContain("http://istio-ingressgateway.istio-system");
    expect(message).toMatch(/unencrypted/);
    expect(message).toMatch(/https:\/\//);
    expect(message).not.toContain("t0ken-value");
    expect(fields).toEqual({ baseUrl: "http://istio-ingressgateway.istio-system" });
  });

  it.each([
    "https://iris.example.com",
    "http://127.0.0.1:8080",
    "http://localhost:8080",
    "http://[::1]:8080",
    "http://model.localhost",
  ])("says nothing for %s", (baseUrl) => {
    const log = logger();
    createV2Client({ baseUrl, auth: { basic: { username: "u", password: "p" } }, logger: log.logger });
    expect(log.warnings).toEqual([]);
    expect(log.debug).toEqual([]);
  });

  it("says nothing without auth", () => {
    const log = logger();
    createV2Client({ baseUrl: "http://iris.example.com", logger: log.logger });
    expect(log.warnings).toEqual([]);
  });

  it("uses debug, marked as a warning, when the logger has no warn", () => {
    const lines: [string, Record<string, unknown>][] = [];
    createV2Client({
      baseUrl: "http://10.0.0.7:8080",
      auth: () => ({ "x-api-key": "k" }),
      logger: { debug: (m, f) => void lines.push([m, f]) },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]![0]).toMatch(/plain HTTP/);
    expect(lines[0]![1]).toEqual({ baseUrl: "http://10.0.0.7:8080", level: "warn" });
  });

  it("isLoopback knows loopback names and addresses, and nothing else", () => {
    for (const name of [
      "localhost",
      "LOCALHOST",
      "a.localhost",
      "localhost.",
      "127.0.0.1",
      "127.1.2.3",
      "::1",
      "[::1]",
      "::ffff:127.0.0.1",
    ])
      expect(isLoopback(name), name).toBe(true);
    // As URL writes them: the IPv4-mapped form in hex, and the root's dot kept.
    for (const url of [
      "http://[::ffff:127.0.0.1]:8080/",
      "http://[::ffff:127.9.9.9]/",
      "http://localhost.:8080/",
      "http://[0:0:0:0:0:0:0:1]/",
    ]) {
      expect(isLoopback(new URL(url).hostname), url).toBe(true);
    }
    for (const name of [
      "10.0.0.1",
      "128.0.0.1",
      "localhost.example.com",
      "example.com",
      "::2",
      "1127.0.0.1",
      "::ffff:10.0.0.1",
      "[::ffff:a00:1]",
      "[::ffff:8000:1]",
    ]) {
      expect(isLoopback(name), name).toBe(false);
    }
  });
});

describe("auth with plain HTTP over gRPC", () => {
  it("warns once, at construction, for createNodeGrpcTransport to a remote http:// address; not for loopback or TLS", async () => {
    const { createGrpcClient } = await import("kserve-client/grpc");
    const { createNodeGrpcTransport } = await import("kserve-client/node");
    const cases = [
      ["http://10.0.0.7:8081", 1],
      ["http://127.0.0.1:8081", 0],
      ["https://iris.example.com", 0],
    ] as const;
    for (const [baseUrl, warnings] of cases) {
      // Nothing connects before a call: no traffic leaves the machine.
      const transport = createNodeGrpcTransport({ baseUrl });
      const log = logger();
      createGrpcClient({ transport, auth: { bearer: "t0ken-value" }, logger: log.logger });
      expect(log.warnings, baseUrl).toHaveLength(warnings);
      if (warnings) expect(log.warnings[0]![0]).toContain(baseUrl);
      transport.close();
    }
  });
});
