/**
 * Which InferenceServices serve KServe's OpenAI-compatible routes, and where: the Hugging Face runtime's text
 * generation models answer `/openai/v1/completions`, `/openai/v1/chat/completions` and `/openai/v1/models` beside
 * the V1 and V2 routes. Pure.
 */
import type { InferenceService } from "./types.js";

/** Where the routes are under the model server's root (KServe's `KSERVE_OPENAI_ROUTE_PREFIX` is `/openai`). */
export const OPENAI_ROUTES_PATH = "/openai/v1";

/**
 * Whether the predictor is one KServe serves with its Hugging Face runtime, which serves the OpenAI-compatible
 * routes: the `huggingface` shorthand, or `predictor.model` with `modelFormat.name` `huggingface`. A model it
 * serves for another task (an encoder) answers them with errors, and a custom runtime that serves them is not
 * recognised: call those with `createIngressFetch` and the endpoint yourself.
 */
export function servesOpenAIRoutes(isvc: InferenceService): boolean {
  const { predictor } = isvc.spec;
  return predictor.huggingface !== undefined || predictor.model?.modelFormat.name.toLowerCase() === "huggingface";
}
