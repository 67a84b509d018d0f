/**
 * Storage credentials the way KServe reads them: a Secret with the S3 keys and KServe's S3 annotations, and a
 * ServiceAccount that lists it. An InferenceService names the ServiceAccount (`serviceAccountName`), and KServe's
 * storage initializer takes the keys from the Secret to download the model.
 */
import { ValidationError } from "../core/errors.js";
import { dns1123LabelProblem, dns1123SubdomainProblem } from "./names.js";

/** Input of {@link s3Credentials}. */
export interface S3CredentialsInput {
  /** Name of the Secret and the ServiceAccount (both get it). */
  name: string;
  namespace?: string | undefined;
  accessKeyId: string;
  secretAccessKey: string;
  /** S3 endpoint host[:port] without scheme, e.g. `minio.minio:9000` (annotation `serving.kserve.io/s3-endpoint`). */
  endpoint?: string | undefined;
  region?: string | undefined;
  /** Reach the endpoint over https (default true). */
  useHttps?: boolean | undefined;
  /** Check the endpoint's certificate (default true). */
  verifySsl?: boolean | undefined;
}

/** A core/v1 Secret and ServiceAccount, ready to apply (or to print for GitOps). */
export interface StorageCredentials {
  secret: {
    apiVersion: "v1";
    kind: "Secret";
    metadata: { name: string; namespace?: string; annotations: Record<string, string> };
    type: "Opaque";
    stringData: Record<string, string>;
  };
  serviceAccount: {
    apiVersion: "v1";
    kind: "ServiceAccount";
    metadata: { name: string; namespace?: string };
    secrets: { name: string }[];
  };
}

/**
 * S3 credentials for KServe's storage initializer: a Secret holding `AWS_ACCESS_KEY_ID` and
 * `AWS_SECRET_ACCESS_KEY` with the `serving.kserve.io/s3-*` annotations, and a ServiceAccount of the same name
 * that lists it. Set the InferenceService's `serviceAccountName` to `name`.
 *
 * @example
 * ```ts
 * const creds = s3Credentials({ name: "s3-reader", namespace: "ml", accessKeyId: "…", secretAccessKey: "…", endpoint: "minio.minio:9000", useHttps: false });
 * ```
 * @throws {ValidationError} listing every problem (name rules, empty keys, an endpoint with a scheme)
 */
export function s3Credentials(input: S3CredentialsInput): StorageCredentials {
  const problems: { path: string; problem: string; expected: string; received: string }[] = [];
  const add = (path: string, problem: string | undefined, expected: string, received: string) => {
    if (problem !== undefined) problems.push({ path, problem, expected, received });
  };
  add(
    "name",
    typeof input.name === "string" ? dns1123SubdomainProblem(input.name) : "must be a string",
    "a DNS-1123 subdomain",
    shown(input.name),
  );
  if (input.namespace !== undefined) {
    add(
      "namespace",
      typeof input.namespace === "string" ? dns1123LabelProblem(input.namespace) : "must be a string",
      "a DNS-1123 label",
      shown(input.namespace),
    );
  }
  // The keys are secrets: their kind is shown, never their value.
  for (const key of ["accessKeyId", "secretAccessKey"] as const) {
    const value: unknown = input[key];
    if (typeof value !== "string" || value === "")
      add(
        key,
        value === "" ? "is empty" : "must be a string",
        "a non-empty string",
        value === "" ? "an empty string" : value === null ? "null" : typeof value,
      );
  }
  if (input.endpoint !== undefined && (input.endpoint === "" || /^[a-z]+:\/\//i.test(input.endpoint))) {
    add(
      "endpoint",
      input.endpoint === "" ? "is empty" : "has a scheme; KServe adds it from useHttps",
      "host[:port] without a scheme",
      JSON.stringify(input.endpoint),
    );
  }
  if (problems.length > 0) {
    const lines = problems.map((p) => `${p.path}: ${p.problem} (expected ${p.expected}, got ${p.received})`);
    const { path, expected, received } = problems[0]!;
    throw new ValidationError(`Invalid S3 credentials:\n${lines.join("\n")}`, { path, expected, received });
  }

  const annotations: Record<string, string> = {};
  if (input.endpoint !== undefined) annotations["serving.kserve.io/s3-endpoint"] = input.endpoint;
  if (input.useHttps !== undefined) annotations["serving.kserve.io/s3-usehttps"] = input.useHttps ? "1" : "0";
  if (input.verifySsl !== undefined) annotations["serving.kserve.io/s3-verifyssl"] = input.verifySsl ? "1" : "0";
  if (input.region !== undefined) annotations["serving.kserve.io/s3-region"] = input.region;
  const metadata = { name: input.name, ...(input.namespace === undefined ? {} : { namespace: input.namespace }) };
  return {
    secret: {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { ...metadata, annotations },
      type: "Opaque",
      stringData: { AWS_ACCESS_KEY_ID: input.accessKeyId, AWS_SECRET_ACCESS_KEY: input.secretAccessKey },
    },
    serviceAccount: { apiVersion: "v1", kind: "ServiceAccount", metadata, secrets: [{ name: input.name }] },
  };
}

/** A name as messages show it: strings quoted, anything else by its kind. */
function shown(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : value === null ? "null" : typeof value;
}
