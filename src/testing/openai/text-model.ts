/**
 * The mock's text model: deterministic, so tests can say what comes back. A token is a word (text between
 * whitespace), and the model answers with the words of its prompt, in order, up to `max_tokens`: ask it
 * "Why is the sky blue?" and it streams "Why", " is", " the", " sky", " blue?". Pure.
 */

/** The tokens of `text`: its words. */
export function tokenize(text: string): string[] {
  return text.split(/\s+/).filter((word) => word !== "");
}

/** Why generation stopped, as OpenAI's `finish_reason` says it. */
export type FinishReason = "stop" | "length";

/** A completion: the pieces to stream (a space before each word but the first), and why it ended. */
export interface Generation {
  /** One per token; their concatenation is the text. */
  pieces: string[];
  finishReason: FinishReason;
}

/** The completion of a prompt of `words`: those words again, at most `maxTokens` of them. */
export function generate(words: readonly string[], maxTokens: number): Generation {
  const kept = words.slice(0, maxTokens);
  return {
    pieces: kept.map((word, i) => (i === 0 ? word : ` ${word}`)),
    finishReason: kept.length < words.length ? "length" : "stop",
  };
}
