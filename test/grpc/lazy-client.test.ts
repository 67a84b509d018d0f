/**
 * The Node build's createGrpcClient loads its implementation on the first call (so that a missing peer is a
 * ConfigError, see missing-peers.test.ts); what is decided when the client is made stays there: the
 * credentials-in-clear warning is given once, at construction, and the calls then work as ever.
 */
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { CHECK_CREDENTIALS_IN_CLEAR } from "../../src/core/request-context.js";
import { createGrpcClient, type GrpcClientOptions } from "../../src/grpc/index.node.js";
import { GRPCInferenceService, ServerLiveResponseSchema } from "../../src/grpc/protobuf.js";

describe("createGrpcClient (Node build)", () => {
  it("asks a transport that knows its address about credentials in clear once, when the client is made", async () => {
    const checks: unknown[] = [];
    let calls = 0;
    const transport = {
      [CHECK_CREDENTIALS_IN_CLEAR]: (logger: unknown) => checks.push(logger),
      unary: async (method: { output: typeof ServerLiveResponseSchema }) => {
        calls++;
        return {
          stream: false,
          service: GRPCInferenceService,
          method,
          header: new Headers(),
          trailer: new Headers(),
          message: create(method.output, { live: true }),
        };
      },
      stream: () => Promise.reject(new Error("not used")),
    } as unknown as GrpcClientOptions["transport"];
    const logger = { debug() {} };
    const client = createGrpcClient({ transport, auth: { bearer: "t0ken" }, logger });
    expect(checks).toEqual([logger]);
    await expect(client.serverLive()).resolves.toBe(true);
    await expect(client.serverLive()).resolves.toBe(true);
    expect(calls).toBe(2);
    expect(checks).toEqual([logger]);
  });
});
