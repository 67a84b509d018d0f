/**
 * examples/llm against the mock KServe: openai-node streams a chat completion from a modelFormat: huggingface
 * InferenceService through the ingress gateway, with the endpoint deploy() hands over and with an ingress fetch
 * made by hand, as the example does against a real cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { streamChat } from "../../examples/llm/chat.mjs";
import { type Deployment, deploy, inferenceService } from "kserve-client/deploy";
import { createIngressFetch } from "kserve-client/node";
import { type MockKServe, startMockKServe } from "kserve-client/testing";

let mock: MockKServe;
let deployment: Deployment;

beforeAll(async () => {
  mock = await startMockKServe({ cluster: { llm: { tokenDelayMs: 1 } } });
  deployment = await deploy(
    inferenceService({
      name: "qwen",
      namespace: "kserve-demo",
      predictor: { huggingface: { storageUri: "hf://Qwen/Qwen2.5-0.5B-Instruct" } },
    }),
    { kubeconfig: { yaml: mock.kubeconfig }, ingress: mock.ingressUrl, timeoutMs: 30_000 },
  );
});

afterAll(async () => {
  deployment?.close();
  await mock?.close();
});

const chat = { prompt: "Why is the sky blue?", apiKey: undefined, signal: undefined };

describe("examples/llm", () => {
  it("streams a chat completion token by token with the endpoint deploy() gives", async () => {
    const pieces: string[] = [];
    const result = await streamChat({
      ...deployment.openai!,
      model: deployment.model,
      ...chat,
      onText: (text) => pieces.push(text),
    });
    expect(pieces).toEqual(["Why", " is", " the", " sky", " blue?"]);
    expect(result).toEqual({ text: "Why is the sky blue?", chunks: 5, finishReason: "stop" });
  });

  it("does the same with createIngressFetch({ host }) and the gateway's address, as against a real cluster", async () => {
    const fetch = createIngressFetch({ host: deployment.endpoint.host! });
    try {
      const result = await streamChat({
        baseURL: `${mock.ingressUrl}/openai/v1`,
        fetch,
        model: "qwen",
        ...chat,
        onText: () => {},
      });
      expect(result.text).toBe("Why is the sky blue?");
    } finally {
      await fetch.close();
    }
  });
});
