// @ts-check
// One gRPC client under test, in its own worker thread: its own isolate, JIT state and HTTP/2 connection, as in
// an application that uses only that client. The orchestrator (index.mjs) asks it to run load rounds in turn.
import { fileURLToPath } from "node:url";
import { parentPort, workerData } from "node:worker_threads";
import { runLoad } from "../shared.mjs";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { Tensor } from "kserve-client";
import { createGrpcClient } from "kserve-client/grpc";
import { createNodeGrpcTransport } from "kserve-client/node";

const { grpcUrl, client } = /** @type {{ grpcUrl: string; client: string }} */ (workerData);
const features = [5.1, 3.5, 1.4, 0.2];
const ECHO_LENGTH = 1_000_000;
const echoValues = new Float32Array(ECHO_LENGTH).map((_, i) => Math.sin(i));

/** @typedef {{ small: () => Promise<unknown>; echo: () => Promise<Float32Array> }} Calls */

/** A Buffer's bytes as a typed array: a view where aligned, a copy where not (what a careful hand-written client does). */
function view(/** @type {Buffer} */ bytes, /** @type {8 | 4} */ size) {
  const buffer =
    bytes.byteOffset % size === 0
      ? bytes.buffer
      : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const offset = bytes.byteOffset % size === 0 ? bytes.byteOffset : 0;
  return { buffer, offset, length: bytes.byteLength / size };
}

/** @returns {Calls} */
function makeCalls() {
  switch (client) {
    case "sdk": {
      const sdk = createGrpcClient({ transport: createNodeGrpcTransport({ baseUrl: grpcUrl }) });
      const big = Tensor.fp32("input-0", [ECHO_LENGTH], echoValues);
      return {
        // The tensor is built per call, as the raw client builds its request per call.
        small: async () =>
          (await sdk.infer("iris-classifier", { inputs: [Tensor.fp32("input-0", [1, 4], features)] })).output(
            "output-0",
          ).data,
        echo: async () => (await sdk.infer("echo", { inputs: [big] })).output("input-0", "FP32").data,
      };
    }
    case "grpc-js": {
      // What a hand-written client does: the same .proto through proto-loader, raw bytes both ways.
      const protoPath = fileURLToPath(new URL("../../src/grpc/proto/grpc_predict_v2.proto", import.meta.url));
      const definition = protoLoader.loadSync(protoPath, { keepCase: true, longs: String, defaults: true });
      const loaded = /** @type {any} */ (grpc.loadPackageDefinition(definition));
      /** @type {any} */
      const stub = new loaded.inference.GRPCInferenceService(new URL(grpcUrl).host, grpc.credentials.createInsecure(), {
        // grpc-js refuses answers over 4 MiB by default; the 1M-element echo answers 4 MB plus framing.
        "grpc.max_receive_message_length": -1,
        "grpc.max_send_message_length": -1,
      });
      /** @returns {Promise<any>} */
      const modelInfer = (/** @type {object} */ request) =>
        new Promise((resolve, reject) =>
          stub.ModelInfer(request, (/** @type {Error | null} */ error, /** @type {any} */ response) =>
            error ? reject(error) : resolve(response),
          ),
        );
      return {
        small: async () => {
          // Built per call: an application's features change every call.
          const response = await modelInfer({
            model_name: "iris-classifier",
            inputs: [{ name: "input-0", datatype: "FP32", shape: [1, 4] }],
            raw_input_contents: [Buffer.from(new Float32Array(features).buffer)],
          });
          const { buffer, offset, length } = view(response.raw_output_contents[0], 8);
          return new BigInt64Array(buffer, offset, length);
        },
        echo: async () => {
          const response = await modelInfer({
            model_name: "echo",
            inputs: [{ name: "input-0", datatype: "FP32", shape: [ECHO_LENGTH] }],
            raw_input_contents: [Buffer.from(echoValues.buffer, echoValues.byteOffset, echoValues.byteLength)],
          });
          const { buffer, offset, length } = view(response.raw_output_contents[0], 4);
          return new Float32Array(buffer, offset, length);
        },
      };
    }
    default:
      throw new Error(`unknown client ${client}`);
  }
}
const calls = makeCalls();

// Both clients must get the same answers, or the comparison means nothing.
{
  const label = await calls.small();
  if (!(label instanceof BigInt64Array) || label.length !== 1 || label[0] !== 0n)
    throw new Error(`${client}: unexpected iris answer ${String(label)}`);
  const echoed = await calls.echo();
  if (
    echoed.length !== ECHO_LENGTH ||
    echoed[12345] !== echoValues[12345] ||
    echoed[ECHO_LENGTH - 1] !== echoValues[ECHO_LENGTH - 1]
  ) {
    throw new Error(`${client}: the echo did not return its input`);
  }
}

/** Run `total` small calls with `concurrency` in flight. */
const load = (/** @type {number} */ total, /** @type {number} */ concurrency) =>
  runLoad(calls.small, total, concurrency);

/** `count` 1M-element echo round trips one after another; returns each one's ms. */
async function echo(/** @type {number} */ count) {
  const times = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await calls.echo();
    times.push(performance.now() - t0);
  }
  return { times };
}

parentPort?.on(
  "message",
  async (
    /** @type {{ kind: "load"; total: number; concurrency: number } | { kind: "echo"; count: number }} */ task,
  ) => {
    parentPort?.postMessage(task.kind === "echo" ? await echo(task.count) : await load(task.total, task.concurrency));
  },
);
parentPort?.postMessage({ ready: true });
