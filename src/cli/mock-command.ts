/**
 * `mock`: the mock KServe in the foreground (model servers, the Kubernetes API with KServe's reconciler, the
 * ingress), with a kubeconfig file and an iris model directory to deploy from, until Ctrl-C or SIGTERM.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { integerFlag } from "./connection.js";
import type { CliIo } from "./io.js";

export interface MockFlags {
  port?: string | undefined;
  grpcPort?: string | undefined;
}

export async function mockCommand(flags: MockFlags, io: CliIo): Promise<void> {
  const { startMockKServe, irisModelFile, IRIS_MODEL_FILE_NAME } = await import("kserve-client/testing");
  const port = integerFlag(flags.port, "--port", 0);
  const grpcPort = integerFlag(flags.grpcPort, "--grpc-port", 0);
  const stopped = io.untilStopped();
  const mock = await startMockKServe({
    ...(port === undefined ? {} : { port }),
    ...(grpcPort === undefined ? {} : { grpcPort }),
  });
  const dir = await mkdtemp(join(tmpdir(), "kserve-client-mock-"));
  try {
    const kubeconfig = join(dir, "kubeconfig");
    const model = join(dir, "iris");
    await writeFile(kubeconfig, mock.kubeconfig);
    await mkdir(model);
    await writeFile(join(model, IRIS_MODEL_FILE_NAME), irisModelFile());
    io.stdout.write(
      [
        "mock KServe running (Ctrl-C to stop)",
        `  models (V1, V2 REST, gRPC-web): ${mock.url}`,
        `  gRPC:                           ${mock.grpcUrl ?? "off (install @connectrpc/connect-node)"}`,
        `  Kubernetes API:                 ${mock.kubeUrl}`,
        `  ingress:                        ${mock.ingressUrl}`,
        `  kubeconfig:                     ${kubeconfig}`,
        "",
        "try:",
        `  kserve-client infer iris-classifier --url ${mock.url} --data '[[6.8, 2.8, 4.8, 1.4]]'`,
        `  kserve-client typegen iris-onnx --url ${mock.url}`,
        `  kserve-client deploy --name sklearn-iris --model-format sklearn --storage-uri file://${model} --kubeconfig ${kubeconfig} --ingress ${mock.ingressUrl}`,
        "",
      ].join("\n"),
    );
    const signal = await stopped;
    io.stderr.write(`${signal}: stopping the mock\n`);
  } finally {
    await mock.close();
    await rm(dir, { recursive: true, force: true });
  }
}
