/** resolveEndpoint / describeHost on status objects as KServe writes them, Knative, Standard and path-based. */
import { describe, expect, it } from "vitest";
import { ConfigError, describeHost, resolveEndpoint, ValidationError } from "../../src/deploy/index.js";
import { thrown } from "../helpers.js";
import { knativeIsvc, pathBasedStatus, standardStatus } from "./status-objects.js";

const names = { name: "sklearn-iris", namespace: "kserve-test" };
const ingress = "http://127.0.0.1:8080";

describe("resolveEndpoint", () => {
  it("Knative: status.url as it is, or the gateway with the host to present", () => {
    expect(resolveEndpoint(knativeIsvc)).toEqual({
      baseUrl: "http://sklearn-iris.kserve-test.example.com",
      url: "http://sklearn-iris.kserve-test.example.com",
    });
    expect(resolveEndpoint(knativeIsvc, { ingress })).toEqual({
      baseUrl: "http://127.0.0.1:8080",
      host: "sklearn-iris.kserve-test.example.com",
      url: "http://sklearn-iris.kserve-test.example.com",
    });
  });

  it("Standard: the {name}-{namespace} host", () => {
    const isvc = { metadata: knativeIsvc.metadata, status: standardStatus };
    expect(resolveEndpoint(isvc, { ingress })).toEqual({
      baseUrl: "http://127.0.0.1:8080",
      host: "sklearn-iris-kserve-test.example.com",
      url: standardStatus.url,
    });
  });

  it("path-based routing: the path prefix stays in baseUrl, the host is the ingress domain", () => {
    const isvc = { metadata: knativeIsvc.metadata, status: pathBasedStatus };
    expect(resolveEndpoint(isvc)).toEqual({
      baseUrl: "http://example.com/serving/kserve-test/sklearn-iris",
      pathPrefix: "/serving/kserve-test/sklearn-iris",
      url: "http://example.com/serving/kserve-test/sklearn-iris",
    });
    expect(resolveEndpoint(isvc, { ingress: "http://localhost:31380/" })).toEqual({
      baseUrl: "http://localhost:31380/serving/kserve-test/sklearn-iris",
      host: "example.com",
      pathPrefix: "/serving/kserve-test/sklearn-iris",
      url: "http://example.com/serving/kserve-test/sklearn-iris",
    });
  });

  it("takes status.url as a string, keeps https and non-default ports in the host, and drops a trailing slash", () => {
    expect(resolveEndpoint("https://iris.models.example.com/", {})).toEqual({
      baseUrl: "https://iris.models.example.com",
      url: "https://iris.models.example.com/",
    });
    expect(
      resolveEndpoint("https://iris.models.example.com:8443/prefix/", { ingress: "https://gateway.example.com" }),
    ).toEqual({
      baseUrl: "https://gateway.example.com/prefix",
      host: "iris.models.example.com:8443",
      pathPrefix: "/prefix",
      url: "https://iris.models.example.com:8443/prefix/",
    });
    expect(resolveEndpoint("https://iris.example.com:443", { ingress }).host).toBe("iris.example.com");
  });

  it("says to wait for Ready when status.url is missing", () => {
    for (const isvc of [
      { metadata: { name: "iris" } },
      { metadata: { name: "iris" }, status: {} },
      { metadata: { name: "iris" }, status: { url: "" } },
    ]) {
      const error = thrown(ValidationError, () => resolveEndpoint(isvc, { ingress }));
      expect(error.message).toMatch(
        /^\[invalid_argument\] InferenceService "iris" has no status\.url yet \(expected the URL KServe reports, got (nothing|"")\): wait for its Ready condition \(KServe sets status\.url once the ingress is configured\), then resolve the endpoint\.$/,
      );
      expect(error.details.path).toBe("status.url");
    }
    expect(thrown(ValidationError, () => resolveEndpoint({})).message).toMatch(
      /^\[invalid_argument\] The InferenceService has no status.url yet/,
    );
  });

  it.each([
    ["sklearn-iris.kserve-test.example.com", "is not a URL"],
    ["grpc://iris.example.com", "is not an http(s) URL"],
    ["http://iris.example.com/?x=1", "has a query or fragment"],
    ["http://iris.example.com/#top", "has a query or fragment"],
  ])("refuses the status.url %j", (url, reason) => {
    const error = thrown(ValidationError, () => resolveEndpoint({ status: { url } }));
    const because = `${reason}${reason.endsWith("fragment") ? ", so endpoint paths cannot be appended to it" : ""}`;
    expect(error.message).toBe(
      `[invalid_argument] status.url ${JSON.stringify(url)} ${because}: expected an http(s) URL, got ${JSON.stringify(url)}.`,
    );
  });

  it.each([
    ["127.0.0.1:8080", "must be the gateway's address"],
    ["localhost:8080", "must be an http(s) URL"],
    ["localhost", "must be the gateway's address"],
    ["ftp://gateway", "must be an http(s) URL"],
    ["http://gateway/prefix", "is the gateway's origin only"],
    ["http://gateway/?a=1", "is the gateway's origin only"],
    ["http://user:pw@gateway", "must not carry credentials"],
  ])("refuses the ingress %j with a ConfigError", (bad, reason) => {
    const error = thrown(ConfigError, () => resolveEndpoint(knativeIsvc, { ingress: bad }));
    expect(error.message).toContain(`ingress ${reason}`);
  });
});

describe("describeHost", () => {
  it("recognises Knative's {name}.{namespace}.{domain}", () => {
    expect(describeHost("sklearn-iris.kserve-test.example.com", names)).toEqual({
      pattern: "knative",
      domain: "example.com",
    });
    expect(describeHost("Sklearn-Iris.kserve-test.models.corp.internal:8080", names)).toEqual({
      pattern: "knative",
      domain: "models.corp.internal",
    });
  });

  it("recognises Standard's {name}-{namespace}.{domain}", () => {
    expect(describeHost(new URL(standardStatus.url).host, names)).toEqual({
      pattern: "standard",
      domain: "example.com",
    });
  });

  it("says other for custom templates, path-based ingress domains, other names and bare prefixes", () => {
    expect(describeHost("example.com", names)).toEqual({ pattern: "other" });
    expect(describeHost("iris.kserve-test.example.com", names)).toEqual({ pattern: "other" });
    expect(describeHost("sklearn-iris-predictor-kserve-test.example.com", names)).toEqual({ pattern: "other" });
    expect(describeHost("sklearn-iris.kserve-test.", names)).toEqual({ pattern: "other" });
  });
});
