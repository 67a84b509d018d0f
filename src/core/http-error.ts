/**
 * The pure functions that turn an HTTP answer into an `HttpError` (src/errors): the server's message and
 * credential redaction. A module of its own, re-exported by errors.ts: the gRPC client never raises an HttpError,
 * and a module it does not import leaves the class (and its name tag, set at load) out of its bundles.
 */
import { CREDENTIAL_HEADERS } from "../internal/secrets.js";
import { parseJsonText } from "../tensor/json-parse.js";
import { stringifyJson } from "../tensor/json-write.js";

export { codeForStatus, HttpError, type HttpErrorOptions } from "../errors/http-error.js";

/** How much of an error body is kept: enough for any server's message, not a whole HTML page. */
export const MAX_ERROR_BODY = 4096;

/**
 * The server's own message from an error body: `{"error": …}` (KServe, Triton, MLServer), `{"detail": …}`
 * (FastAPI: a string, or a list of `{loc, msg}` for 422), plain text (gateways, MLServer's 500), or
 * undefined for an empty body. `clean` runs on the whole message before it is cut to MAX_ERROR_BODY, so that
 * what it removes (a credential, unescaped by the parse) is never left half-cut at the end.
 */
export function serverMessage(body: string, clean: (text: string) => string = (text) => text): string | undefined {
  const text = body.trim();
  return text === "" ? undefined : cut(clean(messageIn(text)));
}

function messageIn(text: string): string {
  let parsed: unknown;
  try {
    // The SDK's parser, for its depth limit (MAX_JSON_DEPTH, 512): Array#join and JSON.stringify recurse, and how
    // deep they go before the stack overflows differs between engines. A body nested deeper is shown as it came.
    parsed = parseJsonText(text, false).value;
  } catch {
    return text;
  }
  if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
    const { error, detail } = parsed as { error?: unknown; detail?: unknown };
    if (typeof error === "string") return error;
    if (typeof detail === "string") return detail;
    if (Array.isArray(detail)) return detail.map(describeDetail).join("; ");
  }
  return text;
}

/** One FastAPI validation item: `body.inputs.0.data: field required`. */
function describeDetail(item: unknown): string {
  if (item === null || typeof item !== "object") return String(item);
  const { loc, msg } = item as { loc?: unknown; msg?: unknown };
  const where = Array.isArray(loc) ? loc.join(".") : undefined;
  // stringifyJson: the parse keeps integers beyond 2^53 exact, as bigint, which JSON.stringify throws on.
  const what = typeof msg === "string" ? msg : stringifyJson(item);
  return where ? `${where}: ${what}` : what;
}

function cut(text: string): string {
  return text.length > MAX_ERROR_BODY ? `${text.slice(0, MAX_ERROR_BODY)}…` : text;
}

/**
 * A copy of `headers` (names lower-cased) safe to show in errors and logs: credential values become
 * `[redacted]`, keeping an Authorization scheme (`Bearer [redacted]`) because it helps debugging.
 */
export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (!CREDENTIAL_HEADERS.has(key)) {
      out[key] = value;
      continue;
    }
    const scheme = /^(Bearer|Basic|Digest|Token)\s/i.exec(value)?.[1];
    out[key] = scheme ? `${scheme} [redacted]` : "[redacted]";
  }
  return out;
}
