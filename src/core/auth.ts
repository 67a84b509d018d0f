/** Authentication: static credentials, or a provider called before every attempt so tokens can refresh. */
import { base64 } from "../internal/base64.js";
import { ConfigError, KServeError } from "./errors.js";

/**
 * `{ bearer }` for a token, `{ basic: { username, password } }`, or a function returning headers (it runs
 * before every attempt, retries included, so a refreshed token is picked up).
 */
export type Auth =
  | { bearer: string }
  | { basic: { username: string; password: string } }
  | (() => Record<string, string> | Promise<Record<string, string>>);

/** The headers `auth` adds to one attempt (names in lower case). */
export async function authHeaders(auth: Auth | undefined): Promise<Record<string, string>> {
  if (auth === undefined) return {};
  if (typeof auth === "function") {
    let provided: Record<string, string>;
    try {
      provided = await auth();
    } catch (error) {
      throw new KServeError(
        "unauthenticated",
        `The auth provider failed: ${error instanceof Error ? error.message : String(error)}.`,
        {
          cause: error,
        },
      );
    }
    return lowerCaseHeaders(provided, "auth provider");
  }
  if ("bearer" in auth) return { authorization: `Bearer ${headerValue(auth.bearer, "auth.bearer")}` };
  const { username, password } = auth.basic;
  const credentials = new TextEncoder().encode(`${username}:${password}`);
  return { authorization: `Basic ${headerValue(base64(credentials), "auth.basic")}` };
}

/** Header names lower-cased and values checked (no line breaks: they would smuggle headers). Internal. */
export function lowerCaseHeaders(
  headers: Readonly<Record<string, string>> | undefined,
  where: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    out[name.toLowerCase()] = headerValue(value, `${where}: ${name}`);
  return out;
}

function headerValue(value: unknown, where: string): string {
  if (typeof value !== "string" || /[\r\n\0]/.test(value)) {
    // The value is left out of the message: it may be a credential.
    throw new ConfigError(`${where} must be a string without line breaks or NUL characters.`);
  }
  return value;
}
