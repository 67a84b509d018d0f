// @ts-check
// `npm run demo`: the whole KServe deploy flow on a laptop. With no settings it starts the embedded mock KServe
// (a Kubernetes API, a reconciler that acts like KServe with a mock S3 bucket, an ingress gateway, all on
// loopback) and runs flow.mjs against it. Against a real cluster the same flow runs unchanged:
//
//   KUBECONFIG=~/.kube/config KSERVE_INGRESS=http://<ingress-host>:<port> \
//   KSERVE_STORAGE_URI=gs://kfserving-examples/models/sklearn/1.0/model npm run demo
//
// (optional: KSERVE_NAMESPACE, and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / S3_ENDPOINT for an s3:// URI.)
import { isKServeError } from "kserve-client";
import { runDeployFlow } from "./flow.mjs";

const env = process.env;
const real = env["KSERVE_INGRESS"] !== undefined;
const interactive = process.stdout.isTTY === true;

// On a terminal a spinner line under the output shows the wait going on (with the last condition change);
// in a log there is no spinner and every line is just printed.
const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
let spinning = /** @type {ReturnType<typeof setInterval> | undefined} */ (undefined);
let status = "";
let frame = 0;
const clearLine = () => interactive && spinning !== undefined && process.stdout.write("\r\x1b[2K");
const render = () => process.stdout.write(`\r\x1b[2K${frames[frame++ % frames.length]} waiting for Ready… ${status}`);
const print = (/** @type {string} */ line) => {
  clearLine();
  console.log(line);
  if (interactive && spinning !== undefined) render();
  if (line.includes("Ready: http")) stopSpinner();
};
const progress = (/** @type {string} */ line) => {
  print(line);
  if (!interactive) return;
  status = line.trim();
  spinning ??= setInterval(render, 80);
};
const stopSpinner = () => {
  clearLine();
  clearInterval(spinning);
  spinning = undefined;
};

/** @type {{ close(): Promise<void> } | undefined} */
let mock;
try {
  /** @type {import("./flow.mjs").FlowOptions} */
  let options;
  if (real) {
    print(
      `kserve-client deploy flow against the cluster in ${env["KUBECONFIG"] ?? "~/.kube/config"}, ingress ${env["KSERVE_INGRESS"]}\n`,
    );
    const s3 =
      env["AWS_ACCESS_KEY_ID"] !== undefined && env["AWS_SECRET_ACCESS_KEY"] !== undefined
        ? {
            accessKeyId: env["AWS_ACCESS_KEY_ID"],
            secretAccessKey: env["AWS_SECRET_ACCESS_KEY"],
            ...(env["S3_ENDPOINT"] === undefined ? {} : { endpoint: env["S3_ENDPOINT"] }),
          }
        : undefined;
    options = {
      kubeconfig: undefined,
      ingress: /** @type {string} */ (env["KSERVE_INGRESS"]),
      namespace: env["KSERVE_NAMESPACE"] ?? "default",
      name: "sklearn-iris",
      storageUri: env["KSERVE_STORAGE_URI"] ?? "gs://kfserving-examples/models/sklearn/1.0/model",
      s3,
      timeoutMs: 10 * 60_000,
      print,
      progress,
    };
  } else {
    const { startMockKServe, MOCK_S3_BUCKET } = await import("kserve-client/testing");
    // Slow enough to watch the conditions change; the tests run the same flow at full speed.
    const started = await startMockKServe({ cluster: { stepMs: 350 } });
    mock = started;
    print("kserve-client deploy flow on the embedded mock KServe (loopback only)");
    print(
      `   Kubernetes API ${started.kubeUrl}, ingress gateway ${started.ingressUrl}, S3 bucket s3://${MOCK_S3_BUCKET.name}\n`,
    );
    options = {
      kubeconfig: { yaml: started.kubeconfig },
      ingress: started.ingressUrl,
      namespace: "kserve-demo",
      name: "sklearn-iris",
      storageUri: MOCK_S3_BUCKET.irisUri,
      s3: {
        accessKeyId: MOCK_S3_BUCKET.accessKeyId,
        secretAccessKey: MOCK_S3_BUCKET.secretAccessKey,
        endpoint: MOCK_S3_BUCKET.endpoint,
        useHttps: false,
      },
      timeoutMs: 60_000,
      print,
      progress,
    };
  }
  const { agree } = await runDeployFlow(options);
  if (!agree) process.exitCode = 1;
} catch (error) {
  console.error(
    `\nThe deploy flow failed: ${isKServeError(error) ? `[${error.code}] ` : ""}${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
} finally {
  stopSpinner();
  await mock?.close();
}
