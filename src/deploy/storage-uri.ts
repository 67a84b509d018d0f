/**
 * `storageUri` schemes the KServe storage initializer downloads from, checked for the shape each one needs.
 * Deliberately limited to the schemes this SDK (and its mock KServe) supports; KServe has more (oci://,
 * hdfs://, webhdfs://), which are refused with a message that lists what is accepted.
 */
import { dns1123SubdomainProblem } from "./names.js";

/** The storage URI schemes accepted in `storageUri`. */
export const STORAGE_URI_SCHEMES = ["s3", "gs", "pvc", "file", "http", "https", "hf"] as const;

/** One of {@link STORAGE_URI_SCHEMES}. */
export type StorageUriScheme = (typeof STORAGE_URI_SCHEMES)[number];

const ACCEPTED =
  "s3://bucket/path, gs://bucket/path, pvc://claim/path, file:///absolute/path, http(s)://host/path or hf://org/model";

/** What is wrong with `uri` as a `storageUri`, or `undefined` when it is fine. */
export function storageUriProblem(uri: string): string | undefined {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(uri)?.[1];
  if (scheme === undefined) return `${show(uri)} is not a storage URI; use ${ACCEPTED}`;
  if (/\s/.test(uri)) return `${show(uri)} contains white space`;
  const rest = uri.slice(scheme.length + 3);
  switch (scheme) {
    case "s3":
    case "gs":
      return rest.split("/")[0] === ""
        ? `${scheme}:// URIs name a bucket: ${scheme}://bucket/path, got ${show(uri)}`
        : undefined;
    case "pvc": {
      const claim = rest.split("/")[0]!;
      if (claim === "") return `pvc:// URIs name a PersistentVolumeClaim: pvc://claim/path, got ${show(uri)}`;
      const problem = dns1123SubdomainProblem(claim);
      return problem === undefined ? undefined : `the claim name in ${show(uri)}: ${problem}`;
    }
    case "file":
      // file://models/x would make "models" a host name; the storage initializer wants an absolute path.
      return rest.startsWith("/")
        ? undefined
        : `file:// URIs take an absolute path: file:///models/iris, got ${show(uri)}`;
    case "http":
    case "https":
      return httpProblem(uri);
    case "hf":
      // KServe reads hf://<org>/<model>[:<revision>] and downloads that Hugging Face Hub repository.
      return /^[^/:]+\/[^/:]+(:[^/:]+)?$/.test(rest)
        ? undefined
        : `hf:// URIs name a Hub repository: hf://org/model (or hf://org/model:revision), got ${show(uri)}`;
    default:
      return `storage URI scheme "${scheme}://" is not supported; use ${ACCEPTED}`;
  }
}

function httpProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `${show(uri)} is not a valid URL`;
  }
  return url.hostname === "" ? `${show(uri)} has no host` : undefined;
}

function show(uri: string): string {
  return JSON.stringify(uri.length > 120 ? `${uri.slice(0, 117)}...` : uri);
}
