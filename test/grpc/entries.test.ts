/**
 * The two builds of kserve-client/grpc, and kserve-client/grpc/descriptors: the Node build (which loads the
 * optional peers on the first call, see missing-peers.test.ts) exports what the universal build (which imports
 * them) does, and codeForGrpcStatus, which both export without connect, agrees with connect's Code enum.
 */
import { Code } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import * as descriptors from "kserve-client/grpc/descriptors";
import * as universal from "../../src/grpc/index.js";
import * as node from "../../src/grpc/index.node.js";
import { GRPCInferenceService, ModelInferRequestSchema, ModelInferResponseSchema } from "../../src/grpc/protobuf.js";

describe("kserve-client/grpc", () => {
  it("has the same exports in its Node and universal builds", () => {
    expect(Object.keys(node).sort()).toEqual(Object.keys(universal).sort());
    expect(Object.keys(node)).toContain("createGrpcClient");
    expect(Object.keys(node)).toContain("codeForGrpcStatus");
  });

  it("codeForGrpcStatus is each status's name in connect's Code enum, in snake_case; OK and non-statuses are unknown", () => {
    for (let status = -1; status <= 18; status++) {
      const name = status > 0 ? (Code as unknown as Record<number, string | undefined>)[status] : undefined;
      const expected =
        name === undefined
          ? "unknown"
          : name.replace(/[A-Z]/g, (letter, at: number) => (at === 0 ? "" : "_") + letter.toLowerCase());
      expect(node.codeForGrpcStatus(status), String(status)).toBe(expected);
      expect(universal.codeForGrpcStatus(status), String(status)).toBe(expected);
    }
    expect(node.codeForGrpcStatus(1.5)).toBe("unknown");
  });
});

describe("kserve-client/grpc/descriptors", () => {
  it("exports the service and the ModelInfer messages, the very descriptors the client uses", () => {
    expect(Object.keys(descriptors).sort()).toEqual([
      "GRPCInferenceService",
      "ModelInferRequestSchema",
      "ModelInferResponseSchema",
    ]);
    expect(descriptors.GRPCInferenceService).toBe(GRPCInferenceService);
    expect(descriptors.ModelInferRequestSchema).toBe(ModelInferRequestSchema);
    expect(descriptors.ModelInferResponseSchema).toBe(ModelInferResponseSchema);
    expect(descriptors.GRPCInferenceService.typeName).toBe("inference.GRPCInferenceService");
  });
});
