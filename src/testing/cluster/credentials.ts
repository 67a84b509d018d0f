/// <reference types="node" />
/**
 * Storage credentials the way KServe finds them for a predictor pod: the InferenceService's ServiceAccount
 * (`default` unless `serviceAccountName` says otherwise) lists Secrets; each Secret holding the S3 secret key
 * (`AWS_SECRET_ACCESS_KEY`) contributes the keys and its `serving.kserve.io/s3-*` annotations, later ones winning
 * (KServe's credential builder). What cannot work already fails at pod creation: a missing ServiceAccount (the
 * ServiceAccount admission plugin) or a listed Secret that does not exist (KServe's pod mutator).
 */
import type { KubeStore } from "../kube/index.js";
import type { S3ClientConfig } from "./s3.js";

/** The credentials for the storage initializer, or why the pod cannot be created (a FailedCreate message's cause). */
export type PodCredentials = { ok: true; s3: S3ClientConfig } | { ok: false; cause: PodCreationCause };

/** Why the ReplicaSet cannot create the predictor pod. */
export type PodCreationCause =
  | { kind: "serviceAccountMissing"; serviceAccount: string }
  | { kind: "secretMissing"; secret: string };

const S3_SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
const S3_ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
const ENDPOINT_ANNOTATION = "serving.kserve.io/s3-endpoint";
const USE_HTTPS_ANNOTATION = "serving.kserve.io/s3-usehttps";
const ANONYMOUS_ANNOTATION = "serving.kserve.io/s3-useanoncredential";

/**
 * The storage credentials of a pod running as `serviceAccountName` in `namespace`. Secrets are looked at only
 * when the predictor has a storage URI (KServe injects credentials together with the storage initializer).
 */
export function podCredentials(
  store: KubeStore,
  namespace: string,
  serviceAccountName: string | undefined,
  withStorage: boolean,
): PodCredentials {
  const serviceAccount = serviceAccountName || "default";
  const account = store.find("serviceaccounts", { namespace, name: serviceAccount });
  if (account === undefined) return { ok: false, cause: { kind: "serviceAccountMissing", serviceAccount } };
  const s3: S3ClientConfig = { useHttps: true, anonymous: false };
  if (!withStorage) return { ok: true, s3 };
  for (const ref of secretRefs(account["secrets"])) {
    const secret = store.find("secrets", { namespace, name: ref });
    if (secret === undefined) return { ok: false, cause: { kind: "secretMissing", secret: ref } };
    const data = stringRecord(secret["data"]);
    if (data[S3_SECRET_ACCESS_KEY] === undefined) continue; // not an S3 secret: KServe skips it
    const annotations = secret.metadata.annotations ?? {};
    s3.accessKeyId = decode(data[S3_ACCESS_KEY_ID]);
    s3.secretAccessKey = decode(data[S3_SECRET_ACCESS_KEY]);
    // Settings come as environment variables that only annotated Secrets set; a later Secret overrides them.
    if (annotations[ENDPOINT_ANNOTATION] !== undefined) s3.endpoint = annotations[ENDPOINT_ANNOTATION];
    if (annotations[USE_HTTPS_ANNOTATION] !== undefined) s3.useHttps = annotations[USE_HTTPS_ANNOTATION] !== "0";
    if (annotations[ANONYMOUS_ANNOTATION] !== undefined) s3.anonymous = annotations[ANONYMOUS_ANNOTATION] === "true";
  }
  return { ok: true, s3 };
}

/** The names in a ServiceAccount's `secrets: [{ name }]`. */
function secretRefs(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((ref: unknown) => {
    const name = (ref as { name?: unknown } | null)?.name;
    return typeof name === "string" && name !== "" ? [name] : [];
  });
}

function stringRecord(value: unknown): Record<string, string | undefined> {
  return typeof value === "object" && value !== null ? (value as Record<string, string | undefined>) : {};
}

/** A Secret's `data` value (base64, as the API stores it) as text. */
function decode(value: string | undefined): string | undefined {
  return value === undefined ? undefined : Buffer.from(value, "base64").toString("utf8");
}
