/// <reference types="node" />
/**
 * Reading a request the way the apiserver does: the body (size-limited, JSON or YAML by Content-Type),
 * the patch type, and the write options in the query (dryRun, fieldManager, force).
 */
import type { IncomingMessage } from "node:http";
import { parse as parseYaml } from "yaml";
import type { KubePatch } from "./store.js";
import { PATCH_TYPES, type ResourceDefinition } from "./resources.js";
import {
  badRequest,
  type FieldError,
  fieldForbidden,
  fieldRequired,
  invalid,
  tooLarge,
  unsupportedMediaType,
} from "./status.js";

/** The apiserver's request body limit (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** The request body; 413 past {@link MAX_BODY_BYTES}. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) throw tooLarge(MAX_BODY_BYTES);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The media type without parameters (`application/json; charset=utf-8` → `application/json`). */
export function mediaType(req: IncomingMessage): string {
  return (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
}

/** A POST or PUT body: JSON, or YAML (JSON is YAML too). */
export function parseObjectBody(req: IncomingMessage, body: Buffer): unknown {
  const type = mediaType(req);
  if (type === "" || type === "application/json") return parseJson(body);
  if (type === "application/yaml") return parseYamlBody(body);
  throw unsupportedMediaType(["application/json", "application/yaml"]);
}

/** A PATCH body as a store patch, chosen by Content-Type; 415 for a type the resource does not take. */
export function parsePatch(
  req: IncomingMessage,
  body: Buffer,
  def: ResourceDefinition,
  query: URLSearchParams,
): KubePatch {
  const type = mediaType(req);
  if (!def.patchTypes.includes(type)) throw unsupportedMediaType(def.patchTypes);
  const fieldManager = query.get("fieldManager") ?? "";
  const force = query.get("force");
  // PatchOptions are validated before the body is read (validation.ValidatePatchOptions).
  const errors: FieldError[] = [];
  if (type === PATCH_TYPES.apply && fieldManager === "")
    errors.push(fieldRequired("fieldManager", "is required for apply patch"));
  if (type !== PATCH_TYPES.apply && force !== null)
    errors.push(fieldForbidden("force", "may not be specified for non-apply patch"));
  if (errors.length > 0) throw invalid({ group: "meta.k8s.io", kind: "PatchOptions" }, "", errors);
  switch (type) {
    case PATCH_TYPES.apply:
      return { type: "apply", patch: parseYamlBody(body), fieldManager, force: force === "true" };
    case PATCH_TYPES.json:
      return { type: "json", patch: parseJson(body) };
    case PATCH_TYPES.strategic:
      return { type: "strategic", patch: parseJson(body) };
    default:
      return { type: "merge", patch: parseJson(body) };
  }
}

/** `?dryRun=All` → true; any other value is refused as the apiserver refuses it (422). */
export function dryRunOf(
  query: URLSearchParams,
  optionsKind: "CreateOptions" | "UpdateOptions" | "PatchOptions" | "DeleteOptions",
): boolean {
  const values = query.getAll("dryRun").filter((v) => v !== "");
  if (values.length === 0) return false;
  if (values.every((v) => v === "All")) return true;
  const shown = `[]string{${values.map((v) => JSON.stringify(v)).join(", ")}}`;
  throw invalid({ group: "meta.k8s.io", kind: optionsKind }, "", [
    { type: "FieldValueNotSupported", field: "dryRun", body: `Unsupported value: ${shown}: supported values: "All"` },
  ]);
}

/** A whole-number query parameter, or undefined when absent; 400 when malformed. */
export function integerParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === "") return undefined;
  if (!/^\d+$/.test(value))
    throw badRequest(`invalid value for ${name}: ${JSON.stringify(value)}: must be a non-negative integer`);
  return Number(value);
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw badRequest(`the body of the request could not be decoded as JSON: ${(error as Error).message}`);
  }
}

function parseYamlBody(body: Buffer): unknown {
  try {
    return parseYaml(body.toString("utf8"));
  } catch (error) {
    throw badRequest(`error converting YAML to JSON: ${(error as Error).message}`);
  }
}
