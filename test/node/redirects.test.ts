/** The ingress fetch's redirect policy on its own: stay on the virtual host, change method and body as fetch does. */
import { describe, expect, it } from "vitest";
import { isRedirect, type Redirect, redirectStep } from "../../src/node/redirects.js";

const HOST = "qwen.kserve-test.example.com";
const at = (location: string, extra: Partial<Redirect> = {}): Redirect => ({
  url: "http://127.0.0.1:8080/openai/v1/chat/completions?x=1",
  host: HOST,
  status: 307,
  location,
  method: "POST",
  ...extra,
});

describe("redirectStep", () => {
  it.each([
    ["a path", "/openai/v1/completions", "http://127.0.0.1:8080/openai/v1/completions"],
    ["a relative path", "models?y=2", "http://127.0.0.1:8080/openai/v1/chat/models?y=2"],
    ["the host itself", `http://${HOST}/openai/v1/models`, "http://127.0.0.1:8080/openai/v1/models"],
    ["the gateway's own address", "http://127.0.0.1:8080/v2", "http://127.0.0.1:8080/v2"],
  ])("follows %s, on the gateway, dropping a fragment", (_, location, url) => {
    expect(redirectStep(at(`${location}#frag`))).toEqual({ follow: true, url, method: "POST", dropBody: false });
  });

  it("keeps a host's port: the Location must name it the same way", () => {
    const withPort = at(`http://${HOST}:8443/x`, { host: `${HOST}:8443` });
    expect(redirectStep(withPort)).toMatchObject({ follow: true, url: "http://127.0.0.1:8080/x" });
    expect(redirectStep(at(`http://${HOST}:8443/x`))).toMatchObject({ follow: false });
  });

  it.each([
    ["another host", "http://attacker.example.com/steal", `another host than ${HOST}`],
    ["another port of the gateway's address", "http://127.0.0.1:9090/x", `another host than ${HOST}`],
    ["the host over https", `https://${HOST}/x`, "another scheme or port"],
    ["a Location that is not a URL", "http://[bad", "its Location is not a URL"],
  ])("does not follow %s", (_, location, reason) => {
    const step = redirectStep(at(location));
    expect(step.follow).toBe(false);
    expect(step.follow === false && step.reason).toContain(reason);
  });

  it.each([
    [303, "POST", "GET", true],
    [303, "PUT", "GET", true],
    [303, "HEAD", "HEAD", false],
    [303, "GET", "GET", false],
    [301, "POST", "GET", true],
    [302, "POST", "GET", true],
    [302, "PUT", "PUT", false],
    [307, "POST", "POST", false],
    [308, "POST", "POST", false],
  ])("%i after %s: the next request is a %s (body dropped: %s)", (status, method, next, dropBody) => {
    expect(redirectStep(at("/y", { status, method }))).toMatchObject({ method: next, dropBody });
  });

  it("isRedirect: the statuses fetch follows", () => {
    expect([300, 301, 302, 303, 304, 305, 307, 308].filter(isRedirect)).toEqual([301, 302, 303, 307, 308]);
  });
});
