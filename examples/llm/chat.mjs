// @ts-check
// A chat completion streamed from an InferenceService's OpenAI-compatible routes with openai-node, token by token,
// as a function the CLI (index.mjs) and the tests run. Whether the routes are reached through an ingress gateway
// (an ingress fetch that presents the host) or directly is the caller's `fetch`; nothing here knows.
import OpenAI from "openai";

/**
 * @typedef {object} ChatOptions
 * @property {string} baseURL  the routes' base, e.g. http://<ingress>/openai/v1
 * @property {(input: string | URL | Request, init?: RequestInit) => Promise<Response>} fetch  e.g. createIngressFetch({ host })
 * @property {string} model  the InferenceService's name (KServe serves the model under it)
 * @property {string} prompt
 * @property {string | undefined} apiKey  what the gateway wants as a bearer token, if anything
 * @property {(text: string) => void} onText  each piece of text as it arrives
 * @property {AbortSignal | undefined} signal  stops the stream (the connection closes)
 */

/**
 * Stream the model's answer to `prompt`. Returns the whole text, how many chunks brought it, and why it ended.
 * @param {ChatOptions} options
 */
export async function streamChat(options) {
  // openai-node wants an API key; KServe itself asks for none (a gateway in front of it may).
  const openai = new OpenAI({ baseURL: options.baseURL, apiKey: options.apiKey ?? "unused", fetch: options.fetch });
  const stream = await openai.chat.completions.create(
    { model: options.model, messages: [{ role: "user", content: options.prompt }], stream: true },
    { signal: options.signal },
  );
  let text = "";
  let chunks = 0;
  /** @type {string | null} */
  let finishReason = null;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    if (choice === undefined) continue; // a usage-only chunk
    chunks++;
    const piece = choice.delta.content ?? "";
    text += piece;
    options.onText(piece);
    finishReason = choice.finish_reason ?? finishReason;
  }
  return { text, chunks, finishReason };
}
