/**
 * Bad caller input to `kserve-client/deploy`: the inferenceService() builder (builder.ts), manifests checked by
 * parseInferenceService / toYaml / toJson (schema.ts), s3Credentials (credentials.ts) and resolveEndpoint
 * (endpoint.ts). An InferenceServiceValidationError lists every problem as `path: expected …, got …`; its
 * `details` point at the first one.
 */
import { describe, expect, it } from "vitest";
import {
  type InferenceServiceInput,
  InferenceServiceValidationError,
  inferenceService,
  parseInferenceService,
  type ProblemDetails,
  resolveEndpoint,
  s3Credentials,
  toJson,
  toYaml,
} from "kserve-client/deploy";
import { caughtSync, expectInvalid, type Said } from "./expect.js";

const VALID = "a valid serving.kserve.io/v1beta1 InferenceService";
const manifest = (spec: unknown, name = "iris") => ({
  apiVersion: "serving.kserve.io/v1beta1",
  kind: "InferenceService",
  metadata: { name },
  spec,
});

type IsvcCase = [label: string, fn: () => unknown, problems: { path: string; message: string }[], said?: Said];

describe("InferenceService manifests (builder.ts, schema.ts)", () => {
  it.each<IsvcCase>([
    // builder.ts: the input is not an object
    [
      "inferenceService(null)",
      () => inferenceService(null as never),
      [{ path: "", message: "inferenceService() takes an object such as { name, predictor }, got null" }],
      { path: "(root)" },
    ],
    [
      'inferenceService("iris")',
      () => inferenceService("iris" as never),
      [{ path: "", message: 'inferenceService() takes an object such as { name, predictor }, got "iris"' }],
      { path: "(root)" },
    ],
    // builder.ts: options it does not take
    [
      "a predictor setting at the top",
      () =>
        inferenceService({
          name: "iris",
          predictor: { model: { modelFormat: { name: "sklearn" } } },
          minReplicas: 1,
        } as InferenceServiceInput),
      [
        {
          path: "minReplicas",
          message:
            "is not an option: inferenceService() takes name, namespace, labels, annotations, predictor; predictor settings such as minReplicas go inside predictor",
        },
      ],
    ],
    // schema.ts parseInferenceService (through each public entry): every problem, in manifest order
    [
      "inferenceService() with a bad name and a string count",
      () =>
        inferenceService({
          name: "Bad_Name",
          predictor: { minReplicas: "1", model: { modelFormat: { name: "sklearn" } } },
        } as never),
      [
        {
          path: "metadata.name",
          message: expect.stringContaining('must be lower case, "Bad_Name" has upper-case letters') as never,
        },
        { path: "spec.predictor.minReplicas", message: 'expected an integer, got "1"' },
      ],
    ],
    [
      "parseInferenceService with a number as storageUri",
      () => parseInferenceService(manifest({ predictor: { sklearn: { storageUri: 5 } } })),
      [
        {
          path: "spec.predictor.sklearn.storageUri",
          message: 'expected a string, got number 5 (quote it in YAML: "…")',
        },
      ],
      { tensor: '"iris"' },
    ],
    [
      "toYaml of a manifest with the wrong apiVersion and no predictor",
      () => toYaml({ ...manifest({}), apiVersion: "v1" } as never),
      [
        { path: "apiVersion", message: 'expected "serving.kserve.io/v1beta1", got "v1"' },
        { path: "spec.predictor", message: "is required" },
      ],
    ],
    [
      "toJson of a manifest with an unknown protocolVersion",
      () =>
        toJson(
          manifest({ predictor: { model: { modelFormat: { name: "sklearn" }, protocolVersion: "v3" } } }) as never,
        ),
      [
        {
          path: "spec.predictor.model.protocolVersion",
          message: expect.stringMatching(/^expected .*"v2".*, got "v3"$/) as never,
        },
      ],
    ],
  ])("%s", (_label, fn, problems, said) => {
    const error = caughtSync(fn);
    expect(error).toBeInstanceOf(InferenceServiceValidationError);
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    // The header names the count; each problem line names its path and says what was expected and what was got.
    const e = expectInvalid(
      error,
      { path: problems[0]!.path, expected: VALID, received: count },
      { expected: "is not valid", ...said },
    );
    expect((e as InferenceServiceValidationError).problems).toEqual(problems);
    for (const problem of (e as InferenceServiceValidationError).problems) {
      expect(e.message).toContain(`  ${problem.path || "(root)"}: ${problem.message}`);
    }
  });
});

