/**
 * Credentials in what a server says back (src/internal/secrets.ts), as pure functions: which header values are
 * credentials, the forms a server may echo them in, and scrubbing them out of text. test/security/credentials.test.ts
 * checks the same end to end, against servers that echo what they were sent.
 */
import { describe, expect, it } from "vitest";
import { CREDENTIAL_HEADERS, echoForms, scrubSecrets, sentCredentials } from "../../src/internal/secrets.js";

const basic = (pair: string) => Buffer.from(pair, "utf8").toString("base64");

describe("CREDENTIAL_HEADERS", () => {
  it("names the headers whose values are credentials, in lower case", () => {
    expect([...CREDENTIAL_HEADERS]).toEqual([
      "authorization",
      "proxy-authorization",
      "cookie",
      "set-cookie",
      "x-api-key",
      "api-key",
    ]);
  });
});

describe("sentCredentials", () => {
  it.each(["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key"])(
    "takes the value of %s, whatever the case of its name",
    (name) => {
      expect(sentCredentials([[name, "value-1"]])).toEqual(["value-1"]);
      expect(sentCredentials([[name.toUpperCase(), "value-2"]])).toEqual(["value-2"]);
    },
  );

  it("leaves other headers out", () => {
    expect(
      sentCredentials([
        ["content-type", "application/json"],
        ["x-request-id", "0f3a-77"],
        ["x-model-token", "mt-SECRET"],
      ]),
    ).toEqual([]);
    expect(sentCredentials([])).toEqual([]);
  });

  it("takes the headers named in alsoSecret too, matching names in any case, besides the usual ones", () => {
    const headers: [string, string][] = [
      ["X-Model-Token", "mt-SECRET"],
      ["x-tenant", "tenant-SECRET"],
      ["x-api-key", "key-SECRET"],
      ["x-request-id", "0f3a-77"],
    ];
    expect(sentCredentials(headers, ["x-MODEL-token", "X-TENANT"])).toEqual([
      "mt-SECRET",
      "tenant-SECRET",
      "key-SECRET",
    ]);
    expect(sentCredentials(headers, new Set(["x-model-token"]))).toEqual(["mt-SECRET", "key-SECRET"]);
  });

  it("reads a Headers object, whose names are lower case", () => {
    const headers = new Headers({ Authorization: "Bearer abcd-1", "X-Api-Key": "key-SECRET", Accept: "text/plain" });
    expect(sentCredentials(headers)).toEqual(["Bearer abcd-1", "abcd-1", "key-SECRET"]);
  });

  it("takes the token of a Bearer, Digest or Token value as well as the whole value, in any case of the scheme", () => {
    expect(sentCredentials([["authorization", "Bearer tok-SECRET"]])).toEqual(["Bearer tok-SECRET", "tok-SECRET"]);
    expect(sentCredentials([["authorization", "bearer tok-SECRET"]])).toEqual(["bearer tok-SECRET", "tok-SECRET"]);
    expect(sentCredentials([["authorization", "TOKEN tok-SECRET"]])).toEqual(["TOKEN tok-SECRET", "tok-SECRET"]);
    expect(sentCredentials([["authorization", 'Digest username="svc", response="6629fae4"']])).toEqual([
      'Digest username="svc", response="6629fae4"',
      'username="svc", response="6629fae4"',
    ]);
  });

  it("takes the token after any run of white space, and everything after it to the end", () => {
    expect(sentCredentials([["authorization", "Bearer  two-spaces"]])).toEqual(["Bearer  two-spaces", "two-spaces"]);
    expect(sentCredentials([["authorization", "Bearer\tabcd efgh"]])).toEqual(["Bearer\tabcd efgh", "abcd efgh"]);
  });

  it("finds a scheme only at the start of the value, and only with a token after it", () => {
    expect(sentCredentials([["authorization", "xBearer abcd"]])).toEqual(["xBearer abcd"]);
    expect(sentCredentials([["authorization", "Bearerabcd"]])).toEqual(["Bearerabcd"]);
    expect(sentCredentials([["authorization", "Bearer "]])).toEqual(["Bearer "]);
    expect(sentCredentials([["authorization", "Negotiate abcd"]])).toEqual(["Negotiate abcd"]);
  });

  it("for Basic, also takes the decoded user:password and the password alone", () => {
    const token = basic("svc:pw-SECRET");
    expect(sentCredentials([["Authorization", `Basic ${token}`]])).toEqual([
      `Basic ${token}`,
      token,
      "svc:pw-SECRET",
      "pw-SECRET",
    ]);
    const lower = basic("user:pa:ss");
    expect(sentCredentials([["authorization", `basic ${lower}`]])).toEqual([
      `basic ${lower}`,
      lower,
      "user:pa:ss",
      "pa:ss",
    ]);
  });

  it("decodes Basic as UTF-8", () => {
    const token = basic("jörg:pässwörd");
    expect(sentCredentials([["authorization", `Basic ${token}`]])).toEqual([
      `Basic ${token}`,
      token,
      "jörg:pässwörd",
      "pässwörd",
    ]);
  });

  it("takes a Basic pair without a colon once, as the whole decoded text", () => {
    const token = basic("only-a-password");
    expect(sentCredentials([["authorization", `Basic ${token}`]])).toEqual([
      `Basic ${token}`,
      token,
      "only-a-password",
    ]);
  });

  it("keeps the token of a Basic value that is not base64, and nothing decoded", () => {
    expect(sentCredentials([["authorization", "Basic not*base64!"]])).toEqual(["Basic not*base64!", "not*base64!"]);
  });

  it("does not decode the token of another scheme", () => {
    const token = basic("svc:pw-SECRET");
    expect(sentCredentials([["authorization", `Bearer ${token}`]])).toEqual([`Bearer ${token}`, token]);
  });

  it("leaves out values shorter than 4 characters, keeps those of 4", () => {
    expect(sentCredentials([["x-api-key", "abc"]])).toEqual([]);
    expect(sentCredentials([["x-api-key", "abcd"]])).toEqual(["abcd"]);
    expect(sentCredentials([["x-api-key", ""]])).toEqual([]);
    expect(sentCredentials([["authorization", "Bearer abc"]])).toEqual(["Bearer abc"]);
    expect(sentCredentials([["authorization", "Bearer abcd"]])).toEqual(["Bearer abcd", "abcd"]);
    // "a:bc" decodes from "YTpiYw==": the pair has 4 characters, the password 2
    expect(sentCredentials([["authorization", "Basic YTpiYw=="]])).toEqual(["Basic YTpiYw==", "YTpiYw==", "a:bc"]);
  });

  it("lists each value once", () => {
    expect(
      sentCredentials([
        ["authorization", "Bearer abcd"],
        ["proxy-authorization", "Bearer abcd"],
        ["x-api-key", "abcd"],
      ]),
    ).toEqual(["Bearer abcd", "abcd"]);
  });
});

