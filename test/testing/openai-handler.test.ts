/**
 * The mock's OpenAI-compatible routes as a pure function: the answers and streamed events of its text model, and
 * KServe's (FastAPI's, vLLM's) error bodies, as its Hugging Face server sends them.
 */
import { describe, expect, it } from "vitest";
import { handleKServe } from "../../src/testing/handler.js";
import { createFakeModels, createModelRegistry, type FakeModels } from "../../src/testing/models.js";
import { generativeModel } from "../../src/testing/openai/generative.js";
import { handleOpenAI, type MockEventStream } from "../../src/testing/openai/handler.js";
import { generate, tokenize } from "../../src/testing/openai/text-model.js";
import type { MockResponse } from "../../src/testing/answers.js";

const models = (): FakeModels => createModelRegistry([generativeModel("qwen", { contextLength: 16 })]);

function call(method: string, path: string, body?: unknown, registry = models()) {
  return handleOpenAI(registry, {
    method,
    path,
    headers: { "content-type": "application/json" },
    body: new TextEncoder().encode(body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body)),
  });
}

function answer(result: MockResponse | MockEventStream | undefined): { status: number; body: unknown } {
  if (result === undefined || "events" in result) throw new Error("expected a plain answer");
  return { status: result.status, body: JSON.parse(new TextDecoder().decode(result.body)) };
}

function stream(result: MockResponse | MockEventStream | undefined): MockEventStream {
  if (result === undefined || !("events" in result)) throw new Error("expected a stream");
  return result;
}

const chat = (content: string, extra: Record<string, unknown> = {}) => ({
  model: "qwen",
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content },
  ],
  ...extra,
});

describe("the text model", () => {
  it("answers with its prompt's words, one token each, up to max_tokens", () => {
    expect(tokenize("  Why is\nthe sky  blue? ")).toEqual(["Why", "is", "the", "sky", "blue?"]);
    expect(generate(["a", "b", "c"], 10)).toEqual({ pieces: ["a", " b", " c"], finishReason: "stop" });
    expect(generate(["a", "b", "c"], 2)).toEqual({ pieces: ["a", " b"], finishReason: "length" });
    expect(generate([], 5)).toEqual({ pieces: [], finishReason: "stop" });
  });
});

describe("handleOpenAI: answers", () => {
  it("a completion: the prompt's words, with usage", () => {
    const { status, body } = answer(call("POST", "/openai/v1/completions", { model: "qwen", prompt: "one two three" }));
    expect(status).toBe(200);
    expect(body).toMatchObject({
      object: "text_completion",
      model: "qwen",
      choices: [{ index: 0, text: "one two three", finish_reason: "stop", logprobs: null }],
      usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 },
    });
    expect((body as { id: string }).id).toMatch(/^cmpl-[0-9a-f]{32}$/);
  });

  it("a completion of several prompts, cut at max_tokens", () => {
    const { body } = answer(
      call("POST", "/openai/v1/completions", { model: "qwen", prompt: ["a b c", "d"], max_tokens: 2 }),
    );
    expect(body).toMatchObject({
      choices: [
        { index: 0, text: "a b", finish_reason: "length" },
        { index: 1, text: "d", finish_reason: "stop" },
      ],
      usage: { prompt_tokens: 4, completion_tokens: 3 },
    });
  });

  it("a chat completion answers the last user message; prompt tokens count every message", () => {
    const { body } = answer(call("POST", "/openai/v1/chat/completions", chat("Why is the sky blue?")));
    expect(body).toMatchObject({
      object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content: "Why is the sky blue?" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 },
    });
  });

  it("a streamed chat completion: one chunk per token, the role first, the finish reason last, usage if asked, then [DONE]", () => {
    const s = stream(
      call(
        "POST",
        "/openai/v1/chat/completions",
        chat("red green blue", { stream: true, stream_options: { include_usage: true } }),
      ),
    );
    expect(s).toMatchObject({
      status: 200,
      model: "qwen",
      headers: { "content-type": "text/event-stream; charset=utf-8" },
    });
    expect(s.events.map((e) => e.token)).toEqual([0, 1, 2, undefined, undefined]);
    expect(s.events.at(-1)!.data).toBe("[DONE]");
    const chunks = s.events.slice(0, -1).map((e) => JSON.parse(e.data));
    expect(chunks.slice(0, 3).map((c) => c.choices[0])).toEqual([
      { index: 0, delta: { role: "assistant", content: "red" }, logprobs: null, finish_reason: null },
      { index: 0, delta: { content: " green" }, logprobs: null, finish_reason: null },
      { index: 0, delta: { content: " blue" }, logprobs: null, finish_reason: "stop" },
    ]);
    expect(chunks[3]).toMatchObject({
      object: "chat.completion.chunk",
      choices: [],
      usage: { prompt_tokens: 5, completion_tokens: 3 },
    });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  it("a streamed completion of an empty answer still ends with a chunk that has the finish reason", () => {
    const s = stream(
      call("POST", "/openai/v1/completions", { model: "qwen", prompt: [[1, 2]], max_tokens: 1, stream: true }),
    );
    expect(s.events.map((e) => (e.data === "[DONE]" ? e.data : JSON.parse(e.data).choices[0]))).toEqual([
      { index: 0, text: "1", logprobs: null, finish_reason: "length", stop_reason: null },
      "[DONE]",
    ]);
    const empty = stream(
      call("POST", "/openai/v1/chat/completions", {
        model: "qwen",
        messages: [{ role: "system", content: "x" }],
        stream: true,
      }),
    );
    expect(JSON.parse(empty.events[0]!.data).choices[0]).toMatchObject({
      delta: { content: "" },
      finish_reason: "stop",
    });
  });

  it("lists the generative models, and says one is ready", () => {
    const registry = createFakeModels();
    registry.add(generativeModel("qwen"));
    const { body } = answer(call("GET", "/openai/v1/models", undefined, registry));
    expect(body).toMatchObject({ object: "list", data: [{ id: "qwen", object: "model", owned_by: "" }] });
    expect(answer(call("GET", "/openai/v1/models/qwen"))).toEqual({ status: 200, body: null });
  });
});

