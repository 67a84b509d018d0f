/**
 * KServe's OpenAI-compatible routes, as its Hugging Face server serves them for a text generation model
 * (kserve/kserve python/kserve/kserve/protocol/rest/openai: endpoints.py, dataplane.py, errors.py; the answers
 * are vLLM's protocol models, vLLM being the runtime's default backend for generation). One pure function: the
 * answer, or the events of a streamed one, which the Node servers write (cluster/event-stream.ts).
 *
 * - `POST /openai/v1/completions`, `POST /openai/v1/chat/completions`: `stream: true` answers server-sent events,
 *   one chunk per token, then `data: [DONE]`.
 * - `GET /openai/v1/models`: the generative models; `GET /openai/v1/models/{name}`: `null` when ready.
 * - Errors: FastAPI's 422 (`{"detail": […]}`) for a body that does not fit; KServe's `{"error": "Model with name X
 *   does not exist."}` 404 for an unknown model (and for a missing `model`, which Python reads as None); vLLM's
 *   errors through KServe's `create_error_response` (`{"error": {"code": "400", "message", "param", "type"}}`) for
 *   a request the model refuses; 503 for a model that is not ready. A server without generative models has no
 *   such routes: FastAPI's 404.
 */
import { detail, error, json, methodNotAllowed, type MockRequest, type MockResponse } from "../answers.js";
import type { FakeModel, FakeModels, GenerativeSettings } from "../models.js";
import { type GenerationRequest, readGenerationRequest } from "./request-body.js";
import { type FinishReason, generate, type Generation } from "./text-model.js";

/** A streamed answer: the `data:` payloads of its server-sent events, in order, the last `[DONE]`. */
export interface MockEventStream {
  status: number;
  headers: Record<string, string>;
  /** Each event's data; `token` is set on the events that carry a token (from 0), for pacing. */
  events: { data: string; token?: number | undefined }[];
  /** The model, named in the stream's events. */
  model: string;
  settings: GenerativeSettings;
}

/** KServe's route prefix (`KSERVE_OPENAI_ROUTE_PREFIX`, default `/openai`). */
export const OPENAI_PREFIX = "/openai";

/** Answer a request under `/openai`; undefined for any other path. */
export function handleOpenAI(models: FakeModels, request: MockRequest): MockResponse | MockEventStream | undefined {
  const path = request.path.split("?")[0]!;
  if (path !== OPENAI_PREFIX && !path.startsWith(`${OPENAI_PREFIX}/`)) return undefined;
  const generative = models
    .names()
    .map((name) => models.get(name)!)
    .filter((model) => model.generative !== undefined);
  // KServe registers these routes only when the server has a generative model.
  if (generative.length === 0) return detail(404, "Not Found");
  const route = path.slice(OPENAI_PREFIX.length);
  const method = request.method;

  if (route === "/v1/models") {
    if (method !== "GET") return methodNotAllowed();
    const created = nowSeconds();
    const data = generative.map((m) => ({
      id: m.name,
      object: "model",
      created,
      owned_by: "",
      root: null,
      parent: null,
      max_model_len: null,
      permission: [],
    }));
    return json(200, JSON.stringify({ object: "list", data }));
  }
  const health = /^\/v1\/models\/([^/]+)$/.exec(route);
  if (health !== null) {
    if (method !== "GET") return methodNotAllowed();
    // endpoints.py's health: any failure, an unknown model included, is ModelNotReady.
    const model = find(models, decodeURIComponent(health[1]!));
    return model?.ready ? json(200, "null") : notReady(decodeURIComponent(health[1]!));
  }
  const generation = ({ "/v1/completions": "completions", "/v1/chat/completions": "chat" } as const)[
    route as "/v1/completions" | "/v1/chat/completions"
  ];
  const unsupported = ({ "/v1/embeddings": "Embeddings", "/v1/rerank": "Rerank" } as const)[
    route as "/v1/embeddings" | "/v1/rerank"
  ];
  if (generation === undefined && unsupported === undefined) return detail(404, "Not Found");
  if (method !== "POST") return methodNotAllowed();
  if (unsupported !== undefined) {
    const name = (parseObject(request.body)?.["model"] as string | undefined) ?? "None";
    const model = find(models, name);
    if (model === undefined) return notFound(name);
    return openaiError(400, `Model ${name} does not support ${unsupported} API`, "BadRequestError", "");
  }
  const read = readGenerationRequest(generation!, request.body);
  if ("status" in read) return read;
  const model = find(models, read.model);
  if (model === undefined) return notFound(read.model);
  if (!model.ready) return notReady(model.name);
  const refused = checkLength(read, model.generative!);
  if (refused !== undefined) return refused;
  return generation === "chat" ? chatAnswer(model, read) : completionAnswer(model, read);
}

/** The generative model `name`; KServe's OpenAI routes see no other models. */
function find(models: FakeModels, name: string): FakeModel | undefined {
  const model = models.get(name);
  return model?.generative === undefined ? undefined : model;
}

const notFound = (name: string) => error(404, `Model with name ${name} does not exist.`);
const notReady = (name: string) => error(503, `Model with name ${name} is not ready.`);

