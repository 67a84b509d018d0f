/**
 * How the command line ends: exit codes, and what goes to stderr for a failure (`error[code]: message`, and a
 * hint where one helps). Pure, so the wording is tested without a process.
 */
import { isKServeError, type KServeError } from "kserve-client";

/** 0 success (`ready`: ready), 1 a KServeError or "not ready", 2 a usage error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** The command line was used wrongly: a bad flag value, JSON that does not parse, no URL. Exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** What helps after an error of this code, if anything the message does not already say. */
const HINTS: Partial<Record<string, string>> = {
  unavailable: "Is the server running at that address? Check --url (or KSERVE_URL), and --host for an ingress.",
  not_found: "Check the model's name: `kserve-client models` lists a V1 server's models.",
  unauthenticated: "Pass a token with --token (or KSERVE_TOKEN).",
  permission_denied: "The token was accepted but may not call this model.",
  deadline_exceeded: "Give it longer with --timeout <ms>.",
};

/** The stderr text for a failure: `error[code]: message` (KServeErrors) or `error: message`, then a hint line. */
export function describeFailure(error: unknown): string {
  if (isKServeError(error)) {
    const e = error as KServeError;
    const hint = HINTS[e.code];
    return `error[${e.code}]: ${e.rawMessage}${hint === undefined ? "" : `\nhint: ${hint}`}`;
  }
  if (error instanceof UsageError) return `error[usage]: ${error.message}`;
  return `error: ${error instanceof Error ? error.message : String(error)}`;
}

/** The exit code for a failure. */
export function exitCodeOf(error: unknown): number {
  return error instanceof UsageError ? EXIT.usage : EXIT.failed;
}
