/**
 * What the API server does to objects of particular kinds before storing them, beyond the common
 * metadata handling: Secret `stringData` folded into base64 `data`, Namespace defaults (finalizer,
 * phase, name label). Each function mutates the candidate object and returns field errors (→ 422);
 * undecodable content throws a 400, as the apiserver's decoder does.
 */
import { badRequest, type FieldError, fieldInvalid } from "./status.js";
import type { ResourceDefinition } from "./resources.js";
import type { StoredObject } from "./types.js";

/** Defaults and checks for a new object. */
export function prepareNew(def: ResourceDefinition, object: StoredObject): FieldError[] {
  switch (def.resource) {
    case "secrets":
      return prepareSecret(object, undefined);
    case "namespaces":
      object["spec"] = { finalizers: ["kubernetes"], ...asRecord(object["spec"]) };
      object["status"] = { phase: "Active" };
      labelNamespace(object);
      return [];
    default:
      return [];
  }
}

/** Defaults and checks for a replacement of `old` (through the main resource, not `/status`). */
export function prepareReplacement(def: ResourceDefinition, object: StoredObject, old: StoredObject): FieldError[] {
  switch (def.resource) {
    case "secrets":
      return prepareSecret(object, old);
    case "namespaces":
      // Namespace spec (its finalizers) changes only through /finalize, status only through /status.
      copyOrDelete(object, old, "spec");
      labelNamespace(object);
      return [];
    default:
      return [];
  }
}

/** The `kubernetes.io/metadata.name` label every namespace carries (set by the apiserver since 1.21). */
function labelNamespace(object: StoredObject): void {
  object.metadata.labels = { ...object.metadata.labels, "kubernetes.io/metadata.name": object.metadata.name };
}

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const CONFIG_KEY_MESSAGE =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

function prepareSecret(secret: StoredObject, old: StoredObject | undefined): FieldError[] {
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(asRecord(secret["data"]))) {
    if (typeof value !== "string")
      throw cannotDecodeSecret(
        `json: cannot unmarshal ${jsonType(value)} into Go struct field Secret.data of type []uint8`,
      );
    const bad = firstNonBase64(value);
    if (bad !== undefined) throw cannotDecodeSecret(`illegal base64 data at input byte ${bad}`);
    data[key] = value;
  }
  // stringData is write-only: the apiserver converts it into data (stringData wins on a shared key) and
  // never returns it.
  for (const [key, value] of Object.entries(asRecord(secret["stringData"]))) {
    if (typeof value !== "string")
      throw cannotDecodeSecret(
        `json: cannot unmarshal ${jsonType(value)} into Go struct field Secret.stringData of type string`,
      );
    data[key] = utf8ToBase64(value);
  }
  delete secret["stringData"];
  if (Object.keys(data).length > 0) secret["data"] = data;
  else delete secret["data"];
  secret["type"] ??= "Opaque";

  const errors: FieldError[] = [];
  for (const key of Object.keys(data)) {
    if (!CONFIG_KEY.test(key) || key.length > 253) errors.push(fieldInvalid(`data[${key}]`, key, CONFIG_KEY_MESSAGE));
  }
  if (old !== undefined && secret["type"] !== old["type"])
    errors.push(fieldInvalid("type", String(secret["type"]), "field is immutable"));
  return errors;
}

function cannotDecodeSecret(why: string) {
  return badRequest(`Secret in version "v1" cannot be handled as a Secret: ${why}`);
}

/** Index of the first byte Go's strict base64 decoder refuses, or undefined when `value` decodes. */
function firstNonBase64(value: string): number | undefined {
  const match = /[^A-Za-z0-9+/=]/.exec(value);
  if (match !== null) return match.index;
  const padding = value.indexOf("=");
  if (padding !== -1 && !/^={1,2}$/.test(value.slice(padding))) return padding;
  if (value.length % 4 !== 0) return value.length - (value.length % 4);
  return undefined;
}

function utf8ToBase64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  return typeof value === "object" ? "object" : typeof value;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** `target[field] = source[field]`, or no such field when the source has none. */
export function copyOrDelete(target: StoredObject, source: StoredObject, field: string): void {
  if (source[field] === undefined) delete target[field];
  else target[field] = structuredClone(source[field]);
}
