/**
 * Which redirects the ingress fetch follows: only those that stay on the virtual host it presents, so that
 * the credentials a request carries (an OpenAI client's `Authorization: Bearer …`) never travel to another host.
 * The method and body change as the fetch standard says (§4.4 HTTP-redirect fetch). Pure, tested on its own.
 */

/** The statuses fetch follows when they carry a Location. */
const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** Whether `status` is one fetch follows (with a Location). */
export function isRedirect(status: number): boolean {
  return REDIRECTS.has(status);
}

/** A redirect the ingress fetch received. */
export interface Redirect {
  /** Where the request went: the gateway's address and the path, such as `http://127.0.0.1:8080/openai/v1/models`. */
  url: string;
  /** The virtual host it presented (Host, SNI): `iris.kserve-test.example.com`. */
  host: string;
  status: number;
  /** The Location header as the server sent it: absolute, or relative to the request's URL. */
  location: string;
  method: string;
}

/** What to do about a {@link Redirect}. */
export type RedirectStep =
  /** Send the next request to `url` (on the same gateway, with the same host) with `method`; `dropBody`: send none. */
  | { follow: true; url: string; method: string; dropBody: boolean }
  /** Not followed: `reason` says why, to end a sentence such as "redirected to X: <reason>". */
  | { follow: false; reason: string };

/**
 * Follow `redirect` or not. A Location is read against the URL the server saw (the virtual host with the
 * request's path), so `/v1/x` and `http://<host>/v1/x` both stay on the host, and so does the gateway's own
 * address. The next request goes to the gateway again. Anything else (another host, the host under another
 * scheme or port) is not followed.
 */
export function redirectStep(redirect: Redirect): RedirectStep {
  const sent = new URL(redirect.url);
  const seen = new URL(`${sent.protocol}//${redirect.host}${sent.pathname}${sent.search}`);
  let target: URL;
  try {
    target = new URL(redirect.location, seen);
  } catch {
    return { follow: false, reason: "its Location is not a URL" };
  }
  if (target.origin !== seen.origin && target.origin !== sent.origin) {
    return {
      follow: false,
      reason:
        target.hostname === seen.hostname
          ? `another scheme or port than ${seen.origin}, which this fetch does not know the gateway's address for`
          : `another host than ${redirect.host}, where the request's credentials must not go`,
    };
  }
  // 303 turns anything but GET and HEAD into a GET; 301 and 302 turn a POST into one (as browsers always did).
  const toGet =
    (redirect.status === 303 && redirect.method !== "GET" && redirect.method !== "HEAD") ||
    ((redirect.status === 301 || redirect.status === 302) && redirect.method === "POST");
  return {
    follow: true,
    url: `${sent.origin}${target.pathname}${target.search}`,
    method: toGet ? "GET" : redirect.method,
    dropBody: toGet,
  };
}
