/**
 * What a failed fetch means: the engines' words for a network failure, and what to say about it. Shared by the
 * fetch HttpClient and gRPC-web (connect-web runs on fetch too).
 */

/**
 * What "Failed to fetch" means in a browser is not knowable from the error; say what it usually is. Empty
 * outside browsers, where a failed fetch has a cause that says what happened.
 */
export const FETCH_FAILURE_HINT =
  typeof (globalThis as { document?: unknown }).document === "undefined"
    ? ""
    : " In a browser this is also how a server without CORS headers for this origin looks; check the server's CORS settings.";

/**
 * Whether `error` is fetch's own network failure: a TypeError with one of the engines' exact words, "Failed to
 * fetch" (Chromium), "NetworkError when attempting to fetch resource." (Firefox), "Load failed" or "The Internet
 * connection appears to be offline." (Safari), "fetch failed" (undici), "Network connection lost." (Cloudflare
 * Workers), and Deno's forms: "error sending request for url (…): …", "error sending request from <address> for
 * <url> (…): …" once connected, "client error (Connect)" through a proxy. Matched whole, so that a programming
 * error that merely mentions fetch is not taken for the network.
 */
export function isFetchNetworkError(error: unknown): error is TypeError {
  return error instanceof TypeError && FETCH_FAILURES.test(error.message);
}
const FETCH_FAILURES =
  /^(?:Failed to fetch|NetworkError when attempting to fetch resource\.|Load failed|The Internet connection appears to be offline\.|fetch failed|error sending request (?:for url \(|from \S+ for ).*|client error \(.*|Network connection lost\.)$/;

/** What a failed fetch says, with its cause's words where it has one ("fetch failed (connect ECONNREFUSED …)"). */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  // undici's "fetch failed" says nothing; its cause ("connect ECONNREFUSED 127.0.0.1:1") does.
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
