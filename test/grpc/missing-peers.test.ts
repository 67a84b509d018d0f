/**
 * kserve-client/grpc under Node without its optional peers: the entry loads, createGrpcClient returns a client,
 * and its calls reject with a ConfigError that says what to install (connect is "missing" here: its import fails
 * as Node's loader fails for a package that is not installed). test/dist checks the same with the peers really
 * absent. (The universal build imports them: bundlers report a missing one when they build.)
 */
import { describe, expect, it, vi } from "vitest";
import { ConfigError, isKServeError } from "../../src/core/errors.js";
import * as entry from "../../src/grpc/index.node.js";
import { thrown } from "../helpers.js";

vi.mock("@connectrpc/connect", () => {
  throw Object.assign(
    new Error("Cannot find package '@connectrpc/connect' imported from /app/node_modules/kserve-client/dist/chunk.js"),
    { code: "ERR_MODULE_NOT_FOUND" },
  );
});

const transport = {
  unary: () => Promise.reject(new Error("not called")),
  stream: () => Promise.reject(new Error("not called")),
} as unknown as entry.GrpcClientOptions["transport"];
const INSTALL =
  /^kserve-client\/grpc needs @connectrpc\/connect and @bufbuild\/protobuf \(.*\): npm install @connectrpc\/connect @bufbuild\/protobuf$/;

describe("kserve-client/grpc (Node build) without @connectrpc/connect", () => {
  it("creates the client; every call rejects with a ConfigError naming the packages and the install command", async () => {
    const client = entry.createGrpcClient({ transport });
    const calls: [string, Promise<unknown>][] = [
      ["infer", client.infer("iris", { inputs: [] })],
      ["serverLive", client.serverLive()],
      ["serverReady", client.serverReady()],
      ["modelReady", client.modelReady("iris")],
      ["serverMetadata", client.serverMetadata()],
      ["modelMetadata", client.modelMetadata("iris")],
      ["waitForModelReady", client.waitForModelReady("iris", { timeoutMs: 1000 })],
    ];
    for (const [name, call] of calls) {
      const error = await call.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, name).toBeInstanceOf(ConfigError);
      expect(isKServeError(error) && error.rawMessage, name).toMatch(INSTALL);
    }
  });

  it("still refuses options that cannot work when the client is made", () => {
    expect(thrown(ConfigError, () => entry.createGrpcClient({} as never)).message).toContain(
      "needs a connect-es transport",
    );
    expect(thrown(ConfigError, () => entry.createGrpcClient({ transport, timeoutMs: -1 })).message).toContain(
      "timeoutMs",
    );
    expect(thrown(ConfigError, () => entry.createGrpcClient({ transport, headers: { a: "x\ny" } })).message).toContain(
      "headers: a",
    );
    expect(
      thrown(ConfigError, () => entry.createGrpcClient({ transport, retry: { maxRetries: -1 } })).message,
    ).toContain("retry.maxRetries");
  });

  it("maps gRPC statuses to error codes without connect", () => {
    expect([entry.codeForGrpcStatus(14), entry.codeForGrpcStatus(4), entry.codeForGrpcStatus(0)]).toEqual([
      "unavailable",
      "deadline_exceeded",
      "unknown",
    ]);
  });
});