describe("scrubSecrets", () => {
  it("replaces every occurrence of each secret", () => {
    expect(scrubSecrets("abcd, then abcd and wxyz.", ["abcd", "wxyz"])).toBe(
      "[redacted], then [redacted] and [redacted].",
    );
  });

  it("replaces the longer secret first, so that no part of a longer one is left", () => {
    const text = "rejected: Bearer tok-1234";
    expect(scrubSecrets(text, ["tok-1234", "Bearer tok-1234"])).toBe("rejected: [redacted]");
    expect(scrubSecrets(text, ["Bearer tok-1234", "tok-1234"])).toBe("rejected: [redacted]");
    expect(scrubSecrets("a svc:pw-1234 b pw-1234", ["pw-1234", "svc:pw-1234"])).toBe("a [redacted] b [redacted]");
  });

  it("leaves text without secrets, or with none to scrub, as it is", () => {
    expect(scrubSecrets("nothing to hide", ["abcd"])).toBe("nothing to hide");
    expect(scrubSecrets("abcd", [])).toBe("abcd");
  });

  it("does not reorder the caller's list", () => {
    const secrets = ["abcd", "Bearer abcd"];
    scrubSecrets("Bearer abcd", secrets);
    expect(secrets).toEqual(["abcd", "Bearer abcd"]);
  });
});

describe("echoForms", () => {
  it("is the secret alone when every writer writes it as it is", () => {
    expect(echoForms(["plain-Token_1234.~"])).toEqual(["plain-Token_1234.~"]);
    expect(echoForms([])).toEqual([]);
  });

  it("adds a JSON string's \\\" and \\\\, the \\/ some servers write, and the percent-encoded form", () => {
    expect(echoForms(['key"SECRET/55e0'])).toEqual([
      'key"SECRET/55e0',
      String.raw`key\"SECRET/55e0`,
      String.raw`key\"SECRET\/55e0`,
      "key%22SECRET%2F55e0",
    ]);
    expect(echoForms(["back\\slash"])).toEqual(["back\\slash", String.raw`back\\slash`, "back%5Cslash"]);
  });

  it("adds non-ASCII and <>& as \\u escapes, in lower and upper case hex", () => {
    expect(echoForms(["pä<s>&ß€"])).toEqual([
      "pä<s>&ß€",
      String.raw`p\u00e4\u003cs\u003e\u0026\u00df\u20ac`,
      String.raw`p\u00E4\u003Cs\u003E\u0026\u00DF\u20AC`,
      "p%C3%A4%3Cs%3E%26%C3%9F%E2%82%AC",
    ]);
  });

  it("escapes DEL but not the printable ASCII around it, nor a space", () => {
    expect(echoForms(["a ~\x7f"])).toEqual(["a ~\x7f", String.raw`a ~\u007f`, String.raw`a ~\u007F`, "a%20~%7F"]);
  });

  it("writes control characters as JSON does", () => {
    expect(echoForms(["a\tb\u0001c"])).toEqual(["a\tb\u0001c", String.raw`a\tb\u0001c`, "a%09b%01c"]);
  });

  it("escapes each half of a surrogate pair", () => {
    expect(echoForms(["key🔑"])).toEqual([
      "key🔑",
      String.raw`key\ud83d\udd11`,
      String.raw`key\uD83D\uDD11`,
      "key%F0%9F%94%91",
    ]);
  });

  it("skips the percent-encoded form of a lone surrogate, which has none", () => {
    expect(echoForms(["ab\ud800cd"])).toEqual(["ab\ud800cd", String.raw`ab\ud800cd`, String.raw`ab\uD800cd`]);
  });

  it("lists the secrets themselves first, then each one's forms", () => {
    expect(echoForms(["a/bc", "dé"])).toEqual([
      "a/bc",
      "dé",
      String.raw`a\/bc`,
      "a%2Fbc",
      String.raw`d\u00e9`,
      String.raw`d\u00E9`,
      "d%C3%A9",
    ]);
  });

  it("gives forms that scrubSecrets takes out of a JSON answer", () => {
    const secret = 'pw"ä/1';
    const body = JSON.stringify({ error: `rejected ${secret}` }).replace(/\//g, "\\/");
    expect(scrubSecrets(body, echoForms([secret]))).toBe('{"error":"rejected [redacted]"}');
  });
});
