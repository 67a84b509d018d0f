/**
 * Credentials in what a server says back: which header values are credentials, and how to take them out of
 * text. A module of its own because both the REST request loop and the gRPC client need it, and the gRPC
 * client must not pull HttpError (and its status table) into its bundles.
 */

/** Headers whose values are credentials. */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "api-key",
]);

/**
 * The credentials one request carried, as they could come back in an answer: each credential header's value
 * (from `headers`, as name/value pairs: `Object.entries` of a record, or a `Headers`; or any header in
 * `alsoSecret`, the names an auth provider set), for a scheme value such as `Bearer abc` the token alone, and
 * for Basic the decoded `user:password` and the password. Values shorter than 4 characters are left out:
 * scrubbing them would mangle ordinary text and hides nothing.
 */
export function sentCredentials(
  headers: Iterable<readonly [string, string]>,
  alsoSecret: Iterable<string> = [],
): string[] {
  const names = new Set([...CREDENTIAL_HEADERS, ...[...alsoSecret].map((name) => name.toLowerCase())]);
  const secrets = new Set<string>();
  for (const [name, value] of headers) {
    if (!names.has(name.toLowerCase())) continue;
    secrets.add(value);
    const [, scheme, token] = /^(Bearer|Basic|Digest|Token)\s+(.+)$/i.exec(value) ?? [];
    if (token === undefined) continue;
    secrets.add(token);
    // The scheme is one of the four words above, so no anchors are needed to tell Basic.
    if (/basic/i.test(scheme!)) {
      try {
        // A server may quote what it decoded: `user:password`, or the password alone.
        const pair = new TextDecoder().decode(Uint8Array.from(atob(token), (char) => char.charCodeAt(0)));
        secrets.add(pair).add(pair.slice(pair.indexOf(":") + 1));
      } catch {
        // not base64: the token itself is all there is to clean
      }
    }
  }
  return [...secrets].filter((secret) => secret.length >= 4);
}

/**
 * `text` with every occurrence of each secret replaced by `[redacted]`: for what a server says back, which may
 * repeat the credentials it was sent (an error that quotes the rejected token, a header that echoes it).
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so that a token inside a longer "Bearer <token>" value does not leave the scheme's copy half done.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join("[redacted]");
  return out;
}

/**
 * Each secret as an answer may carry it: as a JSON string writes it (`"` as `\"`; `/` as `\/`, as some servers
 * do; non-ASCII and `<>&` as `\u00e4`, as Python's and Go's encoders do, in either case of hex), and
 * percent-encoded (a Location or a quoted URL). The message is cleaned again once parsed, which covers any other
 * escape there.
 */
export function echoForms(secrets: readonly string[]): string[] {
  const forms = new Set(secrets);
  for (const secret of secrets) {
    const escaped = JSON.stringify(secret).slice(1, -1);
    const unicode = escaped.replace(
      /[^\x20-\x7e]|[<>&]/g,
      (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    for (const form of [
      escaped,
      unicode,
      unicode.replace(/\\u([\da-f]{4})/g, (_, hex: string) => `\\u${hex.toUpperCase()}`),
    ]) {
      forms.add(form).add(form.replace(/\//g, "\\/"));
    }
    try {
      forms.add(encodeURIComponent(secret));
    } catch {
      // a lone surrogate has no percent-encoded form
    }
  }
  return [...forms];
}