/** An error as KServe's `create_error_response` writes it (code a string, fields in the model's order). */
function openaiError(status: number, message: string, type: string, param: string | null): MockResponse {
  return json(status, JSON.stringify({ error: { code: String(status), message, param, type } }));
}

function parseObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** vLLM's refusals of a length: no room for the prompt, or for `max_tokens` beside it. */
function checkLength(request: GenerationRequest, settings: GenerativeSettings): MockResponse | undefined {
  const context = settings.contextLength;
  const prompt = Math.max(...request.prompts.map((words) => words.length));
  const max = request.maxTokens;
  if (max !== undefined && max < 1)
    return openaiError(400, `max_tokens must be at least 1, got ${max}.`, "BadRequestError", null);
  if (prompt >= context) {
    return openaiError(
      400,
      `This model's maximum context length is ${context} tokens. However, your request has ${prompt} input tokens. Please reduce the length of the input messages.`,
      "BadRequestError",
      null,
    );
  }
  if (max !== undefined && prompt + max > context) {
    return openaiError(
      400,
      `'max_tokens' or 'max_completion_tokens' is too large: ${max}. This model's maximum context length is ${context} tokens and your request has ${prompt} input tokens (${max} > ${context} - ${prompt}).`,
      "BadRequestError",
      null,
    );
  }
  return undefined;
}

/** Each prompt's completion; without `max_tokens`, as much as the context leaves. */
function generations(request: GenerationRequest, settings: GenerativeSettings): Generation[] {
  return request.prompts.map((words) => generate(words, request.maxTokens ?? settings.contextLength - words.length));
}

function usage(request: GenerationRequest, outputs: readonly Generation[]) {
  const completion = outputs.reduce((n, g) => n + g.pieces.length, 0);
  return {
    prompt_tokens: request.promptTokens,
    total_tokens: request.promptTokens + completion,
    completion_tokens: completion,
  };
}

function completionAnswer(model: FakeModel, request: GenerationRequest): MockResponse | MockEventStream {
  const outputs = generations(request, model.generative!);
  const head = { id: `cmpl-${randomHex()}`, object: "text_completion", created: nowSeconds(), model: request.model };
  const choice = (index: number, text: string, finish: FinishReason | null) => ({
    index,
    text,
    logprobs: null,
    finish_reason: finish,
    stop_reason: null,
  });
  if (!request.stream) {
    const choices = outputs.map((g, i) => choice(i, g.pieces.join(""), g.finishReason));
    return json(200, JSON.stringify({ ...head, choices, usage: usage(request, outputs) }));
  }
  return eventStream(
    model,
    request,
    outputs,
    (index, piece, finish) => ({ ...head, choices: [choice(index, piece, finish)] }),
    head,
  );
}

function chatAnswer(model: FakeModel, request: GenerationRequest): MockResponse | MockEventStream {
  const outputs = generations(request, model.generative!);
  const head = { id: `chatcmpl-${randomHex()}`, created: nowSeconds(), model: request.model };
  const output = outputs[0]!;
  if (!request.stream) {
    const message = { role: "assistant", content: output.pieces.join(""), tool_calls: [] };
    const choices = [{ index: 0, message, logprobs: null, finish_reason: output.finishReason, stop_reason: null }];
    return json(200, JSON.stringify({ ...head, object: "chat.completion", choices, usage: usage(request, outputs) }));
  }
  let first = true;
  return eventStream(
    model,
    request,
    outputs,
    (index, piece, finish) => {
      // The role comes with the first token, as a delta only says what changed.
      const delta = first ? { role: "assistant", content: piece } : { content: piece };
      first = false;
      return {
        ...head,
        object: "chat.completion.chunk",
        choices: [{ index, delta, logprobs: null, finish_reason: finish }],
      };
    },
    { ...head, object: "chat.completion.chunk" },
  );
}

/**
 * The events of a streamed answer: one chunk per token (the last of each choice with its finish reason; an empty
 * completion still gets that last chunk), the usage chunk if asked for, then `[DONE]`.
 */
function eventStream(
  model: FakeModel,
  request: GenerationRequest,
  outputs: readonly Generation[],
  chunk: (index: number, piece: string, finish: FinishReason | null) => object,
  head: object,
): MockEventStream {
  const events: MockEventStream["events"] = [];
  let token = 0;
  outputs.forEach((output, index) => {
    const pieces = output.pieces.length === 0 ? [""] : output.pieces;
    pieces.forEach((piece, i) => {
      const finish = i === pieces.length - 1 ? output.finishReason : null;
      events.push({ data: JSON.stringify(chunk(index, piece, finish)), token: token++ });
    });
  });
  if (request.includeUsage)
    events.push({ data: JSON.stringify({ ...head, choices: [], usage: usage(request, outputs) }) });
  events.push({ data: "[DONE]" });
  return {
    status: 200,
    // Starlette's StreamingResponse(media_type="text/event-stream"): chunked, no Content-Length.
    headers: { "content-type": "text/event-stream; charset=utf-8" },
    events,
    model: model.name,
    settings: model.generative!,
  };
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function randomHex(): string {
  return crypto.randomUUID().replaceAll("-", "");
}
