/**
 * The mock S3 service behind `s3://` storage URIs: buckets configured in the harness, each with the one key pair
 * allowed to read it, answering a ListObjects call the way S3 (or MinIO) does — which error for an unknown key,
 * a wrong secret, a missing bucket or someone else's bucket — and listing the objects under a prefix the way
 * KServe's storage initializer then downloads them.
 */
import { type S3ErrorCode, s3ClientError, storageMessages } from "./messages.js";

/** An object's content: bytes, or text stored as UTF-8. */
export type MockS3Object = Uint8Array | string;

/** An S3 key pair. */
export interface MockS3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A mock bucket: the key pair that may read it, and its objects by key (`models/sklearn/iris/model.json`). */
export interface MockS3Bucket {
  credentials: MockS3Credentials;
  objects: Record<string, MockS3Object>;
}

/** Mock buckets by name. */
export type MockS3Buckets = Record<string, MockS3Bucket>;

/** How the storage initializer calls S3, from the Secret KServe found (its keys and `serving.kserve.io/s3-*` annotations). */
export interface S3ClientConfig {
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  /** `host[:port]` from `serving.kserve.io/s3-endpoint`; absent means AWS. */
  endpoint?: string | undefined;
  /** `serving.kserve.io/s3-usehttps` (default on). Only shapes the URLs in messages: the mock speaks no TLS. */
  useHttps: boolean;
  /** `serving.kserve.io/s3-useanoncredential: "true"`: unsigned requests. */
  anonymous: boolean;
}

/** A downloaded file: its path under the model directory, and its bytes. */
export interface ModelFile {
  name: string;
  bytes: Uint8Array;
}

/** The files under `s3://{bucket}/{prefix}`, or the exception line the storage initializer dies with. */
export type S3Download = { ok: true; files: ModelFile[] } | { ok: false; error: string };

/** Where the mock S3 service answers. */
export interface MockS3Service {
  buckets: MockS3Buckets;
  /** `host:port` of the service (its buckets also answer as AWS buckets, with no endpoint set). */
  endpoint: string;
}

/** List and download `s3://{bucket}/{prefix}` as KServe's storage initializer does, with `client`'s credentials. */
export function downloadFromS3(
  service: MockS3Service,
  client: S3ClientConfig,
  bucket: string,
  prefix: string,
): S3Download {
  if (!reaches(service, client.endpoint)) {
    const scheme = client.useHttps ? "https" : "http";
    return {
      ok: false,
      error: storageMessages.endpointUnreachable(
        `${scheme}://${client.endpoint}/${bucket}?prefix=${encodeURIComponent(prefix)}&encoding-type=url`,
      ),
    };
  }
  const denied = authorize(service.buckets, client, bucket);
  if (denied !== undefined) return { ok: false, error: denied };
  const files = listUnder(service.buckets[bucket]!, prefix);
  if (files.length === 0) return { ok: false, error: storageMessages.noModelFound(prefix) };
  return { ok: true, files };
}

/** True when `endpoint` leads to the mock service: no endpoint or an AWS one (the buckets pose as AWS's), or the service's own. */
function reaches(service: MockS3Service, endpoint: string | undefined): boolean {
  if (endpoint === undefined || endpoint === "") return true;
  const host = endpoint.toLowerCase().replace(/\/+$/, "");
  return host === service.endpoint.toLowerCase() || /(^|\.)amazonaws\.com(:\d+)?$/.test(host);
}

/** Why S3 refuses the call, in the order S3 checks: credentials present, key known, signature, bucket, permission. */
function authorize(buckets: MockS3Buckets, client: S3ClientConfig, bucket: string): string | undefined {
  const fail = (code: S3ErrorCode) => s3ClientError(code);
  if (client.anonymous) {
    // Unsigned requests reach the bucket, which is private.
    return bucket in buckets ? fail("AccessDenied") : fail("NoSuchBucket");
  }
  const { accessKeyId, secretAccessKey } = client;
  if (accessKeyId === undefined && secretAccessKey === undefined) return storageMessages.noCredentials();
  if (accessKeyId === undefined) return storageMessages.partialCredentials("AWS_ACCESS_KEY_ID");
  if (secretAccessKey === undefined) return storageMessages.partialCredentials("AWS_SECRET_ACCESS_KEY");
  const owned = Object.values(buckets).filter((b) => b.credentials.accessKeyId === accessKeyId);
  if (owned.length === 0) return fail("InvalidAccessKeyId");
  if (!owned.some((b) => b.credentials.secretAccessKey === secretAccessKey)) return fail("SignatureDoesNotMatch");
  const target = buckets[bucket];
  if (target === undefined) return fail("NoSuchBucket");
  const { credentials } = target;
  return credentials.accessKeyId === accessKeyId && credentials.secretAccessKey === secretAccessKey
    ? undefined
    : fail("AccessDenied");
}

/**
 * The objects whose key starts with `prefix`, named as the storage initializer saves them: relative to the prefix,
 * or by their base name when the prefix is the key itself (then only that object). Directory markers and empty
 * objects are skipped, as KServe does.
 */
function listUnder(bucket: MockS3Bucket, prefix: string): ModelFile[] {
  const files: ModelFile[] = [];
  for (const key of Object.keys(bucket.objects).sort()) {
    if (!key.startsWith(prefix)) continue;
    const bytes = asBytes(bucket.objects[key]!);
    if (key.endsWith("/") || bytes.byteLength === 0) continue;
    if (key === prefix) return [{ name: key.slice(key.lastIndexOf("/") + 1), bytes }];
    files.push({ name: key.slice(prefix.length).replace(/^\/+/, ""), bytes });
  }
  return files;
}

function asBytes(object: MockS3Object): Uint8Array {
  return typeof object === "string" ? new TextEncoder().encode(object) : object;
}
