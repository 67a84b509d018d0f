// @ts-check
// `npm run demo:llm`: an LLM on KServe from TypeScript. With no settings it starts the embedded mock KServe
// (loopback only), deploys a `modelFormat: huggingface` InferenceService (its hf:// model is not downloaded: the
// mock's text model answers with the words of the prompt) and streams a chat completion through the ingress
// gateway with openai-node, token by token. Against a real cluster, name the gateway and the InferenceService:
//
//   KSERVE_INGRESS=http://<ingress-host>:<port> KSERVE_HOST=<host of its status.url> KSERVE_MODEL=<its name> \
//   node examples/llm/index.mjs "Why is the sky blue?"
//
// (optional: KSERVE_CA=<path of the gateway's CA certificate> for HTTPS with a private CA, KSERVE_API_KEY.)
import { readFileSync } from "node:fs";
import { isKServeError } from "kserve-client";
import { createIngressFetch } from "kserve-client/node";
import { streamChat } from "./chat.mjs";

const env = process.env;
const prompt = process.argv[2] ?? "Why is the sky blue?";
const write = (/** @type {string} */ text) => void process.stdout.write(text);

/** @type {{ close(): Promise<void> } | undefined} */
let mock;
/** @type {{ close(): unknown } | undefined} */
let connections;
try {
  let target;
  if (env["KSERVE_INGRESS"] !== undefined) {
    const host = env["KSERVE_HOST"];
    const model = env["KSERVE_MODEL"];
    if (host === undefined || model === undefined)
      throw new Error(
        "Set KSERVE_HOST to the host of the InferenceService's status.url, and KSERVE_MODEL to its name.",
      );
    const ca = env["KSERVE_CA"] === undefined ? undefined : readFileSync(env["KSERVE_CA"]);
    const fetch = createIngressFetch({ host, ...(ca === undefined ? {} : { tls: { ca } }) });
    connections = fetch;
    target = {
      baseURL: `${env["KSERVE_INGRESS"].replace(/\/+$/, "")}/openai/v1`,
      fetch,
      model,
    };
    console.log(`Streaming from ${target.model} through ${env["KSERVE_INGRESS"]} with Host ${host}\n`);
  } else {
    const [{ startMockKServe }, { deploy, inferenceService }] = await Promise.all([
      import("kserve-client/testing"),
      import("kserve-client/deploy"),
    ]);
    // A token every 60 ms, so the stream is seen as one.
    const started = await startMockKServe({ cluster: { llm: { tokenDelayMs: 60 } } });
    mock = started;
    const isvc = inferenceService({
      name: "qwen",
      namespace: "kserve-demo",
      predictor: { model: { modelFormat: { name: "huggingface" }, storageUri: "hf://Qwen/Qwen2.5-0.5B-Instruct" } },
    });
    const deployment = await deploy(isvc, {
      kubeconfig: { yaml: started.kubeconfig },
      ingress: started.ingressUrl,
      timeoutMs: 60_000,
    });
    connections = deployment;
    if (deployment.openai === undefined) throw new Error("deploy() gave no OpenAI endpoint for a huggingface model");
    target = { ...deployment.openai, model: deployment.model };
    console.log(
      `The mock KServe (loopback only) serves InferenceService ${deployment.model}: ${target.baseURL} with Host ${deployment.endpoint.host}\n`,
    );
  }
  console.log(`> ${prompt}`);
  const { chunks, finishReason } = await streamChat({
    ...target,
    prompt,
    apiKey: env["KSERVE_API_KEY"],
    onText: write,
    signal: undefined,
  });
  console.log(`\n\n${chunks} chunks, finish reason: ${finishReason}`);
} catch (error) {
  console.error(
    `\nThe LLM example failed: ${isKServeError(error) ? `[${error.code}] ` : ""}${error instanceof Error ? error.message : String(error)}`,
  );
  const cause = /** @type {{ cause?: { cause?: unknown } }} */ (error).cause?.cause;
  if (cause instanceof Error) console.error(`  because: ${cause.message}`);
  process.exitCode = 1;
} finally {
  await connections?.close();
  await mock?.close();
}