describe("handleOpenAI: KServe's errors", () => {
  it("an unknown model, or none (Python's None): 404 with KServe's message", () => {
    expect(answer(call("POST", "/openai/v1/chat/completions", { ...chat("hi"), model: "llama" }))).toEqual({
      status: 404,
      body: { error: "Model with name llama does not exist." },
    });
    expect(answer(call("POST", "/openai/v1/completions", { prompt: "hi" }))).toEqual({
      status: 404,
      body: { error: "Model with name None does not exist." },
    });
    // The health route turns every failure into ModelNotReady.
    expect(answer(call("GET", "/openai/v1/models/llama"))).toEqual({
      status: 503,
      body: { error: "Model with name llama is not ready." },
    });
  });

  it("a model that is not generative is not on these routes", () => {
    const registry = createFakeModels();
    registry.add(generativeModel("qwen"));
    expect(answer(call("POST", "/openai/v1/completions", { model: "iris", prompt: "x" }, registry)).status).toBe(404);
    expect(answer(call("GET", "/openai/v1/models", undefined, createFakeModels()))).toEqual({
      status: 404,
      body: { detail: "Not Found" },
    });
  });

  it("a body that does not fit the request model: FastAPI's 422 with pydantic's items", () => {
    expect(answer(call("POST", "/openai/v1/chat/completions", { model: "qwen" }))).toEqual({
      status: 422,
      body: {
        detail: [{ type: "missing", loc: ["body", "messages"], msg: "Field required", input: { model: "qwen" } }],
      },
    });
    expect(answer(call("POST", "/openai/v1/chat/completions", "{not json")).body).toMatchObject({
      detail: [{ type: "json_invalid" }],
    });
    const types = answer(
      call("POST", "/openai/v1/completions", { model: 7, prompt: "x", stream: "yes", max_tokens: 1.5 }),
    );
    expect(
      (types.body as { detail: { loc: unknown[]; type: string }[] }).detail.map((d) => [d.loc[1], d.type]),
    ).toEqual([
      ["model", "string_type"],
      ["stream", "bool_type"],
      ["max_tokens", "int_type"],
    ]);
    expect(answer(call("POST", "/openai/v1/completions", { model: "qwen" })).body).toMatchObject({
      detail: [{ type: "value_error", loc: ["body"] }],
    });
  });

  it("a request longer than the context: vLLM's 400 through KServe's error body", () => {
    expect(
      answer(call("POST", "/openai/v1/completions", { model: "qwen", prompt: "a b c d", max_tokens: 20 })),
    ).toEqual({
      status: 400,
      body: {
        error: {
          code: "400",
          message:
            "'max_tokens' or 'max_completion_tokens' is too large: 20. This model's maximum context length is 16 tokens and your request has 4 input tokens (20 > 16 - 4).",
          param: null,
          type: "BadRequestError",
        },
      },
    });
    const long = answer(call("POST", "/openai/v1/completions", { model: "qwen", prompt: "w ".repeat(16) }));
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({
      error: { message: expect.stringContaining("your request has 16 input tokens") },
    });
    expect(
      answer(call("POST", "/openai/v1/completions", { model: "qwen", prompt: "a", max_tokens: 0 })).body,
    ).toMatchObject({
      error: { message: "max_tokens must be at least 1, got 0." },
    });
  });

  it("embeddings of a generative model: KServe's 400; wrong methods and routes: FastAPI's 405 and 404", () => {
    expect(answer(call("POST", "/openai/v1/embeddings", { model: "qwen", input: "x" }))).toEqual({
      status: 400,
      body: {
        error: {
          code: "400",
          message: "Model qwen does not support Embeddings API",
          param: "",
          type: "BadRequestError",
        },
      },
    });
    expect(answer(call("GET", "/openai/v1/chat/completions"))).toEqual({
      status: 405,
      body: { detail: "Method Not Allowed" },
    });
    expect(answer(call("POST", "/openai/v1/models"))).toEqual({ status: 405, body: { detail: "Method Not Allowed" } });
    expect(answer(call("POST", "/openai/v2/chat"))).toEqual({ status: 404, body: { detail: "Not Found" } });
    expect(call("GET", "/v2/models/qwen/ready")).toBeUndefined();
  });

  it("on the V2 routes a generative model is ready, and its infer says where to go", () => {
    const registry = models();
    const ready = handleKServe(registry, {
      method: "GET",
      path: "/v2/models/qwen/ready",
      headers: {},
      body: new Uint8Array(),
    });
    expect(ready?.status).toBe(200);
    const infer = handleKServe(registry, {
      method: "POST",
      path: "/v2/models/qwen/infer",
      headers: { "content-type": "application/json" },
      body: new TextEncoder().encode('{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["hi"]}]}'),
    });
    expect(infer?.status).toBe(500);
    expect(new TextDecoder().decode(infer?.body)).toContain("/openai/v1/chat/completions");
  });
});
