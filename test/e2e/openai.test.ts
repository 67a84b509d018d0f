/**
 * LLMs on KServe from TypeScript, end to end with the real openai package: a `modelFormat: huggingface`
 * InferenceService deployed on the mock KServe, called on its OpenAI-compatible routes through the ingress
 * gateway, whose Host routing reaches it only through the ingress fetch deploy() hands over. Streams are watched
 * from the server's side (the mock's onStream hook), so what arrives when is shown by order, not by time.
 */
import OpenAI, { APIConnectionError, BadRequestError, NotFoundError } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConnectionError } from "kserve-client";
import { type Deployment, deploy, inferenceService } from "kserve-client/deploy";
import { createIngressFetch } from "kserve-client/node";
import { type MockKServe, type MockStreamEvent, startMockKServe } from "kserve-client/testing";
import { createTestPki, startTlsProxy, type TestPki } from "../node/tls.js";

const MODEL = "qwen";
const HOST = "qwen.kserve-test.example.com";

/** Every stream event the mock reports, and what the current test does with them. */
const events: MockStreamEvent[] = [];
let onStream: (event: MockStreamEvent) => void | Promise<void> = () => {};
const ended: ((event: MockStreamEvent) => void)[] = [];
/** The next stream's end, as the server sees it. */
const nextEnd = () => new Promise<MockStreamEvent>((resolve) => ended.push(resolve));

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  return { promise: new Promise<void>((done) => (resolve = done)), resolve };
}

let mock: MockKServe;
let deployment: Deployment;
let openai: OpenAI;

beforeAll(async () => {
  mock = await startMockKServe({
    cluster: {
      llm: {
        onStream: (event) => {
          events.push(event);
          if (event.type === "end") ended.shift()?.(event);
          return onStream(event);
        },
      },
    },
  });
  deployment = await deploy(
    inferenceService({
      name: MODEL,
      namespace: "kserve-test",
      predictor: { model: { modelFormat: { name: "huggingface" }, storageUri: "hf://Qwen/Qwen2.5-0.5B-Instruct" } },
    }),
    { kubeconfig: { yaml: mock.kubeconfig }, ingress: mock.ingressUrl, timeoutMs: 30_000 },
  );
  openai = new OpenAI({ ...deployment.openai!, apiKey: "unused", maxRetries: 0 });
});

afterAll(async () => {
  deployment?.close();
  await mock?.close();
});

beforeEach(() => {
  events.length = 0;
  onStream = () => {};
});

const tokens = () => events.filter((e) => e.type === "token").map((e) => (e.type === "token" ? e.index : -1));

describe("deploy() of a modelFormat: huggingface InferenceService", () => {
  it("is Ready, with baseURL and an ingress fetch for its host, and lists its model", async () => {
    expect(deployment.endpoint).toMatchObject({ baseUrl: mock.ingressUrl, host: HOST });
    expect(deployment.openai?.baseURL).toBe(`${mock.ingressUrl}/openai/v1`);
    expect((await openai.models.list()).data.map((m) => m.id)).toEqual([MODEL]);
  });

  it("the same call without the host reaches no InferenceService: the gateway's 404", async () => {
    const plain = new OpenAI({ baseURL: deployment.openai!.baseURL, apiKey: "unused", maxRetries: 0 });
    const error = await plain.models.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
  });
});

describe("openai-node through the ingress", () => {
  it("a completion", async () => {
    const completion = await openai.completions.create({ model: MODEL, prompt: "The quick brown fox", max_tokens: 3 });
    expect(completion.choices[0]).toMatchObject({ text: "The quick brown", finish_reason: "length" });
    expect(completion.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 });
  });

  it("a streamed chat completion, read chunk by chunk: the first chunk arrives before the server writes the last", async () => {
    const second = deferred();
    onStream = (event) => (event.type === "token" && event.index === 1 ? second.promise : undefined);
    const stream = await openai.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "red green blue" }],
      stream: true,
    });
    const chunks = stream[Symbol.asyncIterator]();
    const first = await chunks.next();
    expect(first.value?.choices[0]?.delta).toEqual({ role: "assistant", content: "red" });
    // The server holds token 1 until this test lets it go: it has not written the others, nor ended.
    expect(tokens()).toEqual([0, 1]);
    expect(events.some((e) => e.type === "end")).toBe(false);
    second.resolve();
    const rest: string[] = [];
    for (let next = await chunks.next(); !next.done; next = await chunks.next())
      rest.push(next.value.choices[0]?.delta.content ?? "");
    expect(rest).toEqual([" green", " blue"]);
    expect(events.at(-1)).toEqual({ type: "end", model: MODEL, written: 3, complete: true });
  });

  it("an abort mid-stream closes the connection: the server sees it after the first token", async () => {
    onStream = (event) => (event.type === "token" && event.index === 1 ? new Promise<void>(() => {}) : undefined);
    const end = nextEnd();
    const controller = new AbortController();
    const stream = await openai.chat.completions.create(
      { model: MODEL, messages: [{ role: "user", content: "one two three four" }], stream: true },
      { signal: controller.signal },
    );
    const chunks = stream[Symbol.asyncIterator]();
    expect((await chunks.next()).value?.choices[0]?.delta.content).toBe("one");
    controller.abort();
    expect(await chunks.next()).toMatchObject({ done: true }); // openai-node ends an aborted stream quietly
    expect(await end).toEqual({ type: "end", model: MODEL, written: 1, complete: false });
  });

  it("an unknown model: openai's NotFoundError with KServe's message", async () => {
    const error = await openai.chat.completions
      .create({ model: "llama", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).status).toBe(404);
    expect((error as NotFoundError).message).toContain("Model with name llama does not exist.");
  });

  it("a request the model refuses: openai's BadRequestError with the server's message", async () => {
    const error = await openai.completions
      .create({ model: MODEL, prompt: "hi", max_tokens: 100_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toContain("This model's maximum context length is 2048 tokens");
  });
});

describe("openai-node over HTTPS through a gateway with a private CA", () => {
  let pki: TestPki;
  let proxy: Awaited<ReturnType<typeof startTlsProxy>>;
  const fetches: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    pki = createTestPki();
    proxy = await startTlsProxy(pki.issue([HOST]), { port: Number(new URL(mock.ingressUrl).port) });
  });
  afterAll(async () => {
    await Promise.all(fetches.map((f) => f.close()));
    await proxy?.close();
    pki?.dispose();
  });
  const client = (tls: { ca?: string }) => {
    const fetch = createIngressFetch({ host: HOST, tls });
    fetches.push(fetch);
    return new OpenAI({ baseURL: `https://127.0.0.1:${proxy.port}/openai/v1`, apiKey: "unused", fetch, maxRetries: 0 });
  };

  it("streams with the host as SNI, the certificate checked against it", async () => {
    const stream = await client({ ca: pki.ca }).chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "over TLS" }],
      stream: true,
    });
    const text: string[] = [];
    for await (const chunk of stream) text.push(chunk.choices[0]?.delta.content ?? "");
    expect(text.join("")).toBe("over TLS");
    expect(proxy.servernames.at(-1)).toBe(HOST);
  });

  it("without the CA: openai's connection error, whose cause says the certificate does not verify", async () => {
    const error = await client({})
      .models.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    const cause = (error as APIConnectionError).cause as TypeError;
    expect(cause).toBeInstanceOf(TypeError);
    expect(cause.cause).toBeInstanceOf(ConnectionError);
    expect((cause.cause as Error).message).toContain(`does not verify for "${HOST}"`);
  });
});