describe("s3Credentials (credentials.ts)", () => {
  const good = { name: "s3-reader", accessKeyId: "AKIA", secretAccessKey: "secret" };
  type Case = [label: string, input: object, details: ProblemDetails, line: string];
  it.each<Case>([
    [
      "a name with upper case",
      { ...good, name: "S3_Reader" },
      { path: "name", expected: "a DNS-1123 subdomain", received: '"S3_Reader"' },
      'name: "S3_Reader" is not a DNS subdomain',
    ],
    [
      "a number as name",
      { ...good, name: 5 },
      { path: "name", expected: "a DNS-1123 subdomain", received: "number" },
      "name: must be a string (expected a DNS-1123 subdomain, got number)",
    ],
    [
      "a namespace with a dot",
      { ...good, namespace: "a.b" },
      { path: "namespace", expected: "a DNS-1123 label", received: '"a.b"' },
      'namespace: must not contain "."',
    ],
    [
      "an empty accessKeyId",
      { ...good, accessKeyId: "" },
      { path: "accessKeyId", expected: "a non-empty string", received: "an empty string" },
      "accessKeyId: is empty (expected a non-empty string, got an empty string)",
    ],
    [
      "a missing secretAccessKey",
      { ...good, secretAccessKey: undefined },
      { path: "secretAccessKey", expected: "a non-empty string", received: "undefined" },
      "secretAccessKey: must be a string",
    ],
    [
      "an endpoint with a scheme",
      { ...good, endpoint: "https://minio:9000" },
      { path: "endpoint", expected: "host[:port] without a scheme", received: '"https://minio:9000"' },
      "endpoint: has a scheme",
    ],
    [
      "an empty endpoint",
      { ...good, endpoint: "" },
      { path: "endpoint", expected: "host[:port] without a scheme", received: '""' },
      "endpoint: is empty",
    ],
  ])("%s", (_label, input, details, line) => {
    const error = expectInvalid(
      caughtSync(() => s3Credentials(input as never)),
      details,
    );
    expect(error.message).toContain(`\n${line}`);
  });

  it("never shows a key's value", () => {
    const error = expectInvalid(
      caughtSync(() => s3Credentials({ ...good, name: "", secretAccessKey: 12345 as never })),
      {
        path: "name",
        expected: "a DNS-1123 subdomain",
        received: '""',
      },
    );
    expect(error.message).toContain("secretAccessKey: must be a string (expected a non-empty string, got number)");
    expect(error.message).not.toContain("12345");
    expect(error.message).not.toContain("AKIA");
  });
});

describe("resolveEndpoint (endpoint.ts)", () => {
  type Case = [label: string, fn: () => unknown, details: ProblemDetails, said?: Said];
  it.each<Case>([
    // endpoint.ts statusUrlOf: no status.url yet
    [
      "no status",
      () => resolveEndpoint({ metadata: { name: "iris" } }),
      { path: "status.url", expected: "the URL KServe reports", received: "nothing" },
    ],
    [
      "an empty status.url",
      () => resolveEndpoint({ status: { url: "" } }),
      { path: "status.url", expected: "the URL KServe reports", received: '""' },
    ],
    // endpoint.ts parseStatusUrl: not a URL, not http(s), a query or fragment
    [
      "a host without a scheme",
      () => resolveEndpoint("iris.example.com"),
      { path: "status.url", expected: "an http(s) URL", received: '"iris.example.com"' },
    ],
    [
      "a grpc:// URL",
      () => resolveEndpoint({ status: { url: "grpc://iris.example.com" } }),
      { path: "status.url", expected: "an http(s) URL", received: '"grpc://iris.example.com"' },
    ],
    [
      "a query",
      () => resolveEndpoint("http://iris.example.com/?x=1"),
      { path: "status.url", expected: "an http(s) URL", received: '"http://iris.example.com/?x=1"' },
    ],
  ])("%s", (_label, fn, details, said) => {
    expectInvalid(caughtSync(fn), details, said);
  });
});
