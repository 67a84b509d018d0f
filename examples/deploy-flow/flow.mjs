// @ts-check
// The KServe deploy flow, step by step, as a function the CLI (index.mjs) and the tests run: storage
// credentials → InferenceService manifest → apply → wait for Ready → endpoint from status.url → predictions
// over V1, V2 JSON, V2 binary and gRPC through the ingress gateway with the Host header / :authority.
// Nothing here knows whether the cluster is the embedded mock or a real one.
import { Tensor } from "kserve-client";
import { deploy, describeCondition, inferenceService, s3Credentials, toYaml } from "kserve-client/deploy";

/** Iris species by class id, as the sklearn iris model numbers them. */
export const SPECIES = ["setosa", "versicolor", "virginica"];

/**
 * @typedef {object} FlowOptions
 * @property {import("kserve-client/deploy").KubeconfigSource | undefined} kubeconfig  the cluster (undefined: the standard lookup)
 * @property {string} ingress  the ingress gateway's address, e.g. http://127.0.0.1:8080
 * @property {string} namespace
 * @property {string} name  the InferenceService's name
 * @property {string} storageUri  where the model is, e.g. s3://bucket/models/sklearn/iris
 * @property {{ accessKeyId: string; secretAccessKey: string; endpoint?: string; useHttps?: boolean } | undefined} s3  credentials to apply first
 * @property {number} timeoutMs
 * @property {(line: string) => void} print  one line of output
 * @property {((line: string) => void) | undefined} progress  a line about the wait (a terminal shows a spinner with the latest); default print
 */

/**
 * Run the flow. Returns what it saw, for tests.
 * @param {FlowOptions} options
 */
export async function runDeployFlow(options) {
  const { print, name, namespace } = options;
  const progress = options.progress ?? print;
  /** @type {import("kserve-client/deploy").DeployEvent[]} */
  const events = [];

  print("1. Storage credentials: a Secret with the S3 keys and a ServiceAccount that lists it");
  const credentials =
    options.s3 === undefined ? undefined : s3Credentials({ name: `${name}-s3`, namespace, ...options.s3 });

  print("2. The InferenceService manifest:");
  const isvc = inferenceService({
    name,
    namespace,
    predictor: {
      ...(credentials === undefined ? {} : { serviceAccountName: credentials.serviceAccount.metadata.name }),
      model: { modelFormat: { name: "sklearn" }, protocolVersion: "v2", storageUri: options.storageUri },
    },
  });
  for (const line of toYaml(isvc).trimEnd().split("\n")) print(`     ${line}`);

  print("3. Apply it, and 4. wait for Ready (the storage initializer downloads the model, the predictor loads it)");
  const started = Date.now();
  const deployment = await deploy(isvc, {
    kubeconfig: options.kubeconfig,
    ingress: options.ingress,
    credentials,
    grpc: true,
    timeoutMs: options.timeoutMs,
    onEvent: (event) => {
      events.push(event);
      const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
      if (event.type === "applied")
        print(`   ${seconds}s  ${event.kind} ${event.namespace}/${event.name} ${event.action}`);
      else if (event.type === "condition") progress(`   ${seconds}s  ${describeCondition(event.condition)}`);
      else if (event.type === "model")
        progress(
          `   ${seconds}s  model ${event.state}${event.transition === undefined ? "" : ` (${event.transition})`}`,
        );
      else print(`   ${seconds}s  Ready: ${event.url}`);
    },
  });

  try {
    const { endpoint, model, v1, v2, grpc } = deployment;
    print(
      `5. Endpoint from status.url: send to ${endpoint.baseUrl} with Host: ${endpoint.host ?? "(none: status.url resolves directly)"}`,
    );

    print("6. Predictions");
    /** @type {[string, number[]][]} */
    const flowers = [
      ["a short-petalled flower", [5.1, 3.5, 1.4, 0.2]],
      ["a mid-sized flower", [6.8, 2.8, 4.8, 1.4]],
      ["a long-petalled flower", [7.7, 3.0, 6.1, 2.3]],
    ];
    const rows = flowers.map(([, features]) => features);
    const features = Tensor.fp32("input-0", [rows.length, 4], rows.flat());
    /** @type {Record<string, string[]>} */
    const answers = {};
    const species = (/** @type {ArrayLike<bigint | number>} */ classes) =>
      Array.from(classes, (c) => SPECIES[Number(c)] ?? `class ${c}`);
    // The iris model answers INT64 class ids: a BigInt64Array, exact.
    const classes = (/** @type {import("kserve-client").InferResult} */ result) =>
      result.output("output-0", "INT64").data;

    const v1Answer = await v1.predict(model, { instances: rows });
    answers["V1 :predict"] = species(/** @type {number[]} */ (v1Answer.predictions));
    answers["V2 JSON"] = species(classes(await v2.infer(model, { inputs: [features] }, { binary: "never" })));
    answers["V2 binary"] = species(classes(await v2.infer(model, { inputs: [features] }, { binary: "always" })));
    if (grpc !== undefined) answers["gRPC"] = species(classes(await grpc.infer(model, { inputs: [features] })));
    for (const [protocol, names] of Object.entries(answers)) {
      print(`   ${protocol.padEnd(12)} ${names.map((n, i) => `${flowers[i]?.[0]} → ${n}`).join(", ")}`);
    }
    const agree = Object.values(answers).every((names) => names.join() === answers["V2 JSON"]?.join());
    print(`7. Verify: ${agree ? "every protocol gives the same species" : "THE PROTOCOLS DISAGREE"}`);
    return { events, answers, agree, endpoint };
  } finally {
    deployment.close();
  }
}
