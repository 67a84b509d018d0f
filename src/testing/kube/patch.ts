/**
 * The three ways a PATCH changes an object: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and a
 * simplified server-side apply. Pure functions on JSON values; the store decides what the result means.
 */
import { isJsonObject, type Json, sameJson } from "./json.js";
import { badRequest, failure, KubeStatusError } from "./status.js";

/** One RFC 6902 operation. */
export interface JsonPatchOperation {
  op: "add" | "remove" | "replace" | "move" | "copy" | "test";
  path: string;
  value?: unknown;
  from?: string;
}

/** RFC 7386: objects merge key by key, `null` deletes, anything else (arrays included) replaces. */
export function mergePatch(target: unknown, patch: unknown): Json {
  if (!isJsonObject(patch)) return structuredClone(patch) as Json;
  const out: { [key: string]: Json } = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/**
 * RFC 6902 applied to a copy of `document`. A malformed patch is a 400 (as the apiserver's decode step
 * answers); an operation that does not apply (missing path, failed test) is a 422, as the apiserver answers.
 */
export function jsonPatch(document: Json, operations: unknown): Json {
  if (!Array.isArray(operations))
    throw badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  let doc = structuredClone(document);
  for (const raw of operations) {
    if (!isJsonObject(raw) || typeof raw["op"] !== "string" || typeof raw["path"] !== "string") {
      throw badRequest('invalid JSON patch operation: each needs "op" and "path"');
    }
    const op = raw as unknown as JsonPatchOperation;
    switch (op.op) {
      case "add":
        doc = put(doc, op.path, requireValue(op), "add");
        break;
      case "replace":
        doc = put(doc, op.path, requireValue(op), "replace");
        break;
      case "remove":
        doc = remove(doc, op.path);
        break;
      case "test":
        if (!sameJson(read(doc, op.path), requireValue(op))) {
          throw unprocessable(`testing value ${op.path} failed: test failed`);
        }
        break;
      case "move": {
        const from = requireFrom(op);
        const value = read(doc, from);
        doc = put(remove(doc, from), op.path, value, "add");
        break;
      }
      case "copy":
        doc = put(doc, op.path, structuredClone(read(doc, requireFrom(op))), "add");
        break;
      default:
        throw badRequest(`Unexpected kind: ${String((op as { op: unknown }).op)}`);
    }
  }
  return doc;
}

/**
 * Server-side apply, simplified: the applied configuration is merged into the live object (objects key by
 * key, lists and scalars replaced whole), and fields this manager applied last time but left out now are
 * removed. Field ownership conflicts between managers are not tracked, so there is never a 409 from apply.
 */
export function applyConfiguration(live: Json, applied: Json, previouslyApplied: Json | undefined): Json {
  const pruned = previouslyApplied === undefined ? live : prune(live, previouslyApplied, applied);
  return deepMerge(pruned, applied);
}

function deepMerge(live: Json, applied: Json): Json {
  if (!isJsonObject(applied) || !isJsonObject(live)) return structuredClone(applied);
  const out: { [key: string]: Json } = { ...live };
  for (const [key, value] of Object.entries(applied))
    out[key] = key in out ? deepMerge(out[key]!, value) : structuredClone(value);
  return out;
}

/** `live` without the fields that were in `before` and are gone from `after`. */
function prune(live: Json, before: Json, after: Json): Json {
  if (!isJsonObject(live) || !isJsonObject(before)) return live;
  const out: { [key: string]: Json } = { ...live };
  const next = isJsonObject(after) ? after : {};
  for (const [key, value] of Object.entries(before)) {
    if (!(key in out)) continue;
    if (!(key in next)) delete out[key];
    else if (isJsonObject(value)) out[key] = prune(out[key]!, value, next[key]!);
  }
  return out;
}

function requireValue(op: JsonPatchOperation): Json {
  if (!("value" in op)) throw badRequest(`missing value for ${op.op} operation at ${op.path}`);
  return op.value as Json;
}

function requireFrom(op: JsonPatchOperation): string {
  if (typeof op.from !== "string") throw badRequest(`missing from for ${op.op} operation at ${op.path}`);
  return op.from;
}

/** A JSON pointer's reference tokens (RFC 6901: `~1` is `/`, `~0` is `~`). */
function tokens(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw unprocessable(`invalid JSON pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split("/")
    .map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"));
}

function read(doc: Json, pointer: string): Json {
  let at: Json = doc;
  for (const token of tokens(pointer)) {
    const next = child(at, token);
    if (next === undefined) throw missing(pointer);
    at = next;
  }
  return at;
}

function child(container: Json, token: string): Json | undefined {
  if (Array.isArray(container)) return /^(0|[1-9]\d*)$/.test(token) ? container[Number(token)] : undefined;
  if (isJsonObject(container)) return Object.hasOwn(container, token) ? container[token] : undefined;
  return undefined;
}

/** `add` or `replace` at `pointer`; returns the document (a new root when pointer is ""). */
function put(doc: Json, pointer: string, value: Json, mode: "add" | "replace"): Json {
  const path = tokens(pointer);
  if (path.length === 0) return structuredClone(value);
  const last = path[path.length - 1]!;
  const parent = read(doc, toPointer(path.slice(0, -1)));
  if (Array.isArray(parent)) {
    const index = last === "-" && mode === "add" ? parent.length : /^(0|[1-9]\d*)$/.test(last) ? Number(last) : -1;
    const limit = mode === "add" ? parent.length : parent.length - 1;
    if (index < 0 || index > limit)
      throw unprocessable(`${mode} operation does not apply: doc is missing path: "${pointer}": missing value`);
    if (mode === "add") parent.splice(index, 0, structuredClone(value));
    else parent[index] = structuredClone(value);
  } else if (isJsonObject(parent)) {
    if (mode === "replace" && !Object.hasOwn(parent, last))
      throw unprocessable(`replace operation does not apply: doc is missing key: ${pointer}: missing value`);
    parent[last] = structuredClone(value);
  } else {
    throw missing(pointer);
  }
  return doc;
}

function remove(doc: Json, pointer: string): Json {
  const path = tokens(pointer);
  if (path.length === 0) throw unprocessable("unable to remove the whole document");
  const last = path[path.length - 1]!;
  const parent = read(doc, toPointer(path.slice(0, -1)));
  if (Array.isArray(parent) && /^(0|[1-9]\d*)$/.test(last) && Number(last) < parent.length)
    parent.splice(Number(last), 1);
  else if (isJsonObject(parent) && Object.hasOwn(parent, last)) delete parent[last];
  else throw unprocessable(`remove operation does not apply: doc is missing path: "${pointer}": missing value`);
  return doc;
}

function toPointer(path: string[]): string {
  return path.map((t) => `/${t.replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
}

function missing(pointer: string): KubeStatusError {
  return unprocessable(`doc is missing path: "${pointer}": missing value`);
}

// The apiserver answers a JSON patch that does not apply with errors.NewGenericServerResponse(422, …): a
// generic message, and the patch library's own words as the one cause.
function unprocessable(message: string): KubeStatusError {
  return new KubeStatusError(
    failure(422, "Invalid", "the server rejected our request due to an error in our request", {
      causes: [{ reason: "UnexpectedServerResponse", message }],
    }),
  );
}
