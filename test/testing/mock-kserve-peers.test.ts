/**
 * startMockKServe without @connectrpc/connect-node (its import fails here as Node's loader fails for a package that
 * is not installed): REST is served as ever; gRPC is not, and a gRPC-web call to the REST port is answered with
 * UNIMPLEMENTED and what to install; asking for gRPC (`grpc: true`) is a ConfigError at start. test/dist checks
 * the REST side with the peers really absent.
 */
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { describe, expect, it, vi } from "vitest";
import { ConfigError, isKServeError } from "../../src/core/errors.js";
import { createGrpcClient } from "../../src/grpc/index.js";
import { Tensor } from "../../src/tensor/index.js";
import { startMockKServe } from "../../src/testing/index.js";
import { createV2Client } from "../../src/v2/client.js";
import { rejection } from "../helpers.js";

vi.mock("@connectrpc/connect-node", () => {
  throw Object.assign(
    new Error(
      "Cannot find package '@connectrpc/connect-node' imported from /app/node_modules/kserve-client/dist/testing/index.js",
    ),
    {
      code: "ERR_MODULE_NOT_FOUND",
    },
  );
});

const INSTALL = "npm install @connectrpc/connect-node @connectrpc/connect @bufbuild/protobuf";

describe("startMockKServe without @connectrpc/connect-node", () => {
  it("serves REST; a gRPC-web call is UNIMPLEMENTED with what to install", async () => {
    const mock = await startMockKServe({ cluster: false });
    try {
      expect(mock.grpcUrl).toBeUndefined();
      const res = await createV2Client({ baseUrl: mock.url }).infer("iris-classifier", {
        inputs: [Tensor.fp32("input-0", [1, 4], [5.1, 3.5, 1.4, 0.2])],
      });
      expect(Array.from(res.output("output-0", "INT64").data)).toEqual([0n]);

      const grpc = createGrpcClient({ transport: createGrpcWebTransport({ baseUrl: mock.url }), retry: false });
      const error = await rejection(
        grpc.infer("iris-classifier", { inputs: [Tensor.fp32("input-0", [1, 4], [5.1, 3.5, 1.4, 0.2])] }),
      );
      expect(isKServeError(error) && error.code).toBe("unimplemented");
      expect(isKServeError(error) && error.rawMessage).toContain(
        `The mock KServe's gRPC service needs @connectrpc/connect-node, @connectrpc/connect and @bufbuild/protobuf`,
      );
      expect(isKServeError(error) && error.rawMessage).toContain(INSTALL);
      // REST still answers after a gRPC-web request on the same port.
      await expect(createV2Client({ baseUrl: mock.url }).serverLive()).resolves.toBe(true);
    } finally {
      await mock.close();
    }
  });

  it("grpc: true is a ConfigError at start, naming the packages and the install command", async () => {
    const error = await rejection(startMockKServe({ grpc: true, cluster: false }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).rawMessage).toMatch(
      /^startMockKServe\(\{ grpc: true \}\) needs @connectrpc\/connect-node, @connectrpc\/connect and @bufbuild\/protobuf \(.*\): npm install @connectrpc\/connect-node @connectrpc\/connect @bufbuild\/protobuf$/,
    );
  });

  it("grpc: false serves REST and leaves gRPC paths to the REST router, as before", async () => {
    const mock = await startMockKServe({ grpc: false, cluster: false });
    try {
      expect(mock.grpcUrl).toBeUndefined();
      const res = await fetch(`${mock.url}/inference.GRPCInferenceService/ServerLive`, {
        method: "POST",
        headers: { "content-type": "application/grpc-web+proto" },
      });
      expect(res.status).toBe(404);
    } finally {
      await mock.close();
    }
  });
});
