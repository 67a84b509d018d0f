/**
 * A text generation model as KServe's Hugging Face runtime serves one: the OpenAI-compatible routes answer with the
 * mock's deterministic text model (text-model.ts), and the V1 and V2 readiness routes say it is ready, as they do
 * for any model of a KServe model server.
 */
import { FakeModelError, type FakeModel, type MockStreamEvent, readyModel } from "../models.js";

/** How the mock cluster's generative runtime answers (`startMockKServe({ cluster: { llm } })`). */
export interface MockLlmOptions {
  /** Time before each streamed token, in ms. Default 0: tokens go as fast as the client reads. */
  tokenDelayMs?: number | undefined;
  /** Prompt and completion tokens together at most (vLLM's `max_model_len`). Default 2048. */
  contextLength?: number | undefined;
  /**
   * Sees every stream as the server writes it: a `token` event before each token, awaited (return a promise to
   * hold the stream there), and an `end` event that says whether the client stayed to `[DONE]`.
   */
  onStream?: ((event: MockStreamEvent) => void | Promise<void>) | undefined;
}

/** The default context length: a small model's. */
const CONTEXT_LENGTH = 2048;

/** The text generation model `name` (the InferenceService's name, as KServe's runtime serves it). */
export function generativeModel(name: string, options: MockLlmOptions = {}): FakeModel {
  return {
    ...readyModel(name, ""),
    generative: {
      contextLength: options.contextLength ?? CONTEXT_LENGTH,
      tokenDelayMs: options.tokenDelayMs ?? 0,
      onStream: options.onStream,
    },
    infer() {
      throw new FakeModelError(
        `Model ${name} generates text: call its OpenAI-compatible routes (/openai/v1/completions, /openai/v1/chat/completions).`,
      );
    },
  };
}
