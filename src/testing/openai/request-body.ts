/**
 * The body of a completions or chat completions request, read as KServe's server reads it: FastAPI parses it
 * into vLLM's request model (pydantic), and a body that does not fit is FastAPI's 422 with pydantic's error items
 * (`{"detail":[{"type":"missing","loc":["body","messages"],"msg":"Field required","input":…}]}`) before KServe
 * sees it. Only the fields the mock's model uses are checked; sampling parameters are accepted and have no effect
 * (the model is deterministic). Pure.
 */
import { json, type MockResponse } from "../answers.js";
import { tokenize } from "./text-model.js";

/** What the model needs from a request. */
export interface GenerationRequest {
  /** `model` as sent; KServe reads a missing one as Python's None. */
  model: string;
  /** The words of each prompt (completions may send several; a chat has one, its last user message). */
  prompts: string[][];
  /** Prompt tokens, over every message of a chat. */
  promptTokens: number;
  /** `max_completion_tokens` or `max_tokens`, if sent. */
  maxTokens: number | undefined;
  stream: boolean;
  /** `stream_options.include_usage`: a last chunk with the usage. */
  includeUsage: boolean;
}

/** One pydantic error item of FastAPI's 422 body. */
interface ErrorItem {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
}

/** FastAPI's answer to a body that does not fit the request model. */
function unprocessable(items: ErrorItem[]): MockResponse {
  return json(422, JSON.stringify({ detail: items }));
}

const missing = (field: string, body: unknown): ErrorItem => ({
  type: "missing",
  loc: ["body", field],
  msg: "Field required",
  input: body,
});

/** Read a request body for `route`; the request, or FastAPI's 422. */
export function readGenerationRequest(
  route: "completions" | "chat",
  bytes: Uint8Array,
): GenerationRequest | MockResponse {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return unprocessable([{ type: "json_invalid", loc: ["body", 0], msg: "JSON decode error", input: {} }]);
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return unprocessable([
      {
        type: "model_attributes_type",
        loc: ["body"],
        msg: "Input should be a valid dictionary or object to extract fields from",
        input: body,
      },
    ]);
  }
  const fields = body as Record<string, unknown>;
  const problems: ErrorItem[] = [];
  const typed = (field: string, ok: (value: unknown) => boolean, type: string, msg: string) => {
    const value = fields[field];
    if (value !== undefined && value !== null && !ok(value))
      problems.push({ type, loc: ["body", field], msg, input: value });
  };
  typed("model", (v) => typeof v === "string", "string_type", "Input should be a valid string");
  typed("stream", (v) => typeof v === "boolean", "bool_type", "Input should be a valid boolean");
  for (const field of ["max_tokens", "max_completion_tokens"])
    typed(field, Number.isInteger, "int_type", "Input should be a valid integer");

  let prompts: string[][] = [];
  let promptTokens = 0;
  if (route === "chat") {
    const messages = fields["messages"];
    if (messages === undefined) problems.push(missing("messages", body));
    else if (!Array.isArray(messages))
      problems.push({
        type: "list_type",
        loc: ["body", "messages"],
        msg: "Input should be a valid list",
        input: messages,
      });
    else {
      const texts = messages.map(messageText);
      promptTokens = texts.reduce((n, text) => n + tokenize(text).length, 0);
      // The model answers the last user message.
      let last = "";
      messages.forEach((m, i) => {
        if ((m as { role?: unknown } | null)?.role === "user") last = texts[i]!;
      });
      prompts = [tokenize(last)];
    }
  } else {
    const prompt = fields["prompt"];
    const read = promptWords(prompt);
    if (read === undefined) {
      problems.push({
        type: "value_error",
        loc: ["body"],
        msg: "Value error, Either prompt or prompt_embeds must be provided and non-empty.",
        input: body,
      });
    } else {
      prompts = read;
      promptTokens = read.reduce((n, words) => n + words.length, 0);
    }
  }
  if (problems.length > 0) return unprocessable(problems);
  const options = fields["stream_options"] as { include_usage?: unknown } | null | undefined;
  const maxTokens = (fields["max_completion_tokens"] ?? fields["max_tokens"]) as number | null | undefined;
  return {
    model: typeof fields["model"] === "string" ? fields["model"] : "None",
    prompts,
    promptTokens,
    maxTokens: maxTokens ?? undefined,
    stream: fields["stream"] === true,
    includeUsage: options?.include_usage === true,
  };
}

/** A chat message's text: a string, or the text parts of a list of parts (others have no words here). */
function messageText(message: unknown): string {
  const content = (message as { content?: unknown } | null)?.content;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => (part as { type?: unknown; text?: unknown } | null) ?? {})
    .filter((part) => part.type === "text" && typeof part.text === "string")
    .map((part) => part.text as string)
    .join("\n");
}

/**
 * The words of each prompt of a completions request: a string, strings, token ids or lists of token ids (a
 * token id is a word here); undefined when there is none.
 */
function promptWords(prompt: unknown): string[][] | undefined {
  if (typeof prompt === "string") return prompt === "" ? undefined : [tokenize(prompt)];
  if (!Array.isArray(prompt) || prompt.length === 0) return undefined;
  if (prompt.every((p) => typeof p === "number")) return [prompt.map(String)];
  if (prompt.every((p) => typeof p === "string")) return prompt.map(tokenize);
  if (prompt.every((p) => Array.isArray(p))) return prompt.map((ids: unknown[]) => ids.map(String));
  return undefined;
}
