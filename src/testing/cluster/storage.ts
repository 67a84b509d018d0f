/// <reference types="node" />
/**
 * The storage initializer, simulated: fetches the files of a `storageUri` into the model directory, or dies with
 * the exception line KServe's (kserve_storage.py) would. `s3://` reads the mock buckets with the pod's
 * credentials; `file:///path` reads a local file or the files of a local directory; `hf://org/model` downloads
 * nothing (the mock has no Hub, and its Hugging Face runtime needs no weights); gs://, pvc:// and http(s):// have
 * nothing behind them in the mock and fail with a message that says so.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { storageMessages } from "./messages.js";
import { downloadFromS3, type MockS3Service, type ModelFile, type S3ClientConfig, type S3Download } from "./s3.js";

/** The downloaded files, or the exception line the storage initializer exits with. */
export type StorageDownload = S3Download;

/** Fetch `uri` as the storage initializer does, with the pod's S3 settings `s3`. */
export async function runStorageInitializer(
  uri: string,
  s3: S3ClientConfig,
  service: MockS3Service,
): Promise<StorageDownload> {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1]?.toLowerCase();
  if (scheme === "s3") {
    const rest = uri.slice("s3://".length);
    const slash = rest.indexOf("/");
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    const prefix = slash === -1 ? "" : rest.slice(slash + 1).replace(/^\/+/, "");
    return downloadFromS3(service, s3, bucket, prefix);
  }
  if (scheme === "file") return readLocal(uri);
  if (scheme === "hf") return { ok: true, files: [] };
  return { ok: false, error: storageMessages.schemeUnavailable(uri, scheme ?? uri) };
}

/** A local file, or the regular files at the top of a local directory (what KServe links into the model directory). */
async function readLocal(uri: string): Promise<StorageDownload> {
  const path = decodeURIComponent(uri.slice("file://".length));
  let info;
  try {
    info = await stat(path);
  } catch {
    return { ok: false, error: storageMessages.localPathMissing(uri) };
  }
  let files: ModelFile[];
  try {
    files = info.isDirectory()
      ? await readDirectory(path)
      : [{ name: basename(path), bytes: new Uint8Array(await readFile(path)) }];
  } catch (error) {
    return { ok: false, error: `OSError: ${error instanceof Error ? error.message : String(error)}` };
  }
  return files.length === 0 ? { ok: false, error: storageMessages.noModelFound(uri) } : { ok: true, files };
}

async function readDirectory(path: string): Promise<ModelFile[]> {
  const files: ModelFile[] = [];
  for (const name of (await readdir(path)).sort()) {
    const full = join(path, name);
    if (!(await stat(full)).isFile()) continue; // sub-directories hold nothing a runtime of the mock reads
    files.push({ name, bytes: new Uint8Array(await readFile(full)) });
  }
  return files;
}
