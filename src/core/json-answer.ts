/** Reading a server's JSON answer: parse it, then check its shape with zod/mini. Shared by V1 and V2. */
import * as z from "zod/mini";
import { ProtocolError } from "./errors.js";

/**
 * A response body parsed as JSON (by `parse`: `JSON.parse`, or the exact parser where integers beyond 2^53
 * must survive), or a ProtocolError that shows how it starts.
 */
export function parseJsonBody<T = unknown>(body: Uint8Array, what: string, parse: (text: string) => T = JSON.parse): T {
  const text = new TextDecoder().decode(body);
  try {
    return parse(text);
  } catch (error) {
    const start = JSON.stringify(text.slice(0, 60));
    throw new ProtocolError(
      `The answer to ${what} is not JSON (it starts ${start}).`,
      { path: what, expected: "JSON", received: start },
      { cause: error },
    );
  }
}

/** `value` checked against `schema`; a ProtocolError naming every problem by path otherwise. */
export function checkAnswerShape<T>(schema: z.ZodMiniType<T>, value: unknown, what: string): T {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.length ? issue.path.join(".") : "(root)"}: ${issue.message}`,
  );
  throw new ProtocolError(`The server's ${what} does not have the expected shape: ${problems.join("; ")}.`, {
    path: result.error.issues[0]?.path.join("."),
    expected: what,
    received: problems.join("; "),
  });
}
